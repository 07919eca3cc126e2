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
  /**
   * True when `evolve` never reads the state it is given: every event restates the whole state, so
   * a stream's last event alone is its state, and a command handler reads only that one. What a
   * decision costs then stays the same however long the stream grows (a name reserved and released
   * a thousand times). A decider that says so shows it in a test: every event gives the same state
   * from any state.
   */
  readonly lastEventIsState?: boolean;
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

/** Freezes a value and everything in it (frozen parts are left as they are): a state that is shared must not change. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
