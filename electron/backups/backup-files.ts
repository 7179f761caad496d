/**
 * The backups folder, `<data folder>/backups/`: copies made with SQLite's online backup API
 * (never a file copy of a live database), named by the time they were made; rotation.ts keeps
 * the last few of each kind.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors.ts';
import type { Backup } from '../../shared/ipc/backups.ts';
import { GRADEDESK_APPLICATION_ID } from '../store/migrate.ts';
import { backupIds, backupsFolder, kindOf, timeOf, timeStamp, type BackupKind } from './backup-names.ts';
import { rotateBackups } from './rotation.ts';

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
  rotateBackups(dbPath, at);
  return describeBackup(dbPath, id);
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
