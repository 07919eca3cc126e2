import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import {
  matchesFilter,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
  type SubscriptionFilter,
  type StreamAppend,
} from '../port';
import { prepareAppend, validateReadOptions, validateStreamAppends, validateStreamName, type PreparedEvent } from '../validation';
import { ChangeNotifier } from './change-notifier';
import { COLUMNS, migrate, type EventRow } from './schema';

/**
 * `process`: an acknowledged append survives the crash or kill of any process (SQLite WAL with
 * synchronous=NORMAL). `power`: it also survives power loss and OS crashes (synchronous=FULL,
 * an fsync per commit).
 */
export type Durability = 'process' | 'power';

export interface EmbeddedEventStoreOptions {
  path: string;
  durability?: Durability;
  /** Fallback poll for other processes' commits while a subscription waits. */
  pollIntervalMs?: number;
}

interface PreparedAppend {
  streamId: string;
  events: PreparedEvent[];
  expected: ExpectedRevision;
}

/** One call's appends: written together or not at all. */
interface PendingAppend {
  appends: PreparedAppend[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

const PAGE = 1000;
const BUSY_WAIT_MS = 50;
/** How long appends wait for another process's write lock before they fail. */
const LOCK_PATIENCE_MS = 10_000;
/** How far back a retry sent with `any` or `stream_exists` is recognised. */
export const RETRY_WINDOW = 100;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    position: row[0],
    id: row[1],
    streamId: row[2],
    revision: row[3],
    type: row[4],
    data: JSON.parse(row[5]),
    metadata: JSON.parse(row[6]),
    createdAt: new Date(row[7]),
  };
}

const MAX_MICROTASK_COMMITS = 64;

