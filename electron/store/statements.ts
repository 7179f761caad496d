/**
 * Prepared statements, cached per connection. Preparing costs more than running a small
 * statement, and the monitor records calls in a hot loop.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ReadableDB, WritableDB } from './db-types.ts';
import type { SqlFragment } from './sql.ts';

/** Dynamic queries (optional filters) produce a few shapes each; this bounds a runaway. */
const MAX_CACHED_PER_CONNECTION = 256;

const cache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** The statement for `text` on this connection, prepared once. `text` must be code-authored. */
export function prepareCached(db: ReadableDB, text: string): BetterSqlite3.Statement {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(text);
  if (statement === undefined) {
    if (statements.size >= MAX_CACHED_PER_CONNECTION) statements.clear();
    statement = db.prepare(text);
    statements.set(text, statement);
  }
  return statement;
}

/** Runs a `sql` fragment that returns rows. */
export function queryAll<T>(db: ReadableDB, query: SqlFragment): T[] {
  return prepareCached(db, query.text).all(...query.params) as T[];
}

/** Runs a `sql` fragment that returns at most one row. */
export function queryOne<T>(db: ReadableDB, query: SqlFragment): T | undefined {
  return prepareCached(db, query.text).get(...query.params) as T | undefined;
}

/** Runs a `sql` fragment that writes; returns the number of rows changed. */
export function execute(db: WritableDB, query: SqlFragment): number {
  return prepareCached(db, query.text).run(...query.params).changes;
}
