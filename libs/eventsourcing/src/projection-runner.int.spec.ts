import { openEmbeddedEventStore, type EventStore, type RecordedEvent } from '@hoody/event-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionRunner, type SqliteProjection } from './projection-runner';

// A read model of orders: one row per order with its item count and last status.
const orders = (failOn?: string): SqliteProjection => ({
  name: 'orders',
  version: 1,
  filter: { streamPrefixes: ['order-'] },
  setup: (db) => db.exec('CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, items INTEGER NOT NULL, status TEXT NOT NULL)'),
  reset: (db) => db.exec('DELETE FROM orders'),
  drop: (db) => db.exec('DROP TABLE IF EXISTS orders'),
  apply: (db, e) => {
    if (e.streamId === failOn) throw new Error('projection bug');
    const id = e.streamId;
    if (e.type === 'OrderPlaced') db.prepare(`INSERT INTO orders VALUES (?, 0, 'placed') ON CONFLICT (id) DO NOTHING`).run(id);
    if (e.type === 'ItemAdded') db.prepare('UPDATE orders SET items = items + 1 WHERE id = ?').run(id);
    if (e.type === 'OrderShipped') db.prepare(`UPDATE orders SET status = 'shipped' WHERE id = ?`).run(id);
  },
});

describe('projection runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-proj-'));
  let store: EventStore;
  let last = 0;
  const readModel = (db: Database.Database) => db.prepare('SELECT * FROM orders ORDER BY id').all();

  beforeAll(async () => {
    store = openEmbeddedEventStore({ path: join(dir, 'events.db') });
    for (let o = 0; o < 300; o++) {
      await store.append(`order-${o}`, [
        { type: 'OrderPlaced', data: {} },
        ...Array.from({ length: o % 7 }, () => ({ type: 'ItemAdded', data: {} })),
        ...(o % 3 === 0 ? [{ type: 'OrderShipped', data: {} }] : []),
      ]);
      last = (await store.append(`noise-${o}`, [{ type: 'Unrelated', data: {} }])).position;
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up from zero and follows live events, keeping its checkpoint with the model', async () => {
    const db = new Database(join(dir, 'live.db'));
    const committed: number[] = [];
    const runner = new ProjectionRunner(store, db, orders(), { onCommitted: (checkpoint) => committed.push(checkpoint) });
    runner.start();
    await runner.waitFor(last);
    expect(readModel(db)).toHaveLength(300);
    expect(db.prepare(`SELECT items, status FROM orders WHERE id = 'order-6'`).get()).toEqual({ items: 6, status: 'shipped' });

    const { position } = await store.append('order-6', [{ type: 'ItemAdded', data: {} }]);
    await runner.waitFor(position);
    expect(db.prepare(`SELECT items FROM orders WHERE id = 'order-6'`).get()).toEqual({ items: 7 });
    expect(runner.checkpoint).toBe(position);
    // every commit is announced with the checkpoint it reached, after the commit
    expect(committed.at(-1)).toBe(position);
    expect(committed).toEqual([...committed].sort((a, b) => a - b));
    // an event the projection does not want still counts as seen: read-your-writes waits end;
    // nothing is written for it and no change is announced
    const announced = committed.length;
    const unrelated = await store.append('noise-live', [{ type: 'Unrelated', data: {} }]);
    await runner.waitFor(unrelated.position, 2000);
    expect(runner.checkpoint).toBe(unrelated.position);
    expect(committed).toHaveLength(announced);
    expect(db.prepare('SELECT position FROM projection_checkpoints').get()).toEqual({ position });
    await runner.stop();
    db.close();
  });

  it('is idempotent: the same events applied twice, or a restart from its checkpoint, change nothing', async () => {
    const db = new Database(join(dir, 'twice.db'));
    const runner = new ProjectionRunner(store, db, orders());
    runner.start();
    await runner.waitFor(last);
    await runner.stop();
    const before = readModel(db);

    const all: RecordedEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    const committed: number[] = [];
    const replaying = new ProjectionRunner(store, db, orders(), { onCommitted: (checkpoint) => committed.push(checkpoint) });
    replaying.apply(all);
    expect(readModel(db)).toEqual(before);
    expect(committed).toEqual([]); // nothing moved, so no change notice

    const again = new ProjectionRunner(store, db, orders());
    again.start();
    await again.waitFor(runner.checkpoint);
    await again.stop();
    expect(readModel(db)).toEqual(before);
    db.close();
  });

  it('rebuilds from position zero to an identical result', async () => {
    const db = new Database(join(dir, 'rebuild.db'));
    const runner = new ProjectionRunner(store, db, orders());
    runner.start();
    await runner.waitFor(last);
    const before = readModel(db);
    const checkpoint = runner.checkpoint;
    db.prepare(`UPDATE orders SET items = 999`).run(); // a corrupted read model
    await runner.rebuild();
    await runner.waitFor(checkpoint);
    await runner.stop();
    expect(readModel(db)).toEqual(before);
    db.close();
  });

  it('drops and rebuilds a read model built with another version of the projection', async () => {
    const db = new Database(join(dir, 'versions.db'));
    const first = new ProjectionRunner(store, db, orders());
    first.start();
    await first.waitFor(last);
    await first.stop();
    const before = readModel(db);
    db.exec('ALTER TABLE orders ADD COLUMN leftover TEXT'); // the old shape
    const v2 = { ...orders(), version: 2 };
    const second = new ProjectionRunner(store, db, v2);
    expect(second.checkpoint).toBe(0);
    second.start();
    await second.waitFor(last);
    await second.stop();
    expect(readModel(db)).toEqual(before); // rebuilt in the new shape, the same content
    // the same version again: kept as is (its stored checkpoint is the last event it wanted; the
    // unwanted ones after it are read again and skipped)
    const third = new ProjectionRunner(store, db, v2);
    expect(third.checkpoint).toBeGreaterThan(0);
    third.start();
    await third.waitFor(last);
    await third.stop();
    expect(readModel(db)).toEqual(before);
    db.close();
  });

  it('rolls the model and its checkpoint back together when applying fails', async () => {
    const db = new Database(join(dir, 'atomic.db'));
    const broken = new ProjectionRunner(store, db, orders('order-150'));
    broken.start();
    await expect(broken.waitFor(last, 2000)).rejects.toThrow('projection bug');
    await broken.stop();
    const stuckAt = broken.checkpoint;
    const rows = readModel(db) as Array<{ id: string }>;
    expect(rows.some((r) => r.id === 'order-150')).toBe(false);
    // nothing past the checkpoint is in the model: every row's events are at or before it
    let maxApplied = 0;
    for await (const e of store.readAll()) if (rows.some((r) => r.id === e.streamId)) maxApplied = Math.max(maxApplied, e.position);
    expect(maxApplied).toBeLessThanOrEqual(stuckAt);

    // the broken runner keeps retrying from its checkpoint, failing the same way each time
    expect(broken.failure).toBeInstanceOf(Error);
    const fixed = new ProjectionRunner(store, db, orders());
    fixed.start();
    await fixed.waitFor(last);
    await fixed.stop();
    const clean = new Database(join(dir, 'clean.db'));
    const reference = new ProjectionRunner(store, clean, orders());
    reference.start();
    await reference.waitFor(last);
    await reference.stop();
    expect(readModel(db)).toEqual(readModel(clean));
    db.close();
    clean.close();
  });

  it('retries after a failure and goes on from its checkpoint', async () => {
    const db = new Database(join(dir, 'transient.db'));
    let failuresLeft = 2;
    const flaky: SqliteProjection = {
      ...orders(),
      apply: (d, e) => {
        if (e.streamId === 'order-42' && failuresLeft > 0) {
          failuresLeft--;
          throw new Error('read model briefly unavailable');
        }
        orders().apply(d, e);
      },
    };
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(store, db, flaky, { onError: (e) => errors.push(e) });
    runner.start();
    await expect(runner.waitFor(last, 3000)).rejects.toThrow('briefly unavailable');
    await new Promise((r) => setTimeout(r, 1500)); // two backoffs: 200 ms, then 400 ms
    await runner.waitFor(last, 3000);
    await runner.stop();
    expect(errors).toHaveLength(2);
    expect(runner.failure).toBeUndefined();
    expect(readModel(db)).toHaveLength(300);
    db.close();
  });
});