/**
 * The embedded event store: one SQLite file in WAL mode, shared safely by every process of a
 * machine. Appends that arrive together share one transaction (group commit), each call still
 * checked against its own expected revisions and written all or nothing. "Together" depends on
 * what a commit costs: without an fsync (durability `process`) a commit is cheaper than a turn of
 * the event loop, so the appends of the current task are gathered (a microtask); with one
 * (`power`) the commit waits a turn for the appends of other I/O callbacks too (setImmediate).
 * At most MAX_MICROTASK_COMMITS commits run in microtasks per turn, so a loop of awaited appends
 * still lets I/O in.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly notifier: ChangeNotifier;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly waitForOtherCallbacks: boolean;
  /** Commits run in microtasks since the event loop last turned. */
  private microtaskCommits = 0;
  private lockWaitSince?: number;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();

  private readonly stmt: {
    lastRevision: Database.Statement<[string], { r: number | null }>;
    eventsFrom: Database.Statement<[string, number, number], { revision: number; id: string; position: number }>;
    revisionOfSince: Database.Statement<[string, number, string], { revision: number }>;
    insert: Database.Statement<[string, string, number, string, string, string, number]>;
    lastPosition: Database.Statement<[], { p: number | null }>;
    streamForwards: Database.Statement<[string, number, number]>;
    streamBackwards: Database.Statement<[string, number, number]>;
    allForwards: Database.Statement<[number, number]>;
    allBackwards: Database.Statement<[number, number]>;
  };
  private readonly writeBatch: Database.Transaction<(batch: PendingAppend[]) => Array<AppendResult[] | Error>>;
  readonly atomicMultiStreamAppend = true;

  constructor(options: EmbeddedEventStoreOptions) {
    const path = resolve(options.path);
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma(`busy_timeout = ${LOCK_PATIENCE_MS}`); // opening may wait: nothing else runs yet
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.pragma('mmap_size = 268435456');
    this.db.pragma('cache_size = -65536');
    this.db.pragma(`synchronous = ${options.durability === 'power' ? 'FULL' : 'NORMAL'}`);
    this.waitForOtherCallbacks = options.durability === 'power';
    this.db.transaction(() => migrate(this.db)).immediate();
    // From now on short: SQLite's busy wait blocks the event loop. Longer waits for another
    // process's write lock happen in flush(), asynchronously.
    this.db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);

    const raw = (sql: string) => this.db.prepare(sql).raw(true);
    this.stmt = {
      lastRevision: this.db.prepare('SELECT MAX(revision) AS r FROM events WHERE stream_id = ?'),
      eventsFrom: this.db.prepare(
        'SELECT revision, event_id AS id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      revisionOfSince: this.db.prepare('SELECT revision FROM events WHERE stream_id = ? AND revision > ? AND event_id = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      lastPosition: this.db.prepare('SELECT MAX(position) AS p FROM events'),
      streamForwards: raw(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`),
      streamBackwards: raw(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`),
      allForwards: raw(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`),
      allBackwards: raw(`SELECT ${COLUMNS} FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`),
    };

    // Every check of a call precedes its first insert, so a refused call writes nothing and leaves
    // the other calls of its group intact.
    this.writeBatch = this.db.transaction((batch: PendingAppend[]) =>
      batch.map((p) => {
        try {
          return this.appendInTransaction(p);
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError || error instanceof InvalidAppendError) return error;
          throw error;
        }
      }),
    );
    const dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.notifier = new ChangeNotifier(path, () => dataVersion.get() as number, options.pollIntervalMs ?? 10);
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result;
  }

  appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    let prepared: PreparedAppend[];
    try {
      validateStreamAppends(appends);
      prepared = appends.map(({ streamId, events, expectedRevision }) => ({
        streamId,
        events: prepareAppend(streamId, events, { expectedRevision }),
        expected: expectedRevision ?? 'any',
      }));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ appends: prepared, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.scheduleFlush();
      }
    });
  }

  private scheduleFlush(): void {
    if (this.waitForOtherCallbacks || this.microtaskCommits >= MAX_MICROTASK_COMMITS) {
      setImmediate(() => this.flush());
      return;
    }
    if (this.microtaskCommits++ === 0) setImmediate(() => (this.microtaskCommits = 0));
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: Array<AppendResult[] | Error>;
    try {
      results = this.writeBatch.immediate(batch);
    } catch (error) {
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
      const since = (this.lockWaitSince ??= Date.now());
      if (busy && !this.closed && Date.now() - since < LOCK_PATIENCE_MS) {
        // another process holds the write lock: try again soon, without blocking this process
        this.queue = [...batch, ...this.queue];
        this.flushScheduled = true;
        setTimeout(() => this.flush(), 5 + Math.random() * 10);
        return;
      }
      this.lockWaitSince = undefined;
      for (const p of batch) p.reject(error);
      return;
    }
    this.lockWaitSince = undefined;
    this.notifier.changed();
    results.forEach((result, i) => (result instanceof Error ? batch[i].reject(result) : batch[i].resolve(result)));
  }

  /** Checks every append of the call before writing any. */
  private appendInTransaction({ appends }: PendingAppend): AppendResult[] {
    const checked = appends.map((a) => this.check(a));
    const now = Date.now();
    return appends.map(({ streamId, events }, i) => {
      const outcome = checked[i];
      if ('retry' in outcome) return outcome.retry;
      let position = 0;
      events.forEach((e, j) => {
        position = Number(this.stmt.insert.run(e.id, streamId, outcome.last + 1 + j, e.type, e.data, e.metadata, now).lastInsertRowid);
      });
      return { nextExpectedRevision: outcome.last + events.length, position };
    });
  }

  /** Where the append goes (after `last`), or its earlier outcome when it is a retry; throws when it is refused. */
  private check({ streamId, events, expected }: PreparedAppend): { last: number } | { retry: AppendResult } {
    const last = this.stmt.lastRevision.get(streamId)?.r ?? -1;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && last === -1) ||
      (expected === 'stream_exists' && last >= 0) ||
      expected === last;
    if (!ok || typeof expected !== 'number') {
      const retry = this.findRetry(streamId, events, expected, last);
      if (retry) return { retry };
    }
    if (!ok) throw new WrongExpectedRevisionError(streamId, expected, last === -1 ? 'no_stream' : last);
    return { last };
  }

  /**
   * An append whose events are already in the stream is a retry, acknowledged with the original
   * outcome, as EventStoreDB does: looked for where the expected revision puts them or, for `any`
   * and `stream_exists`, among the stream's last RETRY_WINDOW events.
   */
  private findRetry(streamId: string, events: PreparedEvent[], expected: ExpectedRevision, last: number): AppendResult | undefined {
    const from =
      typeof expected === 'number'
        ? expected + 1
        : expected === 'no_stream'
          ? 0
          : this.stmt.revisionOfSince.get(streamId, last - RETRY_WINDOW, events[0].id)?.revision;
    if (from === undefined) return undefined;
    const found = this.stmt.eventsFrom.all(streamId, from, events.length);
    if (found[0]?.id !== events[0].id) return undefined;
    if (found.length !== events.length || found.some((f, i) => f.id !== events[i].id)) {
      throw new InvalidAppendError('PARTIAL_DUPLICATE', `the batch overlaps events already in ${streamId} only in part`);
    }
    const lastFound = found[found.length - 1];
    return { nextExpectedRevision: lastFound.revision, position: lastFound.position };
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    validateStreamName(streamId);
    validateReadOptions(options);
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Infinity;
    let next = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    while (remaining > 0) {
      const limit = Math.min(PAGE, remaining);
      const rows = (backwards ? this.stmt.streamBackwards : this.stmt.streamForwards).all(streamId, next, limit) as EventRow[];
      for (const row of rows) yield toRecorded(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      next = rows[rows.length - 1][3] + (backwards ? -1 : 1);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    validateReadOptions(options);
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Infinity;
    const from = options.fromPosition ?? (backwards ? 'end' : 'start');
    let after = backwards && from === 'end' ? Number.MAX_SAFE_INTEGER : this.resolvePosition(from);
    while (remaining > 0) {
      const limit = Math.min(PAGE, remaining);
      const rows = (backwards ? this.stmt.allBackwards : this.stmt.allForwards).all(after, limit) as EventRow[];
      for (const row of rows) yield toRecorded(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      after = rows[rows.length - 1][0];
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    validateReadOptions(options);
    const subscription = new PollingSubscription(
      this.resolvePosition(options.fromPosition ?? 'start'),
      options.filter,
      (after) => (this.closed ? [] : (this.stmt.allForwards.all(after, PAGE) as EventRow[])),
      this.notifier,
      () => this.closed,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Appends waiting for the next group commit are written before the file is closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.notifier.close();
    this.db.close();
  }

  private resolvePosition(position: Position | 'start' | 'end'): number {
    if (position === 'start') return 0;
    if (position === 'end') return this.stmt.lastPosition.get()?.p ?? 0;
    return position;
  }
}

export function openEmbeddedEventStore(options: EmbeddedEventStoreOptions): EventStore {
  return new SqliteEventStore(options);
}

/**
 * Reads pages after its cursor until the log is exhausted, then sleeps until the notifier says the
 * log may have grown. Catch-up and live are the same loop over one cursor, so the handover can
 * neither skip nor repeat an event.
 */
class PollingSubscription implements Subscription {
  private closed = false;

  constructor(
    private cursor: number,
    private readonly filter: SubscriptionFilter | undefined,
    private readonly readAfter: (cursor: number) => EventRow[],
    private readonly notifier: ChangeNotifier,
    private readonly storeClosed: () => boolean,
    private readonly onEnd: () => void,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
    this.onEnd();
    this.notifier.wakeAll();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (!this.closed && !this.storeClosed()) {
        const seen = this.notifier.current;
        const rows = this.readAfter(this.cursor);
        for (const row of rows) {
          this.cursor = row[0];
          const event = toRecorded(row);
          if (matchesFilter(event, this.filter)) yield event;
          if (this.closed) return;
        }
        if (rows.length === 0) await this.notifier.waitForChange(seen);
      }
    } finally {
      this.closed = true;
      this.onEnd();
    }
  }
}
