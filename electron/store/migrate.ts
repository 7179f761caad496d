/**
 * The migration runner. Each step runs in its own IMMEDIATE transaction that also sets
 * `PRAGMA user_version` (and the application id), so after a crash or an error the database
 * is exactly at the previous step: never half-migrated.
 */
import { AppError } from '../../shared/errors.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';

/**
 * Stored in the database header (`PRAGMA application_id`, bytes 68-71) so that GradeDesk can
 * tell its own database from some other program's SQLite file. 0x47524144 = "GRAD".
 */
export const GRADEDESK_APPLICATION_ID = 0x47524144;

export function readUserVersion(db: ReadableDB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function readApplicationId(db: ReadableDB): number {
  return db.pragma('application_id', { simple: true }) as number;
}

/** The version a list of migrations brings a database to (0 for an empty list). */
export function latestVersionOf(migrations: readonly Migration[]): number {
  return migrations[migrations.length - 1]?.version ?? 0;
}

/** Throws unless versions are 1, 2, 3, ... without gaps: a programming error, caught by tests. */
export function assertValidMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1 || !Number.isSafeInteger(m.version)) {
      throw new AppError('INTERNAL_ERROR', 'The list of database upgrades is out of order.', {
        index: i,
        version: m.version,
        name: m.name,
      });
    }
  });
}

export function tooNewError(found: number, known: number, path?: string): AppError {
  return new AppError(
    'DATABASE_TOO_NEW',
    `This GradeDesk database was written by a newer version of GradeDesk (data format ${found}; ` +
      `this version reads up to ${known}). Update GradeDesk to open it; the file was not changed.`,
    { path, found, known },
  );
}

export interface MigrationResult {
  /** user_version before. */
  from: number;
  /** user_version after. */
  to: number;
  /** Names of the steps this call applied (another process may have applied some). */
  applied: string[];
}

/**
 * Brings the database up to the last step of `migrations` (the real list by default; tests
 * pass their own). Refuses a database that is newer than the list with DATABASE_TOO_NEW.
 * A step that throws is rolled back completely and reported as INTERNAL_ERROR, with the
 * underlying error in `details.cause`; the steps before it stay applied.
 *
 * Each step re-reads user_version inside its write transaction, so two processes opening the
 * same file at once (the app and the CLI) do not apply a step twice.
 */
export function migrate(db: WritableDB, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  assertValidMigrations(migrations);
  const latest = latestVersionOf(migrations);
  const from = readUserVersion(db);
  if (from > latest) {
    throw tooNewError(from, latest, db.name);
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const step = db.transaction(() => {
      const current = readUserVersion(db);
      if (current >= migration.version) return; // applied meanwhile by another connection
      const result: unknown = migration.up(db);
      if (result instanceof Promise) {
        // The transaction would commit before the promise settles.
        throw new Error(`migration ${migration.version} is async; migrations must be synchronous`);
      }
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) {
        throw new Error(`migration ${migration.version} left ${violations.length} foreign key violation(s)`);
      }
      // PRAGMA takes no bound parameters; both values are integers checked above, not input.
      db.pragma(`application_id = ${GRADEDESK_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(migration.name);
    });
    try {
      step.immediate();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'INTERNAL_ERROR',
        `GradeDesk could not upgrade its database (step ${migration.version}, "${migration.name}"). ` +
          'The database was left as it was before that step.',
        { path: db.name, version: migration.version, name: migration.name, cause: String(error) },
      );
    }
  }
  return { from, to: readUserVersion(db), applied };
}
