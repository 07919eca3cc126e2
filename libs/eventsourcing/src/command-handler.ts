import { randomUUID } from 'node:crypto';
import type { Decider, DomainEvent } from '@hoody/decider';
import { WrongExpectedRevisionError, type AppendResult, type EventMetadata, type EventStore, type RecordedEvent } from '@hoody/event-store';
import { foldedStates, rememberFolded, type FoldedState } from './folded-states';

export interface CommandHandlerOptions {
  /** Attempts before a conflict is given up (default 5). */
  maxAttempts?: number;
  /** First backoff after a conflict, doubled each time, with jitter (default 2 ms). */
  backoffMs?: number;
}

export interface CommandContext {
  /** Copied onto every event (correlation, causation, principal, realm). */
  metadata?: EventMetadata;
}

export interface CommandResult<E, S> {
  /** What the command appended; empty when the decider had nothing to record. */
  events: E[];
  /** The aggregate's state after the command. */
  state: S;
  /** The stream's last revision after the command, or 'no_stream'. */
  revision: number | 'no_stream';
  /** Global position of the last appended event, for read-your-writes waits. */
  position?: number;
}

/** The conflict outlasted every retry: the aggregate is too contended right now. */
export class ConcurrencyExhaustedError extends Error {
  override readonly name = 'ConcurrencyExhaustedError';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
  ) {
    super(`stream ${streamId}: still conflicting after ${attempts} attempts`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One aggregate's part of a command that spans several (`decideTogether`). */
export interface CommandStep<C, E extends DomainEvent, S> {
  streamId: string;
  decider: Decider<C, E, S>;
  command: C;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the steps of one call are of different aggregates
type AnyStep = CommandStep<any, DomainEvent, any>;
type ResultOf<T> = T extends CommandStep<unknown, infer E, infer S> ? CommandResult<E, S> : never;

/**
 * The one command handler: read each stream, fold it, decide, append at the revisions that were
 * read. A conflict means someone else wrote first: read again and decide again, a bounded number of
 * times. Rejections from a decider propagate untouched, before anything is written.
 *
 * With several steps (a name reservation and the aggregate that takes the name) the appends go to
 * the store in one call, in step order: all or nothing on the embedded store. On a store without
 * multi-stream atomicity the steps before a refused one stay written (the refusal reports them):
 * they are done, and a retry decides only the steps from the refused one on.
 */
export async function decideTogether<const T extends readonly AnyStep[]>(
  store: EventStore,
  steps: T,
  context: CommandContext = {},
  options: CommandHandlerOptions = {},
): Promise<{ [K in keyof T]: ResultOf<T[K]> }> {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 2;
  // Step index → what it wrote in an earlier attempt (only on a store without multi-stream atomicity).
  const done = new Map<number, Decided & { eventIds: string[]; result: AppendResult }>();
  for (let attempt = 1; ; attempt++) {
    const decided: Decided[] = [];
    for (const [i, step] of steps.entries()) decided.push(done.get(i) ?? (await decide(store, step)));
    const writing = decided.flatMap((d, step) => (d.events.length > 0 && !done.has(step) ? [{ ...d, step, eventIds: d.events.map(() => randomUUID()) }] : []));
    try {
      const appended =
        writing.length === 0
          ? []
          : await store.appendToStreams(
              writing.map((d) => ({
                streamId: d.streamId,
                events: d.events.map((e, k) => ({ id: d.eventIds[k], type: e.type, data: e.data, metadata: context.metadata })),
                expectedRevision: d.revision,
              })),
            );
      return decided.map((d, i) => {
        const k = writing.findIndex((w) => w.step === i);
        const written = done.get(i) ?? (k >= 0 ? { ...writing[k], result: appended[k] } : undefined);
        if (!written) return { events: d.events, state: d.state, revision: d.revision };
        const { decider } = steps[i];
        // folded from copies: the events' data holds the command's own objects, and the state may be kept
        const state = d.events.reduce((s, e) => decider.evolve(s, structuredClone(e)), d.state);
        const revision = written.result.nextExpectedRevision;
        if (!decider.lastEventIsState) rememberFolded(foldedStates(store, decider), d.streamId, { state, revision, eventId: written.eventIds[written.eventIds.length - 1] });
        return { events: d.events, state, revision, position: written.result.position };
      }) as { [K in keyof T]: ResultOf<T[K]> };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      error.appendedBefore.forEach((result, k) => done.set(writing[k].step, { ...writing[k], result }));
      if (attempt >= maxAttempts) throw new ConcurrencyExhaustedError(error.streamId, attempt);
      await sleep(backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

interface Decided {
  streamId: string;
  state: unknown;
  revision: number | 'no_stream';
  events: DomainEvent[];
}

async function decide(store: EventStore, { streamId, decider, command }: AnyStep): Promise<Decided> {
  const { state, revision } = await readState(store, streamId, decider);
  return { streamId, state, revision, events: decider.decide(command, state) as DomainEvent[] };
}

/**
 * A stream's state and revision: its events folded, from the state this process folded last when it
 * has one (foldedStates), or only its last event when that is the state (Decider.lastEventIsState).
 */
export async function readState<S>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, DomainEvent, S>, 'initialState' | 'evolve' | 'lastEventIsState'>,
): Promise<{ state: S; revision: number | 'no_stream' }> {
  if (decider.lastEventIsState) return foldEvents(store.readStream(streamId, { direction: 'backwards', maxCount: 1 }), decider, decider.initialState, 'no_stream');
  const states = foldedStates(store, decider);
  const known = states.get(streamId);
  const resumed = known && (await resume(store, streamId, decider, known));
  const folded = resumed ?? (await foldEvents(store.readStream(streamId), decider, decider.initialState, 'no_stream'));
  if (folded.revision !== 'no_stream') rememberFolded(states, streamId, { state: folded.state, revision: folded.revision, eventId: folded.lastEventId });
  return { state: folded.state, revision: folded.revision };
}

/** The stream folded on from a state folded before, or undefined when the event it ended with is no longer there. */
async function resume<S>(store: EventStore, streamId: string, decider: Pick<Decider<unknown, DomainEvent, S>, 'evolve'>, known: FoldedState) {
  const events = store.readStream(streamId, { fromRevision: known.revision })[Symbol.asyncIterator]();
  const first = await events.next();
  if (first.done || first.value.revision !== known.revision || first.value.id.toLowerCase() !== known.eventId.toLowerCase()) {
    await events.return?.();
    return undefined;
  }
  return foldEvents({ [Symbol.asyncIterator]: () => events }, decider, known.state as S, known.revision, known.eventId);
}

async function foldEvents<S>(
  events: AsyncIterable<RecordedEvent>,
  decider: Pick<Decider<unknown, DomainEvent, S>, 'evolve'>,
  state: S,
  revision: number | 'no_stream',
  lastEventId = '',
): Promise<{ state: S; revision: number | 'no_stream'; lastEventId: string }> {
  for await (const recorded of events) {
    state = decider.evolve(state, { type: recorded.type, data: recorded.data });
    revision = recorded.revision;
    lastEventId = recorded.id;
  }
  return { state, revision, lastEventId };
}

/** decideTogether for one aggregate: `handle(streamId, command)`. */
export function createCommandHandler<C, E extends DomainEvent, S>(store: EventStore, decider: Decider<C, E, S>, options: CommandHandlerOptions = {}) {
  return async function handle(streamId: string, command: C, context: CommandContext = {}): Promise<CommandResult<E, S>> {
    const [result] = await decideTogether(store, [{ streamId, decider, command }] as const, context, options);
    return result as CommandResult<E, S>;
  };
}
