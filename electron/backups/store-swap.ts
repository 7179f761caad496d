/**
 * Replacing the database file while nothing has it open (the app host closes the app first):
 * the current file, with its WAL and shared-memory files, is moved aside into
 * `backups/set-aside/` (deleted by the rotation after some days), and a checked backup is copied
 * into its place.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StoreSwap } from '../../shared/ipc/backups.ts';
import { describeBackup, verifyBackup } from './backup-files.ts';
import { backupPath, setAsideFolder, timeStamp } from './backup-names.ts';

/** What the host does around a swap: close the app, run `swap`, open the app again. */
export interface StorageControl {
  restore(id: string): Promise<StoreSwap>;
  startFresh(): Promise<StoreSwap>;
}

const COMPANIONS = ['', '-wal', '-shm'] as const;

/** Moves the database and its companions aside; returns the new name, or null if there was no file. */
export function moveAside(dbPath: string, reason: 'before-restore' | 'damaged', at = new Date()): string | null {
  if (!fs.existsSync(dbPath)) return null;
  const folder = setAsideFolder(dbPath);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const name = `gradedesk-${timeStamp(at)}-${reason}.db`;
  for (const suffix of COMPANIONS) {
    const from = `${dbPath}${suffix}`;
    if (fs.existsSync(from)) fs.renameSync(from, path.join(folder, `${name}${suffix}`));
  }
  return name;
}

/** Undoes `moveAside` when putting the copy in place failed. */
function moveBack(dbPath: string, name: string): void {
  for (const suffix of COMPANIONS) {
    const from = path.join(setAsideFolder(dbPath), `${name}${suffix}`);
    if (fs.existsSync(from)) fs.renameSync(from, `${dbPath}${suffix}`);
  }
}

/** Checks the backup first (nothing changes if it is damaged), then swaps it in. */
export function checkBackup(dbPath: string, id: string): string {
  const file = backupPath(dbPath, id);
  verifyBackup(file);
  return file;
}

export function swapInBackup(dbPath: string, id: string, reason: 'before-restore' | 'damaged'): StoreSwap {
  const file = checkBackup(dbPath, id);
  const setAside = moveAside(dbPath, reason);
  try {
    // The backup is a closed file of its own: a plain copy of it is safe.
    fs.copyFileSync(file, dbPath, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(dbPath, 0o600);
  } catch (error) {
    fs.rmSync(dbPath, { force: true });
    if (setAside) moveBack(dbPath, setAside);
    throw error;
  }
  return { restored: describeBackup(dbPath, id), setAside };
}
