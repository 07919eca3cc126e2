import type Database from 'better-sqlite3';

/**
 * Compiles each SQL text once and hands back the same statement afterwards: read-model queries
 * run on every API read, and compiling them again each time costs more than running them.
 */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
