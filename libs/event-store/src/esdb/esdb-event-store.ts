/**
 * # EventStoreDB / KurrentDB adapter of the event store port
 *
 * `openEventStoreDb('esdb://localhost:2113?tls=false')` returns an {@link EventStore} backed by an
 * EventStoreDB 20.10+ / KurrentDB server through `@eventstore/db-client` 6.2.1 (gRPC). The factory is
 * synchronous: the client connects lazily, on the first call. `kurrentdb://`, `kurrent://` and `kdb://`
 * URLs (with or without `+discover`) are accepted and rewritten to `esdb://` for this client version.
 *
 * ## Verified without a server (from the client's code and types and from KurrentDB's source)
 *
 * Client (node_modules/@eventstore/db-client/dist):
 * - `appendToStream` uses the BatchAppend RPC when the server supports it, else Append; both turn a
 *   conflict into `WrongExpectedVersionError` whose `actualVersion` is a bigint or `'no_stream'`
 *   (streams/appendToStream/append.js, unpackError.js, utils/CommandError.js). A successful append
 *   resolves `{ success, nextExpectedRevision: bigint, position?: { commit, prepare } }`; `position` is
 *   missing when the server answers `NoPosition`.
 * - A read of a missing stream errors with `StreamNotFoundError` (streams/utils/ReadStream.js): caught,
 *   it reads as empty. `count` 0 is refused by the server, so `maxCount <= 0` is answered locally.
 * - `RecordedEvent.created` is already a `Date` (converted from .NET ticks, millisecond precision),
 *   `metadata` is parsed JSON, `undefined` (no metadata) or raw bytes; `position` is optional on stream
 *   reads ("only returned on server versions later than 22.6.0") and set to 2^64-1 when the server
 *   does not know it: both read as "unknown" here (see below).
 * - `readAll` has no server-side filter in this client, so system events are skipped here, and
 *   `maxCount` is applied to the events kept, not to the events the server sends.
 * - `subscribeToAll` takes one filter only (stream name OR event type, prefixes or regex). Server-side
 *   prefixes are `StartsWith` matches, so every event is rechecked with `matchesFilter`.
 *
 * Server (kurrent-io/KurrentDB, src/KurrentDB.Core):
 * - commit == prepare for every event appended through gRPC: writes are implicit transactions whose
 *   prepares carry `IsCommitted` (Services/Storage/StorageWriterService.cs); `$all` reads give such an
 *   event `CommitEventRecord(record, prepare.LogPosition)` (ReaderIndex/AllReader.cs) and stream reads
 *   give a self-committed event `TFPos(LogPosition, LogPosition)` (Data/ResolvedEvent.cs). Only events
 *   written by legacy TCP explicit transactions have commit != prepare (and share one commit position);
 *   this adapter never writes those.
 * - The append result's position is the `LogPosition` of the batch's LAST event: `CommitAck` is sent for
 *   the `TransactionEnd` prepare (StorageChaser.cs) and `WriteEventsCompleted` uses it for both commit
 *   and prepare (RequestManager/Managers/WriteEvents.cs). An idempotent retry answers with the log
 *   position of the last event of the original write (IndexWriter.CheckCommit), or `NoPosition` on
 *   older servers / when not yet replicated: then the event is read back to find its position.
 * - Forward `readAll` from a position is INCLUSIVE (`TFPos(prepare, prepare) >= pos`, AllReader.cs):
 *   the event at exactly the position is skipped here. Backward `readAll` from a position is EXCLUSIVE
 *   (records whose post-position <= pos). Catch-up `subscribeToAll` from a position is EXCLUSIVE
 *   (`eventPosition <= checkpoint` is skipped, Transport/Enumerators/Enumerator.AllSubscriptionFiltered.cs);
 *   both are also enforced client-side.
 * - A `$all` position must be the start of a log record: the server reads the record at that byte
 *   offset (TFChunk read side). A number that is not (e.g. `event.position - 1`) gets an
 *   "invalid position" error, or worse a misparse. So a numeric `fromPosition` is first probed: if the
 *   event read at it has exactly that position it is used as is; at or past the last event, the last
 *   event's position is used; otherwise the read starts at the enclosing chunk's first record
 *   (chunks are 256 MiB by default, `TFConsts.ChunkSize`; override with `options.chunkSize`) and falls
 *   back to the start of `$all` if that fails, skipping client-side up to the requested position.
 * - Idempotency (IndexWriter.CheckCommit): with a numeric or `no_stream` expected revision a retry is
 *   recognised from the index (always); with `any` / `stream_exists` only from a bounded in-memory
 *   cache of recent event ids (best effort). A batch that is partly already written gets
 *   `WrongExpectedVersion` ("CorruptedIdempotency").
 * - Stream reads backwards from a revision past the end continue from the last event
 *   (Enumerator.ReadStreamBackwards.cs pages with `NextEventNumber`).
 *
 * ## Semantic differences with the port / embedded store, and how they are handled
 * - Expected revision conflicts: on `WrongExpectedVersion` the stream is scanned for the batch's ids
 *   (only on that error path): the batch already in the stream, in order, is a retry acknowledged
 *   with its original result (as the embedded store does for any expected revision); a batch whose
 *   first event is there but not the rest is `InvalidAppendError('PARTIAL_DUPLICATE')`; otherwise
 *   `WrongExpectedRevisionError(streamId, expected, actual)`.
 * - NOT handled (would need a read before every append; the server reports success, so there is no
 *   error path to hook): a batch already in the stream is appended AGAIN (duplicate ids) when
 *   (a) it is resent with `any`/`stream_exists` after its ids fell out of the server's cache
 *   (restart, eviction; the conformance test "retry sent with `any`" relies on that cache), or
 *   (b) it is resent with the stream's CURRENT revision as expected revision (ESDB only recognises
 *   retries whose expected revision is stale). Likewise a batch that repeats ids already in the stream
 *   but not as its first event is appended instead of refused as PARTIAL_DUPLICATE. Resend a retry
 *   with its original expected revision (numeric or `no_stream`): that is always recognised.
 * - `stream_exists` also accepts a stream that only has metadata ($$stream); irrelevant through this port.
 * - The server's `MaxAppendSize` (default 1 MiB) bounds a whole batch, the port 1 MiB per event:
 *   a refused batch becomes `InvalidAppendError('EVENT_TOO_LARGE')`.
 * - System events (`$`-prefixed streams or types) are never returned, so `$all` matches a store that
 *   has none. Links are not resolved.
 * - `subscribeToAll({ fromPosition: 'end' })` starts at the end as of the server's confirmation, a
 *   little after the call (the embedded store resolves it synchronously). Transport errors end the
 *   subscription's iteration with the client's error: resume from the last position processed.
 * - Positions are `Number(commit)`: exact up to 2^53 bytes of log.
 *
 * ## Not verified (needs a server)
 * - Everything at runtime: the conformance suite has not run against this adapter.
 * - Server versions before 22.6: stream reads carry no position (`position` is then -1), and an
 *   idempotent retry may report none either (then also -1). Stream-read positions, retry positions and
 *   exclusive/inclusive boundaries were checked in current KurrentDB source only.
 * - The exact error a misaligned `$all` position produces on each server version (handled as any
 *   UNKNOWN / INVALID_ARGUMENT / INTERNAL gRPC error before the first event), and that a misaligned
 *   read never returns a plausible record whose position equals the probe (considered impossible).
 * - Non-default `ChunkSize` servers: the chunk anchor may be misaligned; the start of `$all` is then used.
 */
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnknownError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type Filter,
  type Position as EsdbPosition,
  type ReadPosition,
  type ReadRevision,
  type StreamingRead,
} from '@eventstore/db-client';
import { InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import {
  matchesFilter,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
  type SubscriptionFilter,
  type StreamAppend,
} from '../port';
import { appendOneAfterAnother } from '../one-after-another';
import { prepareAppend, validateReadOptions, validateStreamAppends, validateStreamName, type PreparedEvent } from '../validation';

export interface EventStoreDbOptions {
  /** The server's TF chunk size in bytes (`ChunkSize`), used to realign arbitrary positions. Default 256 MiB. */
  chunkSize?: number;
}

/** TFConsts.ChunkSize: a chunk's first record starts at a multiple of it in the logical log. */
const DEFAULT_CHUNK_SIZE = 256 * 1024 * 1024;
/** Position reported when the server does not give one (stream reads on servers before 22.6). */
const UNKNOWN_POSITION = -1;
/** The server encodes "no position" as 2^64-1 (Position.FromInt64(-1, -1)). */
const POSITION_LIMIT = 2n ** 63n;
/** How long close() waits for a stream's cancellation to be acknowledged. */
const CANCEL_WAIT_MS = 1000;

// ---------------------------------------------------------------------------------------------------
// Conversions

/** The commit position of an event; on gRPC-appended events it equals the prepare position (see above). */
function commitPosition(position: EsdbPosition | undefined): number | undefined {
  if (!position || position.commit < 0n || position.commit >= POSITION_LIMIT) return undefined;
  return Number(position.commit);
}

/** A port position as an ESDB position: commit == prepare == the event's log position. */
function esdbPosition(position: number): EsdbPosition {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function actualRevision(current: bigint | 'no_stream' | undefined): number | 'no_stream' {
  return typeof current === 'bigint' && current >= 0n ? Number(current) : 'no_stream';
}

function toEventData(event: PreparedEvent) {
  return jsonEvent({ id: event.id, type: event.type, data: JSON.parse(event.data), metadata: JSON.parse(event.metadata) });
}

/** What the client yields for a read or subscription item (ResolvedEvent / AllStreamResolvedEvent). */
interface ResolvedItem {
  event?: unknown;
  commitPosition?: bigint;
}

/** The client's RecordedEvent, loosely typed (JSON and binary variants). */
interface ClientRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: EsdbPosition;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function decodeBinary(data: unknown): unknown {
  if (!(data instanceof Uint8Array)) return data;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return data;
  }
}

function toRecorded(item: ResolvedItem): RecordedEvent | undefined {
  const event = item.event as ClientRecordedEvent | undefined;
  if (!event) return undefined;
  const fallback = item.commitPosition !== undefined && item.commitPosition < POSITION_LIMIT ? Number(item.commitPosition) : UNKNOWN_POSITION;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: commitPosition(event.position) ?? fallback,
    type: event.type,
    data: event.isJson ? event.data : decodeBinary(event.data),
    metadata: isPlainObject(event.metadata) ? (event.metadata as EventMetadata) : {},
    createdAt: event.created instanceof Date ? event.created : new Date(event.created as unknown as number),
  };
}

