import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GRADEDESK_APPLICATION_ID,
  LATEST_VERSION,
  MIGRATIONS,
  STORE_TABLES,
  closeDatabase,
  getSetting,
  migrate,
  openDatabase,
  openReadonly,
  readUserVersion,
  setSetting,
  type Migration,
  type ReadableDB,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { expectAppError, makeTempDir, sha256File } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let dbPath: string;
const handles: ReadableDB[] = [];

/** Opens and remembers the handle so afterEach closes it even when a test fails. */
function track<T extends ReadableDB>(db: T): T {
  handles.push(db);
  return db;
}

function schemaSnapshot(db: ReadableDB): unknown[] {
  return db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name")
    .all();
}

beforeEach(() => {
  tmp = makeTempDir();
  dbPath = path.join(tmp.dir, 'gradedesk.db');
});

afterEach(() => {
  for (const db of handles.splice(0)) if (db.open) db.close();
  tmp.cleanup();
});

describe('openDatabase on a new file', () => {
  it('sets the pragmas, migrates to the latest version and creates every table', () => {
    const db = track(openDatabase(dbPath));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(db.pragma('application_id', { simple: true })).toBe(GRADEDESK_APPLICATION_ID);
    expect(readUserVersion(db)).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);

    const names = new Set(
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map(
        (r) => r.name,
      ),
    );
    for (const table of STORE_TABLES) expect(names, table).toContain(table);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('creates missing parent folders', () => {
    const nested = path.join(tmp.dir, 'a', 'b', 'store.db');
    track(openDatabase(nested));
    expect(fs.existsSync(nested)).toBe(true);
  });

  it('reopening is idempotent: same version, same schema, data kept', () => {
    const first = track(openDatabase(dbPath));
    setSetting(first, 'theme', 'dark');
    const before = schemaSnapshot(first);
    closeDatabase(first);

    for (let i = 0; i < 3; i++) {
      const again = track(openDatabase(dbPath));
      expect(readUserVersion(again)).toBe(LATEST_VERSION);
      expect(schemaSnapshot(again)).toEqual(before);
      expect(getSetting(again, 'theme')).toBe('dark');
      closeDatabase(again);
    }
  });

  it('two connections to the same file can both open it', () => {
    const a = track(openDatabase(dbPath));
    const b = track(openDatabase(dbPath));
    setSetting(a, 'k', 1);
    expect(getSetting(b, 'k')).toBe(1);
  });
});

// Students' work and names: nobody but the owner may read the store (no modes on Windows).
describe.skipIf(process.platform === 'win32')('owner-only files', () => {
  const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

  it('creates the database, its WAL and shared-memory files and missing folders owner-only, whatever the umask', () => {
    const nested = path.join(tmp.dir, 'data', 'GradeDesk', 'gradedesk.db');
    const before = process.umask(0o000);
    try {
      const db = track(openDatabase(nested));
      setSetting(db, 'k', 'v', Date.now());
      expect(modeOf(nested)).toBe(0o600);
      expect(modeOf(`${nested}-wal`)).toBe(0o600);
      expect(modeOf(`${nested}-shm`)).toBe(0o600);
      expect(modeOf(path.dirname(nested))).toBe(0o700);
      expect(modeOf(path.join(tmp.dir, 'data'))).toBe(0o700);
    } finally {
      process.umask(before);
    }
  });

  it('takes away what an older version left readable by everyone, once the file is known to be ours', () => {
    closeDatabase(openDatabase(dbPath));
    fs.chmodSync(dbPath, 0o644);
    const other = path.join(tmp.dir, 'other.db');
    const foreign = new Database(other);
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    fs.chmodSync(other, 0o644);

    const db = track(openDatabase(dbPath));
    setSetting(db, 'k', 'v', Date.now());
    expect(modeOf(dbPath)).toBe(0o600);
    expect(modeOf(`${dbPath}-wal`)).toBe(0o600);
    expect(modeOf(`${dbPath}-shm`)).toBe(0o600);
    // Another program's database is refused and left exactly as it was.
    expectAppError(() => openDatabase(other), 'DATABASE_CORRUPT');
    expect(modeOf(other)).toBe(0o644);
  });
});

describe('a database from a newer version', () => {
  function makeTooNew(): string {
    const db = openDatabase(dbPath);
    setSetting(db, 'keep', { me: true });
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    closeDatabase(db);
    expect(fs.existsSync(`${dbPath}-wal`)).toBe(false);
    return sha256File(dbPath);
  }

  it('is refused with DATABASE_TOO_NEW and left byte-identical', () => {
    const hash = makeTooNew();
    const error = expectAppError(() => openDatabase(dbPath), 'DATABASE_TOO_NEW');
    expect(error.message).toMatch(/newer version of GradeDesk/);
    expect(sha256File(dbPath)).toBe(hash);

    expectAppError(() => openReadonly(dbPath), 'DATABASE_TOO_NEW');
    expect(sha256File(dbPath)).toBe(hash);

    const raw = new Database(dbPath, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    raw.close();
  });

  it('migrate() itself refuses it too', () => {
    const db = track(openDatabase(dbPath));
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    expectAppError(() => migrate(db), 'DATABASE_TOO_NEW');
    expect(readUserVersion(db)).toBe(LATEST_VERSION + 5);
  });
});

describe('migrations', () => {
  const addNotes: Migration = {
    version: LATEST_VERSION + 1,
    name: 'add_notes',
    up(db) {
      db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
    },
  };

  /** Does real work, then throws halfway through. */
  const failsHalfway: Migration = {
    version: LATEST_VERSION + 1,
    name: 'fails_halfway',
    up(db) {
      db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
      db.exec('ALTER TABLE settings ADD COLUMN extra TEXT');
      db.prepare("UPDATE settings SET value = '\"changed\"'").run();
      throw new Error('simulated failure in the middle of a migration');
    },
  };

  it('a migration that throws halfway leaves user_version, schema and data as before', () => {
    const db = openDatabase(dbPath);
    setSetting(db, 'k', 'original');
    const schemaBefore = schemaSnapshot(db);
    closeDatabase(db);

    const error = expectAppError(
      () => openDatabase(dbPath, { migrations: [...MIGRATIONS, failsHalfway] }),
      'INTERNAL_ERROR',
    );
    expect(error.message).toMatch(/could not upgrade/);
    expect(String(error.details?.['cause'])).toMatch(/simulated failure/);

    const after = track(openDatabase(dbPath));
    expect(readUserVersion(after)).toBe(LATEST_VERSION);
    expect(schemaSnapshot(after)).toEqual(schemaBefore);
    expect(getSetting(after, 'k')).toBe('original');
  });

  it('steps before a failing one stay applied; the failing one is rolled back', () => {
    // A raw connection with nothing applied yet, migrated by the runner with an injected list.
    const raw = new Database(dbPath);
    const db = track(raw as unknown as WritableDB);
    expectAppError(() => migrate(db, [...MIGRATIONS, failsHalfway]), 'INTERNAL_ERROR');
    expect(readUserVersion(db)).toBe(LATEST_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").all();
    expect(tables).toEqual([]);
    const columns = (db.prepare('PRAGMA table_info(settings)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns).not.toContain('extra');
  });

  it('applies a new step once, and then older code refuses the file', () => {
    const db = openDatabase(dbPath, { migrations: [...MIGRATIONS, addNotes] });
    expect(readUserVersion(db)).toBe(LATEST_VERSION + 1);
    expect(migrate(db, [...MIGRATIONS, addNotes]).applied).toEqual([]);
    closeDatabase(db);
    expectAppError(() => openDatabase(dbPath), 'DATABASE_TOO_NEW');
  });

  it('rejects a list with gaps or out of order', () => {
    const db = track(openDatabase(dbPath));
    const gap: Migration = { version: LATEST_VERSION + 2, name: 'gap', up() {} };
    expectAppError(() => migrate(db, [...MIGRATIONS, gap]), 'INTERNAL_ERROR');
    expect(readUserVersion(db)).toBe(LATEST_VERSION);
  });

  it('rejects an async migration and rolls it back', () => {
    const db = track(openDatabase(dbPath));
    const asyncStep = {
      version: LATEST_VERSION + 1,
      name: 'async_step',
      up(d: Parameters<Migration['up']>[0]) {
        d.exec('CREATE TABLE should_not_exist (x INTEGER)');
        return Promise.resolve();
      },
    } as unknown as Migration;
    expectAppError(() => migrate(db, [...MIGRATIONS, asyncStep]), 'INTERNAL_ERROR');
    expect(readUserVersion(db)).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'should_not_exist'").all()).toEqual([]);
  });
});

describe('files that are not a GradeDesk database', () => {
  it('random bytes: DATABASE_CORRUPT with a readable message, file untouched', () => {
    fs.writeFileSync(dbPath, crypto.randomBytes(16384));
    const hash = sha256File(dbPath);
    const error = expectAppError(() => openDatabase(dbPath), 'DATABASE_CORRUPT');
    expect(error.message).toMatch(/not a GradeDesk database, or it is damaged/);
    expect(error.message).toContain(dbPath);
    expect(sha256File(dbPath)).toBe(hash);
    expectAppError(() => openReadonly(dbPath), 'DATABASE_CORRUPT');
  });

  it('a text file: DATABASE_CORRUPT', () => {
    fs.writeFileSync(dbPath, 'Dear students, the essay is due on Friday.\n'.repeat(200));
    expectAppError(() => openDatabase(dbPath), 'DATABASE_CORRUPT');
  });

  it('a damaged GradeDesk database (header overwritten): DATABASE_CORRUPT', () => {
    closeDatabase(openDatabase(dbPath));
    const fd = fs.openSync(dbPath, 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 0xab), 0, 100, 0);
    fs.closeSync(fd);
    expectAppError(() => openDatabase(dbPath), 'DATABASE_CORRUPT');
  });

  it("another program's SQLite database: DATABASE_CORRUPT, not migrated", () => {
    const other = new Database(dbPath);
    other.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (1)');
    other.close();
    const hash = sha256File(dbPath);
    const error = expectAppError(() => openDatabase(dbPath), 'DATABASE_CORRUPT');
    expect(error.message).toMatch(/another program/);
    expect(sha256File(dbPath)).toBe(hash);
  });

  it('an empty file is reported with DATABASE_EMPTY and left as it is, not made a new database', () => {
    fs.writeFileSync(dbPath, '');
    expectAppError(() => openDatabase(dbPath), 'DATABASE_EMPTY');
    expect(fs.statSync(dbPath).size).toBe(0);
  });
});

describe('openReadonly', () => {
  it('reads a current database and cannot write to it', () => {
    const rw = openDatabase(dbPath);
    setSetting(rw, 'k', [1, 2]);
    closeDatabase(rw);
    const ro = track(openReadonly(dbPath));
    expect(ro.readonly).toBe(true);
    expect(getSetting(ro, 'k')).toEqual([1, 2]);
    expect(() => ro.prepare("DELETE FROM settings").run()).toThrow(/readonly/i);
    // @ts-expect-error a ReadableDB cannot be passed where a WritableDB is required
    expect(() => setSetting(ro, 'k', 3)).toThrow();
  });

  it('a missing file is an error, not a new database', () => {
    expectAppError(() => openReadonly(path.join(tmp.dir, 'missing.db')), 'INTERNAL_ERROR');
    expect(fs.existsSync(path.join(tmp.dir, 'missing.db'))).toBe(false);
  });

  it('an out-of-date database is refused (it cannot be migrated read-only)', () => {
    closeDatabase(openDatabase(dbPath));
    const newer: Migration = { version: LATEST_VERSION + 1, name: 'newer', up() {} };
    const error = expectAppError(
      () => openReadonly(dbPath, { migrations: [...MIGRATIONS, newer] }),
      'INTERNAL_ERROR',
    );
    expect(error.message).toMatch(/must be upgraded/);
  });
});
