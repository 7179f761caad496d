/**
 * Names and places in the backups folder: `<data folder>/backups/gradedesk-<UTC time>-<kind>.db`,
 * and `backups/set-aside/` for databases that were replaced. The time in a name is what the
 * rotation and "made before" go by, so it is parsed in one place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { BackupIdSchema, type Backup } from '../../shared/ipc/backups.ts';

export type BackupKind = Backup['kind'];

export function backupsFolder(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), 'backups');
}

/** Where a database that was replaced goes: kept for a while, then rotated out (rotation.ts). */
export function setAsideFolder(dbPath: string): string {
  return path.join(backupsFolder(dbPath), 'set-aside');
}

/** `20250102T101112345Z`: sorts by time as text, and is a valid file name everywhere. */
export function timeStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/** The time in a backup's or set-aside file's name; the epoch when the name has none. */
export function timeOf(id: string): Date {
  const m = /^gradedesk-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(id);
  if (!m) return new Date(0);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
}

export function kindOf(id: string): BackupKind {
  return id.endsWith('-automatic.db') ? 'automatic' : 'manual';
}

/** The path of a backup by its id, refusing anything that is not a backup's name. */
export function backupPath(dbPath: string, id: string): string {
  if (!BackupIdSchema.safeParse(id).success) throw new AppError('BACKUP_NOT_FOUND', 'There is no backup by that name.', { id });
  const file = path.join(backupsFolder(dbPath), id);
  if (!fs.existsSync(file)) throw new AppError('BACKUP_NOT_FOUND', 'That backup is no longer in the backups folder.', { id });
  return file;
}

/** Newest first. */
export function backupIds(dbPath: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(backupsFolder(dbPath));
  } catch {
    return [];
  }
  return names.filter((name) => BackupIdSchema.safeParse(name).success).sort().reverse();
}

