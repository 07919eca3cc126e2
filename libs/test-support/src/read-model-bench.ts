import type { RecordedEvent } from '@hoody/event-store';
import { openReadModelDatabase, type SqliteProjection } from '@hoody/eventsourcing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A service's read model in a temporary home, fed event by event through its real projection, for benches of what its queries cost. */
export function benchReadModel(projection: SqliteProjection) {
  const home = mkdtempSync(join(tmpdir(), `hoody-bench-${projection.name}-`));
  const db = openReadModelDatabase(home, projection.name);
  projection.setup(db);
  let position = 0;
  return {
    home,
    db,
    /** One event of `streamId` through the projection, at the next position. */
    apply(streamId: string, type: string, data: unknown): void {
      position++;
      projection.apply(db, { id: `e${position}`, streamId, revision: 0, position: BigInt(position), type, data, metadata: {}, createdAt: new Date() } as unknown as RecordedEvent);
    },
    remove(): void {
      if (db.open) db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * The mean time of each path in ms, after 20 runs to warm up: at least `samples` runs and `runMs`
 * of them, since a path of microseconds needs many to be told from noise.
 */
export function timePaths(paths: Record<string, () => unknown>, { samples, runMs }: { samples: number; runMs: number }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, path] of Object.entries(paths)) {
    for (let i = 0; i < 20; i++) path();
    const t0 = performance.now();
    let runs = 0;
    while (runs < samples || performance.now() - t0 < runMs) {
      path();
      runs++;
    }
    out[name] = +((performance.now() - t0) / runs).toFixed(4);
  }
  return out;
}