/** ESDB's own events: the embedded store has none, so they are never returned. */
function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** What a read or subscription from a misaligned `$all` position fails with (see the header). */
function isBadPositionError(error: unknown): boolean {
  if (error instanceof UnknownError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 2 /* UNKNOWN */ || code === 3 /* INVALID_ARGUMENT */ || code === 13 /* INTERNAL */;
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof StreamNotFoundError || (error as { type?: unknown } | null)?.type === 'stream-not-found';
}

function translateAppendError(error: unknown): unknown {
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError('EVENT_TOO_LARGE', `the batch exceeds the server's maximum append size of ${error.maxAppendSize} bytes`);
  }
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && /maximum append (event )?size/i.test(message)) {
    return new InvalidAppendError('EVENT_TOO_LARGE', message);
  }
  return error;
}

/** `maxCount` as the embedded store reads it: absent = all, NaN or <= 0 = none, fractions rounded down. */
function countLimit(maxCount: number | undefined): number {
  if (maxCount === undefined) return Infinity;
  if (!(maxCount > 0)) return 0;
  return maxCount === Infinity ? Infinity : Math.floor(maxCount);
}

/** The first revision to read, or null when nothing can match. */
function revisionStart(fromRevision: number | undefined, backwards: boolean): ReadRevision | null {
  if (fromRevision === undefined) return backwards ? END : START;
  if (Number.isNaN(fromRevision)) return null;
  if (backwards) {
    if (fromRevision < 0) return null;
    return fromRevision === Infinity ? END : BigInt(Math.floor(fromRevision));
  }
  if (fromRevision === Infinity) return null;
  return fromRevision <= 0 ? START : BigInt(Math.ceil(fromRevision));
}

