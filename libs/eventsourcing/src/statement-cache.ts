import type Database from 'better-sqlite3';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * The statement for this SQL text on this database, compiled once: read models run the same few
 * statements for every event they fold and every API read, and compiling costs more than running.
 */
export function cachedStatement(db: Database.Database, sql: string): Database.Statement {
  let statements = caches.get(db);
  if (!statements) caches.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/** `cachedStatement` bound to one database. */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  return (sql) => cachedStatement(db, sql);
}
