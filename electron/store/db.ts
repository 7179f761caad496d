/**
 * Opening the database: pragmas, identity and version checks, migrations. Every failure comes
 * out as an AppError with a message a teacher can act on; the SQLite details go to `details`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import {
  GRADEDESK_APPLICATION_ID,
  latestVersionOf,
  migrate,
  readApplicationId,
  readUserVersion,
  tooNewError,
} from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';

export type { ReadableDB, WritableDB } from './db-types.ts';

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  /** Open read-only: no pragmas that write, no migrations; the file must exist and be current. */
  readonly?: boolean;
  /** The schema steps to apply; the real list unless a test injects its own. */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) the database at `path` for reading and writing: WAL journal,
 * synchronous=FULL (a commit survives power loss: jobs and the spend ledger depend on it),
 * foreign keys on, a busy timeout, and every pending migration applied.
 *
 * Throws AppError:
 * - DATABASE_TOO_NEW: written by a newer GradeDesk; the file is not touched.
 * - DATABASE_CORRUPT: not a SQLite file, damaged, or another program's database.
 * - INTERNAL_ERROR: cannot open/create the file, or a migration failed (rolled back).
 */
export function openDatabase(path: string, options: OpenOptions & { readonly: true }): ReadableDB;
export function openDatabase(path: string, options?: OpenOptions & { readonly?: false }): WritableDB;
export function openDatabase(path: string, options?: OpenOptions): ReadableDB;
export function openDatabase(file: string, options: OpenOptions = {}): ReadableDB {
  const migrations = options.migrations ?? MIGRATIONS;
  const readonly = options.readonly === true;
  const inMemory = file === ':memory:' || file === '';

  let db: Database.Database;
  try {
    // SQLite would take an empty file for a new database and write a fresh one over it: an
    // existing empty file is reported instead, and left as it is for the teacher to decide.
    if (!inMemory) refuseEmptyFile(file);
    if (!readonly && !inMemory) createOwnerOnly(file);
    db = new Database(file, readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (error) {
    throw toOpenError(error, file);
  }

  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Identity and version first, with reads only: a database we refuse stays byte-identical.
    checkIdentity(db as ReadableDB, file, latestVersionOf(migrations));
    if (!inMemory) checkPages(db as ReadableDB, file);
    // Ours: one written by an older GradeDesk may still be readable by every user.
    if (!readonly && !inMemory) keepOwnerOnly(file);
    db.pragma('foreign_keys = ON');
    if (readonly) {
      const version = readUserVersion(db as ReadableDB);
      const latest = latestVersionOf(migrations);
      if (version < latest) {
        throw new AppError(
          'INTERNAL_ERROR',
          'This GradeDesk database is from an older version and must be upgraded before it can be ' +
            'read. Open it once with GradeDesk (not read-only) to upgrade it.',
          { path: file, found: version, known: latest },
        );
      }
      return db as ReadableDB;
    }
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && !(inMemory && mode === 'memory')) {
      throw new AppError(
        'INTERNAL_ERROR',
        'GradeDesk could not switch its database to safe-write (WAL) mode. ' +
          'Is the file on a network drive or read-only?',
        { path: file, mode },
      );
    }
    db.pragma('synchronous = FULL');
    // What is deleted (a batch, a student's data) is overwritten, not left in free pages.
    db.pragma('secure_delete = ON');
    const writable = db as WritableDB;
    migrate(writable, migrations);
    return writable;
  } catch (error) {
    try {
      db.close();
    } catch {
      // already failing; the original error is the useful one
    }
    throw toOpenError(error, file);
  }
}

/** An existing file of 0 bytes is not a database; a missing one is created as a new database. */
function refuseEmptyFile(file: string): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return;
  }
  if (size === 0) {
    throw new AppError(
      'DATABASE_EMPTY',
      `The database file ${file} is empty (0 bytes). GradeDesk did not change it: ` +
        'restore a backup, or start with a fresh database.',
      { path: file },
    );
  }
}

/**
 * `PRAGMA quick_check` at open: damage in the middle of the file (a bad disk, a copy cut short)
 * is found now, not when a teacher opens an old grading. Fast enough to run at every open; it
 * skips the index-content comparison that integrity_check does.
 */
function checkPages(db: ReadableDB, file: string): void {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  const problems = rows.map((row) => row.quick_check);
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new AppError(
    'DATABASE_CORRUPT',
    `The database file ${file} is damaged. GradeDesk did not change it: restore a backup, ` +
      'or start with a fresh database (the damaged file is kept aside).',
    { path: file, problems: problems.slice(0, 10) },
  );
}