function serverFilter(filter: SubscriptionFilter | undefined): Filter {
  // One filter per subscription: stream prefixes when given (event types are then checked here),
  // else event type prefixes, else just "no system events". Results are always rechecked exactly.
  if (filter?.streamPrefixes) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes) return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  return excludeSystemEvents();
}

function normalizeUrl(url: string): string {
  return url.replace(/^(?:kurrentdb|kurrent|kdb)(\+discover)?:\/\//i, (_match, discover: string | undefined) => `esdb${discover ?? ''}://`);
}

// ---------------------------------------------------------------------------------------------------
// Pulling items from the client's object-mode streams, with an error listener attached at once (an
// 'error' with no listener would crash the process) and a wait that close() can interrupt.

const DONE = Symbol('done');

/** The part of the client's Readable streams that Pull uses (their typed overloads hide Readable's). */
interface PullSource {
  readonly destroyed: boolean;
  read(): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

class Pull {
  private readonly stream: PullSource;
  private failure: { error: unknown } | undefined;
  private ended = false;
  private waiter: (() => void) | undefined;

  constructor(stream: PullSource) {
    this.stream = stream;
    stream.on('readable', this.wake);
    stream.on('end', this.finish);
    stream.on('close', this.finish);
    stream.on('error', (error: unknown) => {
      this.failure ??= { error };
      this.wake();
    });
  }

  readonly wake = (): void => {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  };

  private readonly finish = (): void => {
    this.ended = true;
    this.wake();
  };

  /** The next item; DONE at the end of the stream or once `stopped()`. Buffered items come before an error. */
  async next(stopped: () => boolean = () => false): Promise<ResolvedItem | typeof DONE> {
    for (;;) {
      if (stopped()) return DONE;
      const item = this.stream.destroyed ? null : (this.stream.read() as ResolvedItem | null);
      if (item !== null) return item;
      if (this.failure) throw this.failure.error;
      if (this.ended) return DONE;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}

function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

async function stopRead(stream: StreamingRead<unknown>): Promise<void> {
  let cancelled: Promise<void>;
  try {
    cancelled = stream.cancel();
  } catch {
    cancelled = Promise.resolve();
  }
  await settleWithin(cancelled, CANCEL_WAIT_MS);
  stream.destroy();
}

async function stopSubscription(subscription: AllStreamSubscription): Promise<void> {
  let unsubscribed: Promise<void>;
  try {
    unsubscribed = subscription.unsubscribe();
  } catch {
    unsubscribed = Promise.resolve();
  }
  await settleWithin(unsubscribed, CANCEL_WAIT_MS);
  subscription.destroy();
}

/** Where a `$all` read or subscription starts; `retryFrom` if the server refuses `from` as misaligned. */
interface Start {
  from: ReadPosition;
  retryFrom?: ReadPosition;
}

interface OpenSubscription {
  subscription: AllStreamSubscription;
  pull: Pull;
}

// ---------------------------------------------------------------------------------------------------
// Subscriptions

interface SubscriptionHost {
  isClosed(): boolean;
  forwardStart(position: number): Promise<Start>;
  open(from: ReadPosition, filter: Filter): OpenSubscription;
  forget(subscription: EsdbSubscription): void;
}

const CLOSED = Symbol('closed');

class EsdbSubscription implements Subscription {
  private closed = false;
  private current: OpenSubscription | undefined;
  private iterator: AsyncGenerator<RecordedEvent> | undefined;
  private readonly closedSignal: Promise<typeof CLOSED>;
  private signalClosed: () => void = () => undefined;
  private readonly start: Promise<Start>;
  /** A numeric fromPosition: only events after it are delivered. */
  private readonly after: number | undefined;
  /** An empty prefix or type list: nothing can match. */
  private readonly never: boolean;
  private readonly filter: SubscriptionFilter | undefined;
  private readonly serverFilter: Filter;
  private readonly host: SubscriptionHost;

  constructor(host: SubscriptionHost, options: SubscribeToAllOptions) {
    this.host = host;
    this.closedSignal = new Promise((resolve) => (this.signalClosed = () => resolve(CLOSED)));
    this.filter = options.filter;
    this.serverFilter = serverFilter(options.filter);
    this.never = options.filter?.streamPrefixes?.length === 0 || options.filter?.eventTypes?.length === 0;
    const from = options.fromPosition ?? 'start';
    if (host.isClosed()) {
      this.closed = true;
      this.signalClosed();
      this.start = Promise.resolve({ from: END });
      return;
    }
    if (typeof from === 'number') {
      this.after = from;
      this.start = this.never || Number.isNaN(from) ? Promise.resolve({ from: END }) : host.forwardStart(from);
      this.start.catch(() => undefined); // reported when iterated
    } else {
      const start: Start = { from: from === 'end' ? END : START };
      this.start = Promise.resolve(start);
      // Subscribe now, as the embedded store fixes its starting point when called.
      if (!this.never) this.current = host.open(start.from, this.serverFilter);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return (this.iterator ??= this.run());
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.signalClosed();
      this.host.forget(this);
    }
    const current = this.current;
    this.current = undefined;
    current?.pull.wake();
    if (current) await stopSubscription(current.subscription);
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    try {
      if (this.closed) return;
      if (this.never || (this.after !== undefined && Number.isNaN(this.after))) {
        await this.closedSignal;
        return;
      }
      const start = await Promise.race([this.start, this.closedSignal]);
      if (start === CLOSED || this.closed) return;
      let from = start.from;
      let retryFrom = start.retryFrom;
      let last = this.after ?? -Infinity;
      let received = false;
      for (;;) {
        if (this.closed) return;
        const current = (this.current ??= this.host.open(from, this.serverFilter));
        try {
          for (;;) {
            const item = await current.pull.next(() => this.closed);
            if (item === DONE) return;
            received = true;
            const event = toRecorded(item);
            if (!event || isSystemEvent(event) || event.position <= last || !matchesFilter(event, this.filter)) continue;
            last = event.position;
            yield event;
          }
        } catch (error) {
          if (this.closed) return;
          if (received || retryFrom === undefined || !isBadPositionError(error)) throw error;
          // The chunk anchor was refused (non-default chunk size): catch up from the start instead.
          this.current = undefined;
          await stopSubscription(current.subscription);
          from = retryFrom;
          retryFrom = undefined;
        }
      }
    } finally {
      await this.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The store

export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly chunkSize: number;
  private closed = false;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly host: SubscriptionHost;

  constructor(url: string, options: EventStoreDbOptions = {}) {
    this.client = EventStoreDBClient.connectionString(normalizeUrl(url));
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`invalid chunk size ${chunkSize}`);
    this.chunkSize = chunkSize;
    this.host = {
      isClosed: () => this.closed,
      forwardStart: (position) => this.forwardStart(position),
      open: (from, filter) => {
        const subscription = this.client.subscribeToAll({ fromPosition: from, filter, resolveLinkTos: false });
        return { subscription, pull: new Pull(subscription) };
      },
      forget: (subscription) => this.subscriptions.delete(subscription),
    };
  }

  append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    const result = this.appendNow(streamId, events, options);
    this.inFlight.add(result);
    const settled = () => this.inFlight.delete(result);
    result.then(settled, settled);
    return result;
  }

  /** One stream after the other (this client has no multi-stream transaction); bad input anywhere writes nothing. */
  readonly atomicMultiStreamAppend = false;

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    validateStreamAppends(appends);
    for (const { streamId, events, expectedRevision } of appends) prepareAppend(streamId, events, { expectedRevision });
    return appendOneAfterAnother(appends, ({ streamId, events, expectedRevision }) => this.append(streamId, events, { expectedRevision }));
  }

  private async appendNow(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options);
    const expected = options.expectedRevision ?? 'any';
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(streamId, prepared.map(toEventData), { expectedRevision: toEsdbExpected(expected) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        return this.onConflict(streamId, prepared, expected, actualRevision(error.actualVersion));
      }
      throw translateAppendError(error);
    }
    if (!result.success) {
      // Only with `throwOnAppendFailure=false` in the URL; the client's batch path then misreports
      // the current revision, so read it.
      return this.onConflict(streamId, prepared, expected, await this.lastRevision(streamId));
    }
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    // The last appended (or, on a retry, found) event's position; the server may omit it on a retry.
    const position = commitPosition(result.position) ?? (await this.positionAt(streamId, nextExpectedRevision));
    return { nextExpectedRevision, position };
  }

  /** A conflict is still a retry if the whole batch is already in the stream (as in the embedded store). */
  private async onConflict(streamId: string, batch: PreparedEvent[], expected: ExpectedRevision, actual: number | 'no_stream'): Promise<AppendResult> {
    const retry = await this.findRetry(streamId, batch);
    if (retry) return retry;
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }

  private async findRetry(streamId: string, batch: PreparedEvent[]): Promise<AppendResult | undefined> {
    const index = new Map(batch.map((event, i) => [event.id, i] as const));
    const found: Array<RecordedEvent | undefined> = new Array(batch.length);
    let count = 0;
    for await (const event of this.streamEvents(streamId, FORWARDS, START)) {
      const i = index.get(event.id.toLowerCase());
      if (i === undefined || found[i]) continue;
      found[i] = event;
      if (++count === batch.length) break;
    }
    const first = found[0];
    if (!first) return undefined;
    for (let i = 1; i < batch.length; i++) {
      if (found[i]?.revision !== first.revision + i) {
        throw new InvalidAppendError('PARTIAL_DUPLICATE', `batch overlaps events already in ${streamId} only in part`);
      }
    }
    const last = found[batch.length - 1] as RecordedEvent;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  private async positionAt(streamId: string, revision: number): Promise<number> {
    for await (const event of this.streamEvents(streamId, FORWARDS, BigInt(revision), 1n)) return event.position;
    return UNKNOWN_POSITION;
  }

  private async lastRevision(streamId: string): Promise<number | 'no_stream'> {
    for await (const event of this.streamEvents(streamId, BACKWARDS, END, 1n)) return event.revision;
    return 'no_stream';
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    validateStreamName(streamId);
    validateReadOptions(options);
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    const maxCount = countLimit(options.maxCount);
    if (maxCount === 0) return;
    const from = revisionStart(options.fromRevision, backwards);
    if (from === null) return;
    yield* this.streamEvents(streamId, backwards ? BACKWARDS : FORWARDS, from, maxCount === Infinity ? undefined : BigInt(maxCount));
  }

  private async *streamEvents(
    streamId: string,
    direction: typeof FORWARDS | typeof BACKWARDS,
    fromRevision: ReadRevision,
    maxCount?: bigint,
  ): AsyncGenerator<RecordedEvent> {
    const stream = this.client.readStream(streamId, { direction, fromRevision, resolveLinkTos: false, ...(maxCount === undefined ? {} : { maxCount }) });
    const pull = new Pull(stream);
    try {
      for (;;) {
        let item: ResolvedItem | typeof DONE;
        try {
          item = await pull.next();
        } catch (error) {
          if (isStreamNotFound(error)) return; // a missing stream reads as empty
          throw error;
        }
        if (item === DONE) return;
        const event = toRecorded(item);
        if (event) yield event;
      }
    } finally {
      await stopRead(stream);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    validateReadOptions(options);
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    let remaining = countLimit(options.maxCount);
    if (remaining === 0) return;
    const from = options.fromPosition ?? (backwards ? 'end' : 'start');
    let start: Start | null;
    let accept: (position: number) => boolean = () => true;
    if (from === 'start') start = backwards ? null : { from: START };
    else if (from === 'end') start = backwards ? { from: END } : null;
    else if (Number.isNaN(from)) start = null;
    else {
      const p = from;
      // The port's position is exclusive both ways; ESDB's forward read includes it: filter here.
      start = backwards ? await this.backwardStart(p) : await this.forwardStart(p);
      accept = backwards ? (position) => position < p : (position) => position > p;
    }
    if (!start) return;
    for await (const event of this.rawAll(start, backwards)) {
      if (isSystemEvent(event) || !accept(event.position)) continue;
      yield event;
      if (--remaining <= 0) return;
    }
  }

  /** `$all` in order, system events included, from `start` (or `retryFrom` if `start` is refused). */
  private async *rawAll(start: Start, backwards: boolean): AsyncGenerator<RecordedEvent> {
    let from = start.from;
    let retryFrom = start.retryFrom;
    for (;;) {
      const stream = this.client.readAll({ fromPosition: from, direction: backwards ? BACKWARDS : FORWARDS, resolveLinkTos: false });
      const pull = new Pull(stream);
      let received = false;
      let retry: ReadPosition | undefined;
      try {
        for (;;) {
          let item: ResolvedItem | typeof DONE;
          try {
            item = await pull.next();
          } catch (error) {
            if (received || retryFrom === undefined || !isBadPositionError(error)) throw error;
            retry = retryFrom;
            break;
          }
          if (item === DONE) return;
          received = true;
          const event = toRecorded(item);
          if (event) yield event;
        }
      } finally {
        await stopRead(stream);
      }
      from = retry;
      retryFrom = undefined;
    }
  }

  /** The position of the first `$all` event at or after `from` (or before it, backwards). */
  private async firstPosition(from: ReadPosition, backwards: boolean): Promise<number | null> {
    const stream = this.client.readAll({ fromPosition: from, direction: backwards ? BACKWARDS : FORWARDS, maxCount: 1, resolveLinkTos: false });
    const pull = new Pull(stream);
    try {
      const item = await pull.next();
      if (item === DONE) return null;
      const position = toRecorded(item)?.position;
      return position === undefined || position === UNKNOWN_POSITION ? null : position;
    } catch (error) {
      if (isBadPositionError(error)) return null;
      throw error;
    } finally {
      await stopRead(stream);
    }
  }

  /** A start for reading forwards whatever comes after `position`, safe for any number (see the header). */
  private async forwardStart(position: number): Promise<Start> {
    if (Number.isNaN(position)) return { from: END };
    const at = Math.floor(position);
    if (at < 0) return { from: START };
    if ((await this.firstPosition(esdbPosition(at), false)) === at) return { from: esdbPosition(at) };
    const last = await this.firstPosition(END, true);
    if (last === null) return { from: START };
    if (at >= last) return { from: esdbPosition(last) };
    return this.chunkStart(at);
  }

  /** A start for reading backwards whatever comes before `position`, or null when nothing can. */
  private async backwardStart(position: number): Promise<Start | null> {
    const at = Math.ceil(position);
    if (!(at > 0)) return null;
    if ((await this.firstPosition(esdbPosition(at), false)) === at) return { from: esdbPosition(at) };
    const last = await this.firstPosition(END, true);
    if (last === null) return null;
    if (at > last) return { from: END };
    if (at === last) return { from: esdbPosition(last) };
    // Misaligned: backwards from the first event at or after it (a record start) is the same set.
    for await (const event of this.rawAll(this.chunkStart(at), false)) {
      if (event.position >= at) return { from: esdbPosition(event.position) };
    }
    return { from: END };
  }

  /** The first record of the chunk holding `position`: a record start in a default-sized log. */
  private chunkStart(position: number): Start {
    const chunk = Math.floor(position / this.chunkSize) * this.chunkSize;
    return chunk <= 0 ? { from: START } : { from: esdbPosition(chunk), retryFrom: START };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    validateReadOptions(options);
    const subscription = new EsdbSubscription(this.host, options);
    if (!this.closed) this.subscriptions.add(subscription);
    return subscription;
  }

  /** Waits for appends in flight, ends the subscriptions, then disposes the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

/**
 * The EventStoreDB / KurrentDB event store. `url` is a connection string
 * (`esdb://host:2113?tls=false`, `esdb+discover://...`; `kurrentdb://` is accepted too).
 */
export function openEventStoreDb(url: string, options: EventStoreDbOptions = {}): EventStore {
  return new EsdbEventStore(url, options);
}
