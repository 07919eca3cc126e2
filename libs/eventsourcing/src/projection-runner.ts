import type Database from 'better-sqlite3';
import { matchesFilter, type EventStore, type RecordedEvent, type Subscription, type SubscriptionFilter } from '@hoody/event-store';

/**
 * A read model kept in SQLite. `apply` runs inside the transaction that also moves the checkpoint,
 * so the model and its checkpoint never disagree. Handlers should be idempotent (upserts keyed by
 * ids); the runner also never applies an event at or before the checkpoint.
 */
export interface SqliteProjection {
  name: string;
  /**
   * The shape of the read model. When it differs from the one a database was built with, the
   * runner drops the projection's tables (`drop`) and rebuilds them from position zero.
   */
  version: number;
  filter?: SubscriptionFilter;
  /** Creates the tables (idempotent). */
  setup(db: Database.Database): void;
  /** Empties the tables, for a rebuild. */
  reset(db: Database.Database): void;
  /** Drops the tables, for a rebuild with another version. */
  drop(db: Database.Database): void;
  apply(db: Database.Database, event: RecordedEvent): void;
}

export interface ProjectionRunnerOptions {
  /** Called when applying fails; the runner retries from its checkpoint after a backoff. */
  onError?: (error: unknown) => void;
  /** Called after every commit that moved the read model, with its new checkpoint (e.g. to publish a change notice). */
  onCommitted?: (checkpoint: number) => void;
}

const CATCH_UP_PAGE = 1000;

interface Waiter {
  position: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class ProjectionRunner {
  private subscription?: Subscription;
  private running?: Promise<void>;
  private stopped = true;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private waiters = new Set<Waiter>();
  /** The last failure; cleared as soon as an event is applied again. */
  failure?: unknown;
  private readonly setCheckpoint: Database.Statement<[string, number]>;
  /** Applies the wanted events of a batch and moves the stored checkpoint to `through`, in one transaction. */
  private readonly applyBatch: Database.Transaction<(wanted: RecordedEvent[], through: number) => void>;
  /**
   * How far the runner has read. Events it does not want move it in memory only, without a write or
   * a change notice (the read model did not change): after a restart they are read again and skipped
   * again. The runner is the only writer of its stored checkpoint, so it is read once, at start.
   */
  private position: number;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly projection: SqliteProjection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS projection_checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS projection_versions (projection TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    this.setCheckpoint = db.prepare(
      'INSERT INTO projection_checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
    );
    db.transaction(() => {
      const built = (db.prepare('SELECT version FROM projection_versions WHERE projection = ?').get(projection.name) as { version: number } | undefined)?.version;
      if (built !== undefined && built !== projection.version) {
        projection.drop(db);
        this.setCheckpoint.run(projection.name, 0);
      }
      projection.setup(db);
      db.prepare('INSERT INTO projection_versions (projection, version) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET version = excluded.version').run(
        projection.name,
        projection.version,
      );
    }).immediate();
    this.position = (db.prepare('SELECT position FROM projection_checkpoints WHERE projection = ?').get(projection.name) as { position: number } | undefined)?.position ?? 0;
    this.applyBatch = db.transaction((wanted: RecordedEvent[], through: number) => {
      for (const event of wanted) this.projection.apply(this.db, event);
      this.setCheckpoint.run(this.projection.name, through);
    });
  }

  /**
   * Position of the last event the runner has read (0: none), wanted or not, so that
   * waitFor(position) is met by unrelated events too. Every event at or before it that the
   * projection wants is in the read model.
   */
  get checkpoint(): number {
    return this.position;
  }

  /** Applies events (already-applied ones are skipped); exposed so redelivery can be tested. */
  apply(events: RecordedEvent[]): void {
    const from = this.position;
    const fresh = events.filter((e) => e.position > from);
    if (fresh.length > 0) {
      const through = fresh[fresh.length - 1].position;
      const wanted = fresh.filter((e) => matchesFilter(e, this.projection.filter));
      if (wanted.length > 0) this.applyBatch.immediate(wanted, through);
      this.position = through;
      if (wanted.length > 0) this.options.onCommitted?.(through);
    }
    this.failure = undefined;
    this.failures = 0;
    this.settleWaiters();
  }

  /** Catches up in pages, then follows live events until `stop()`; retries after failures. */
  start(): void {
    if (this.running || this.retryTimer) return;
    this.stopped = false;
    this.running = this.run()
      .catch((error) => this.failed(error))
      .finally(() => {
        this.running = undefined;
        this.subscription = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.subscription?.close();
    await this.running;
  }

  /** Empties the read model and its checkpoint in one transaction, then catches up from zero. */
  async rebuild(): Promise<void> {
    await this.stop();
    this.db
      .transaction(() => {
        this.projection.reset(this.db);
        this.setCheckpoint.run(this.projection.name, 0);
      })
      .immediate();
    this.position = 0;
    this.start();
  }

  /** Resolves once the read model includes the event at `position` (read-your-writes). */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.checkpoint >= position) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`projection ${this.projection.name} did not reach ${position} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private async run(): Promise<void> {
    // catch-up in pages: one transaction per page makes a rebuild fast
    for (;;) {
      const page: RecordedEvent[] = [];
      for await (const e of this.store.readAll({ fromPosition: this.checkpoint, maxCount: CATCH_UP_PAGE })) page.push(e);
      if (page.length === 0 || this.stopped) break;
      this.apply(page);
    }
    if (this.stopped) return;
    // unfiltered: every event moves the checkpoint (see applyBatch)
    this.subscription = this.store.subscribeToAll({ fromPosition: this.checkpoint });
    for await (const event of this.subscription) this.apply([event]);
  }

  private failed(error: unknown): void {
    this.failure = error;
    this.failures++;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
    this.options.onError?.(error);
    if (this.stopped) return;
    const delay = Math.min(30_000, 100 * 2 ** Math.min(this.failures, 9));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) this.start();
    }, delay);
  }

  private settleWaiters(): void {
    const at = this.checkpoint;
    for (const waiter of this.waiters) {
      if (waiter.position <= at) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
