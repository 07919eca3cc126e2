import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A service's read-model database, `<home>/read-models/<name>.db`, in WAL mode without an fsync per
 * commit (`synchronous=NORMAL`): a read model is derived from the event store, and its checkpoint
 * commits with it, so a power loss can only take it back a few events, which the runner applies
 * again. An fsync per commit costs 0.6-2.6 ms here, on the event loop of every service that folds
 * an event, for a durability nothing needs.
 */
export function openReadModelDatabase(home: string, name: string): Database.Database {
  const dir = join(home, 'read-models');
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
