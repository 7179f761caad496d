/**
 * What the backups folder keeps (shared/ipc/backups.ts `BACKUPS_KEPT`): automatic and manual
 * backups rotate apart, set-aside databases leave after a number of days, and the teacher can
 * delete one backup, or every copy made before a retention deletion, at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BACKUPS_KEPT, type BackupsKept, type CopiesDeleted } from '../../shared/ipc/backups.ts';
import { backupIds, backupPath, backupsFolder, kindOf, setAsideFolder, timeOf } from './backup-names.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A set-aside database with its WAL and shared-memory files: `gradedesk-<time>-<reason>.db[-wal|-shm]`. */
const SET_ASIDE_NAME = /^gradedesk-\d{8}T\d{9}Z-(before-restore|damaged)\.db$/;

/** The set-aside databases, newest first (companion files follow their database). */
export function setAsideNames(dbPath: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(setAsideFolder(dbPath));
  } catch {
    return [];
  }
  return names.filter((name) => SET_ASIDE_NAME.test(name)).sort().reverse();
}

function removeSetAside(dbPath: string, name: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(setAsideFolder(dbPath), `${name}${suffix}`), { force: true });
}

function removeBackup(dbPath: string, id: string): void {
  fs.rmSync(path.join(backupsFolder(dbPath), id), { force: true });
}

export interface Rotated {
  backups: string[];
  setAside: string[];
}

/**
 * Drops the automatic backups beyond the newest `kept.automatic`, the manual ones beyond the
 * newest `kept.manual`, and set-aside databases older than `kept.setAsideDays` days at `now`.
 * Runs after every backup, so at every clean close at the latest.
 */
export function rotateBackups(dbPath: string, now = new Date(), kept: BackupsKept = BACKUPS_KEPT): Rotated {
  const ids = backupIds(dbPath);
  const dropped = [
    ...ids.filter((id) => kindOf(id) === 'automatic').slice(kept.automatic),
    ...ids.filter((id) => kindOf(id) === 'manual').slice(kept.manual),
  ];
  for (const id of dropped) removeBackup(dbPath, id);
  const cutOff = now.getTime() - kept.setAsideDays * DAY_MS;
  const expired = setAsideNames(dbPath).filter((name) => timeOf(name).getTime() < cutOff);
  for (const name of expired) removeSetAside(dbPath, name);
  return { backups: dropped, setAside: expired };
}

/** Deletes one backup, by id only (BACKUP_NOT_FOUND for anything that is not one). */
export function deleteBackup(dbPath: string, id: string): CopiesDeleted {
  fs.rmSync(backupPath(dbPath, id), { force: true });
  return { backups: 1, setAside: 0 };
}

/** Backups and set-aside databases made before `before`: they may hold what was deleted at that time. */
function copiesBefore(dbPath: string, before: Date): { backups: string[]; setAside: string[] } {
  const older = (name: string): boolean => timeOf(name).getTime() < before.getTime();
  return { backups: backupIds(dbPath).filter(older), setAside: setAsideNames(dbPath).filter(older) };
}

export function countCopiesBefore(dbPath: string, before: Date): number {
  const { backups, setAside } = copiesBefore(dbPath, before);
  return backups.length + setAside.length;
}

/** What "delete the older backups now" does after a retention deletion. */
export function deleteCopiesBefore(dbPath: string, before: Date): CopiesDeleted {
  const { backups, setAside } = copiesBefore(dbPath, before);
  for (const id of backups) removeBackup(dbPath, id);
  for (const name of setAside) removeSetAside(dbPath, name);
  return { backups: backups.length, setAside: setAside.length };
}
