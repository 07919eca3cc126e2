import { randomUUID } from 'node:crypto';
import type { Decider, DomainEvent } from '@hoody/decider';
import { WrongExpectedRevisionError, type EventMetadata, type EventStore, type ExpectedRevision } from '@hoody/event-store';

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

/**
 * The one command handler: read the stream, fold it, decide, append at the revision that was read.
 * A conflict means someone else wrote first: read again and decide again, a bounded number of times.
 * Rejections from the decider propagate untouched.
 */
export function createCommandHandler<C, E extends DomainEvent, S>(store: EventStore, decider: Decider<C, E, S>, options: CommandHandlerOptions = {}) {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 2;

  return async function handle(streamId: string, command: C, context: CommandContext = {}): Promise<CommandResult<E, S>> {
    for (let attempt = 1; ; attempt++) {
      let state = decider.initialState;
      let revision: number | 'no_stream' = 'no_stream';
      for await (const recorded of store.readStream(streamId)) {
        state = decider.evolve(state, { type: recorded.type, data: recorded.data } as E);
        revision = recorded.revision;
      }
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, state, revision };

      const expectedRevision: ExpectedRevision = revision;
      try {
        const result = await store.append(
          streamId,
          events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: context.metadata })),
          { expectedRevision },
        );
        return {
          events,
          state: events.reduce((s, e) => decider.evolve(s, e), state),
          revision: result.nextExpectedRevision,
          position: result.position,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= maxAttempts) throw new ConcurrencyExhaustedError(streamId, attempt);
        await sleep(backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
  };
}
