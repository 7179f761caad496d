/**
 * The backups folder, `<data folder>/backups/`: copies made with SQLite's online backup API
 * (never a file copy of a live database), named by the time they were made, the last few kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors.ts';
import { BACKUPS_KEPT, BackupIdSchema, type Backup } from '../../shared/ipc/backups.ts';
import { GRADEDESK_APPLICATION_ID } from '../store/migrate.ts';

export type BackupKind = Backup['kind'];

export function backupsFolder(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), 'backups');
}

/** Where a database that was replaced goes: kept, never deleted by GradeDesk, never rotated. */
export function setAsideFolder(dbPath: string): string {
  return path.join(backupsFolder(dbPath), 'set-aside');
}

/** `20250102T101112345Z`: sorts by time as text, and is a valid file name everywhere. */
export function timeStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

function timeOf(id: string): Date {
  const m = /^gradedesk-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(id);
  if (!m) return new Date(0);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
}

function kindOf(id: string): BackupKind {
  return id.endsWith('-automatic.db') ? 'automatic' : 'manual';
}

/** The path of a backup by its id, refusing anything that is not a backup's name. */
export function backupPath(dbPath: string, id: string): string {
  if (!BackupIdSchema.safeParse(id).success) throw new AppError('BACKUP_NOT_FOUND', 'There is no backup by that name.', { id });
  const file = path.join(backupsFolder(dbPath), id);
  if (!fs.existsSync(file)) throw new AppError('BACKUP_NOT_FOUND', 'That backup is no longer in the backups folder.', { id });
  return file;
}

/** Batches a copy holds, read without writing to it; null when it cannot be read. */
function batchesIn(file: string): number | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return (db.prepare('SELECT count(*) AS n FROM batches').get() as { n: number }).n;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

export function describeBackup(dbPath: string, id: string): Backup {
  const file = path.join(backupsFolder(dbPath), id);
  return {
    id,
    createdAt: timeOf(id).toISOString(),
    kind: kindOf(id),
    sizeBytes: fs.statSync(file).size,
    batches: batchesIn(file),
  };
}

function backupIds(dbPath: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(backupsFolder(dbPath));
  } catch {
    return [];
  }
  return names.filter((name) => BackupIdSchema.safeParse(name).success).sort().reverse();
}

/** Newest first. */
export function listBackups(dbPath: string): Backup[] {
  return backupIds(dbPath).map((id) => describeBackup(dbPath, id));
}

/**
 * Checks a copy before it is put back: a GradeDesk database, and `integrity_check` clean.
 * Throws BACKUP_DAMAGED otherwise; the copy is opened read-only and not changed.
 */
export function verifyBackup(file: string): void {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const id = db.pragma('application_id', { simple: true });
    const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (id !== GRADEDESK_APPLICATION_ID || problems.length !== 1 || problems[0] !== 'ok') {
      throw new AppError('BACKUP_DAMAGED', 'That backup is damaged and cannot be put back; nothing was changed.', {
        file,
        applicationId: id,
        problems: problems.slice(0, 10),
      });
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('BACKUP_DAMAGED', 'That backup could not be read and cannot be put back; nothing was changed.', {
      file,
      cause: String(error),
    });
  } finally {
    db?.close();
  }
}

/**
 * A copy of the open database through SQLite's online backup API. The pages are copied in one
 * step (one read transaction), so the copy is the database at one point in time even while a
 * batch writes; it is then switched to a plain rollback journal so it reads as a single file.
 */
export async function backUp(source: Database.Database, dbPath: string, kind: BackupKind, at = new Date()): Promise<Backup> {
  const folder = backupsFolder(dbPath);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  let id = `gradedesk-${timeStamp(at)}-${kind}.db`;
  // Two backups in the same millisecond: the later one waits a tick for its own name.
  for (let tries = 0; fs.existsSync(path.join(folder, id)) && tries < 50; tries += 1) {
    id = `gradedesk-${timeStamp(new Date(at.getTime() + tries + 1))}-${kind}.db`;
  }
  const file = path.join(folder, id);
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  fs.closeSync(fs.openSync(partial, 'wx', 0o600));
  try {
    await source.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new AppError('INTERNAL_ERROR', 'GradeDesk could not make a backup. Is the disk full?', { cause: String(error) });
  }
  rotateBackups(dbPath);
  return describeBackup(dbPath, id);
}

/** Keeps the newest few; older copies (and whatever they held that was since deleted) go. */
export function rotateBackups(dbPath: string, keep = BACKUPS_KEPT): string[] {
  const dropped = backupIds(dbPath).slice(keep);
  for (const id of dropped) fs.rmSync(path.join(backupsFolder(dbPath), id), { force: true });
  return dropped;
}

/**
 * The automatic backup after a clean close: the closed file is opened again on its own
 * connection only to be copied. A file that is missing or does not open is left alone.
 */
export async function backUpAfterClose(dbPath: string): Promise<Backup | null> {
  if (!fs.existsSync(dbPath)) return null;
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    return await backUp(db, dbPath, 'automatic');
  } finally {
    db.close();
  }
}
