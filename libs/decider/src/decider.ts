/** An event as deciders produce it: a past-tense type and its payload. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/**
 * One aggregate's behaviour, pure: `decide` turns a command and the current state into the events
 * that record its outcome (or throws `CommandRejected`); `evolve` folds one event into the state.
 * Time, ids and host facts arrive inside the command, never read from the world.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/** A command the current state does not allow. `code` is machine-readable (e.g. INVALID_STATE). */
export class CommandRejected extends Error {
  override readonly name = 'CommandRejected';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function fold<Event extends DomainEvent, State>(decider: Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>, events: Iterable<Event>): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Fails to compile when a switch over a union misses a case. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
