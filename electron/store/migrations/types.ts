import type { WritableDB } from '../db-types.ts';

/**
 * One numbered schema step. `up` runs inside the transaction that also sets
 * `PRAGMA user_version = version`, so a step is applied completely or not at all. It must be
 * synchronous: better-sqlite3 commits before anything after an `await` would run.
 */
export interface Migration {
  /** 1, 2, 3, ... without gaps; the database's user_version after this step. */
  readonly version: number;
  /** Short snake_case description, for error messages and logs. */
  readonly name: string;
  up(db: WritableDB): void;
}
