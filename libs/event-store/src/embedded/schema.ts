import type Database from 'better-sqlite3';

/**
 * One table, the log. `position` is the rowid: SQLite serialises writers, so rowids are handed out
 * in commit order and a reader that follows `position > checkpoint` never skips an event that
 * commits later with a smaller position. Events are never deleted, so rowids are never reused.
 */
/*
 * A single index serves stream reads, the expected-revision check and idempotent retries (it
 * covers event_id; every index carries the rowid). A second index on (stream_id, event_id) would
 * halve the throughput of commits that touch many streams: each index adds a page per stream to
 * every commit. Revisions are unique because they are assigned as MAX(revision) + 1 under the
 * write lock.
 */
export function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position   INTEGER PRIMARY KEY,
      event_id   TEXT    NOT NULL,
      stream_id  TEXT    NOT NULL,
      revision   INTEGER NOT NULL,
      type       TEXT    NOT NULL,
      data       TEXT    NOT NULL,
      metadata   TEXT    NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS events_stream ON events (stream_id, revision, event_id);
  `);
}

export const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, created_at';

export type EventRow = [number, string, string, number, string, string, string, number];
