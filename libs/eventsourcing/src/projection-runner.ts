import type Database from 'better-sqlite3';
import { matchesFilter, type EventStore, type RecordedEvent, type Subscription, type SubscriptionFilter } from '@hoody/event-store';

/**
 * A read model kept in SQLite. `apply` runs inside the transaction that also moves the checkpoint,
 * so the model and its checkpoint never disagree. Handlers should be idempotent (upserts keyed by
 * ids); the runner also never applies an event at or before the checkpoint.
 */
export interface SqliteProjection {
  name: string;
  filter?: SubscriptionFilter;
  /** Creates the tables (idempotent). */
  setup(db: Database.Database): void;
  /** Empties the tables, for a rebuild. */
  reset(db: Database.Database): void;
  apply(db: Database.Database, event: RecordedEvent): void;
}

const CATCH_UP_PAGE = 1000;

export class ProjectionRunner {
  private subscription?: Subscription;
  private running?: Promise<void>;
  private stopped = true;
  private waiters: Array<{ position: number; resolve(): void }> = [];
  private failure?: unknown;
  private readonly getCheckpoint: Database.Statement<[string], { position: number }>;
  private readonly setCheckpoint: Database.Statement<[string, number]>;
  private readonly applyBatch: Database.Transaction<(events: RecordedEvent[]) => void>;
  private readonly filter: (e: RecordedEvent) => boolean;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly projection: SqliteProjection,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS projection_checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    db.transaction(() => projection.setup(db))();
    this.getCheckpoint = db.prepare('SELECT position FROM projection_checkpoints WHERE projection = ?');
    this.setCheckpoint = db.prepare(
      'INSERT INTO projection_checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
    );
    this.filter = (e) => matchesFilter(e, projection.filter);
    // The checkpoint moves past every event read, wanted or not, so a catch-up never rereads them.
    this.applyBatch = db.transaction((events: RecordedEvent[]) => {
      const from = this.checkpoint;
      const fresh = events.filter((e) => e.position > from);
      if (fresh.length === 0) return;
      for (const event of fresh) if (this.filter(event)) this.projection.apply(this.db, event);
      this.setCheckpoint.run(this.projection.name, fresh[fresh.length - 1].position);
    });
  }

  /** Position of the last event folded into the read model (0: none). */
  get checkpoint(): number {
    return this.getCheckpoint.get(this.projection.name)?.position ?? 0;
  }

  /** Applies events (already-applied ones are skipped); exposed so redelivery can be tested. */
  apply(events: RecordedEvent[]): void {
    this.applyBatch.immediate(events);
    this.wakeWaiters();
  }

  /** Catches up in pages, then follows live events until `stop()`. */
  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.run().catch((error) => {
      this.failure = error;
      for (const w of this.waiters) w.resolve();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.running;
    this.running = undefined;
  }

  /** Empties the read model and its checkpoint in one transaction, then catches up from zero. */
  async rebuild(): Promise<void> {
    await this.stop();
    this.db.transaction(() => {
      this.projection.reset(this.db);
      this.setCheckpoint.run(this.projection.name, 0);
    }).immediate();
    this.start();
  }

  /** Resolves once the read model includes the event at `position` (read-your-writes). */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.checkpoint >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`projection ${this.projection.name} did not reach ${position} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        position,
        resolve: () => {
          clearTimeout(timer);
          if (this.failure) reject(this.failure);
          else resolve();
        },
      });
    });
  }

  private async run(): Promise<void> {
    // catch-up in pages: one transaction per page makes a rebuild fast
    for (;;) {
      const page: RecordedEvent[] = [];
      for await (const e of this.store.readAll({ fromPosition: this.checkpoint, maxCount: CATCH_UP_PAGE })) page.push(e);
      if (page.length === 0) break;
      this.apply(page);
      if (this.stopped) return;
    }
    if (this.stopped) return;
    this.subscription = this.store.subscribeToAll({ fromPosition: this.checkpoint, filter: this.projection.filter });
    for await (const event of this.subscription) this.apply([event]);
  }

  private wakeWaiters(): void {
    const at = this.checkpoint;
    this.waiters = this.waiters.filter((w) => (w.position <= at ? (w.resolve(), false) : true));
  }
}
