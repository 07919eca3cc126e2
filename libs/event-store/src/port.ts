/**
 * The event store port: the one write path of every service. Adapters: the embedded SQLite store
 * (default) and EventStoreDB/KurrentDB. Both pass `testing/conformance.ts`.
 */

/** `no_stream`: the stream must not exist; `stream_exists`: it must; a number: its last revision. */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

/** Position in the global order ($all). Strictly increasing; comparable as numbers. */
export type Position = number;

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  principal?: string;
  realmId?: string;
  [key: string]: unknown;
}

/** An event to append. `id` (a UUID) makes retries idempotent; one is generated when absent. */
export interface NewEvent<T extends string = string, D = unknown> {
  id?: string;
  type: T;
  data: D;
  metadata?: EventMetadata;
}

export interface RecordedEvent<T extends string = string, D = unknown> {
  id: string;
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  position: Position;
  type: T;
  data: D;
  metadata: EventMetadata;
  createdAt: Date;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

/** One stream's part of `appendToStreams`. */
export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event of the stream after this append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended (or found, on an idempotent retry). */
  position: Position;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first revision (forwards) or the last (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  /** Exclusive: events after this position (forwards) or before it (backwards). */
  fromPosition?: Position | 'start' | 'end';
  maxCount?: number;
}

export interface SubscriptionFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive: the subscription delivers events after this position. Default: 'start'. */
  fromPosition?: Position | 'start' | 'end';
  filter?: SubscriptionFilter;
}

/** Catch-up then live, with no gap and no duplicate at the handover. End it with `close()`. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several distinct streams, in the order given, each at its own expected revision; the
   * results in the same order. A refused append (WrongExpectedRevisionError, InvalidAppendError) is
   * thrown, and neither it nor any append after it is written. Whether the ones before it stay
   * depends on the adapter (`atomicMultiStreamAppend`): the embedded store writes all or nothing,
   * in one transaction; EventStoreDB, which has no multi-stream transaction through this client,
   * appends one after the other, so the earlier ones stay. Callers put first what they can undo
   * (a name reservation, released when what follows is refused).
   */
  appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** Whether appendToStreams writes all or nothing (otherwise a refusal leaves the appends before it). */
  readonly atomicMultiStreamAppend: boolean;
  /** A stream that does not exist reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  close(): Promise<void>;
}

export function matchesFilter(event: { streamId: string; type: string }, filter?: SubscriptionFilter): boolean {
  if (!filter) return true;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((p) => event.streamId.startsWith(p))) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  return true;
}