/** Students' work and names: the database, its WAL and shared-memory files and its folder are the owner's alone. */
const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_FOLDER = 0o700;

/**
 * The missing folders (owner-only) and a new empty database file, owner-only, before SQLite
 * opens it: SQLite would create it with 0644 less the umask, and its -wal and -shm files take
 * the mode of the database file.
 */
function createOwnerOnly(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: OWNER_ONLY_FOLDER });
  try {
    fs.closeSync(fs.openSync(file, 'wx', OWNER_ONLY_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Takes group and others' access away from a GradeDesk database and its -wal and -shm files.
 * Best effort: a file of another user, or a file system without modes, stays as it is.
 */
function keepOwnerOnly(file: string): void {
  for (const one of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      const mode = fs.statSync(one).mode & 0o777;
      if ((mode & 0o077) !== 0) fs.chmodSync(one, mode & 0o700);
    } catch {
      // Missing (no WAL yet), or not ours to change.
    }
  }
}

/** The same as `openDatabase(path, { readonly: true })`. */
export function openReadonly(path: string, options: Omit<OpenOptions, 'readonly'> = {}): ReadableDB {
  return openDatabase(path, { ...options, readonly: true });
}

/** Closes the handle; a writable one first lets SQLite refresh its planner statistics. */
export function closeDatabase(db: ReadableDB): void {
  if (!db.open) return;
  if (!db.readonly) {
    try {
      db.pragma('optimize');
    } catch {
      // statistics are an optimization only
    }
  }
  db.close();
}

/** `PRAGMA integrity_check`: ['ok'] for a healthy database, otherwise the problems found. */
export function checkIntegrity(db: ReadableDB): string[] {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check);
}

/**
 * Refuses files that are not ours before anything is written: another program's database
 * (foreign application id, or tables without our id), or one newer than this code.
 * Reading sqlite_schema also makes SQLite parse the schema, which is where most damage shows.
 */
function checkIdentity(db: ReadableDB, file: string, latest: number): void {
  const applicationId = readApplicationId(db);
  if (applicationId !== 0 && applicationId !== GRADEDESK_APPLICATION_ID) {
    throw notOursError(file, { applicationId });
  }
  const version = readUserVersion(db);
  if (version > latest) {
    throw tooNewError(version, latest, file);
  }
  const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  if (applicationId === 0 && (version !== 0 || objects > 0)) {
    throw notOursError(file, { applicationId, version, objects });
  }
}

function notOursError(file: string, details: Record<string, unknown>): AppError {
  return new AppError(
    'DATABASE_CORRUPT',
    `The file ${file} is a database of another program, not a GradeDesk database. ` +
      'Choose a different file; GradeDesk did not change this one.',
    { path: file, ...details },
  );
}

function sqliteCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

/** Maps a failure while opening to an AppError; AppErrors pass through unchanged. */
function toOpenError(error: unknown, file: string): AppError {
  if (error instanceof AppError) return error;
  const code = sqliteCode(error);
  const details = { path: file, sqliteCode: code, cause: String(error) };
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return new AppError(
      'DATABASE_CORRUPT',
      `The file ${file} is not a GradeDesk database, or it is damaged. ` +
        'Choose another file or restore a backup; GradeDesk did not change this one.',
      details,
    );
  }
  if (code?.startsWith('SQLITE_CANTOPEN')) {
    return new AppError(
      'INTERNAL_ERROR',
      `GradeDesk could not open the database file ${file}. Check that it exists and that you may read and write it.`,
      details,
    );
  }
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new AppError(
      'INTERNAL_ERROR',
      `The database ${file} is busy in another GradeDesk window or command. Try again in a moment.`,
      details,
    );
  }
  if (code?.startsWith('SQLITE_READONLY') || code?.startsWith('SQLITE_PERM')) {
    return new AppError(
      'INTERNAL_ERROR',
      `GradeDesk may not write to the database ${file}. Check the file's permissions.`,
      details,
    );
  }
  if (code === 'SQLITE_FULL' || code?.startsWith('SQLITE_IOERR')) {
    return new AppError(
      'INTERNAL_ERROR',
      `GradeDesk could not read or write the database ${file}. Is the disk full or disconnected?`,
      details,
    );
  }
  return new AppError('INTERNAL_ERROR', `GradeDesk could not open the database ${file}.`, details);
}
