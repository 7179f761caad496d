import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backUp } from '../../../electron/backups/backup-files.ts';
import { backupsFolder, setAsideFolder } from '../../../electron/backups/backup-names.ts';
import { createBackupsHandlers } from '../../../electron/backups/handlers.ts';
import { moveAside } from '../../../electron/backups/store-swap.ts';
import { closeDatabase, openDatabase, type WritableDB } from '../../../electron/store/index.ts';
import { tempDir } from './helpers.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2025-03-01T08:00:00.000Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

const kinds = (dbPath: string): string[] =>
  readdirSync(backupsFolder(dbPath))
    .filter((n) => n.endsWith('.db'))
    .sort()
    .map((n) => (n.endsWith('-automatic.db') ? 'automatic' : 'manual'));

describe('backup rotation: automatic and manual apart, set-aside files for a limited time', () => {
  let temp = tempDir('gd-rotation-');
  let db: WritableDB;
  beforeEach(() => {
    db = openDatabase(temp.dbPath);
  });
  afterEach(() => {
    closeDatabase(db);
    temp.remove();
    temp = tempDir('gd-rotation-');
  });

  it('keeps the teacher’s backup through six automatic backups at close', async () => {
    const manual = await backUp(db, temp.dbPath, 'manual', at(0));
    for (let i = 1; i <= 6; i += 1) await backUp(db, temp.dbPath, 'automatic', at(i));
    expect(existsSync(join(backupsFolder(temp.dbPath), manual.id))).toBe(true);
    expect(kinds(temp.dbPath)).toEqual(['manual', 'automatic', 'automatic', 'automatic', 'automatic', 'automatic']);
  });

  it('keeps the last 20 backups the teacher made, whatever the automatic ones do', async () => {
    await backUp(db, temp.dbPath, 'automatic', at(0));
    const first = await backUp(db, temp.dbPath, 'manual', at(1));
    for (let i = 2; i <= 21; i += 1) await backUp(db, temp.dbPath, 'manual', at(i));
    const left = kinds(temp.dbPath);
    expect(left.filter((k) => k === 'manual')).toHaveLength(20);
    expect(left.filter((k) => k === 'automatic')).toHaveLength(1);
    expect(existsSync(join(backupsFolder(temp.dbPath), first.id))).toBe(false);
  });

  it('deletes set-aside databases (with their WAL) once they are 30 days old, at the next backup', async () => {
    const spare = join(temp.dir, 'spare.db');
    const old = (days: number, reason: 'before-restore' | 'damaged'): string => {
      writeFileSync(spare, 'x');
      writeFileSync(`${spare}-wal`, 'x');
      return moveAside(spare, reason, new Date(T0 - days * DAY)) ?? '';
    };
    const stale = old(31, 'damaged');
    const recent = old(29, 'before-restore');
    expect(readdirSync(setAsideFolder(temp.dbPath))).toHaveLength(4);
    await backUp(db, temp.dbPath, 'automatic', at(0));
    expect(readdirSync(setAsideFolder(temp.dbPath)).sort()).toEqual([recent, `${recent}-wal`]);
    expect(stale).toMatch(/-damaged\.db$/);
  });

  it('lists what is kept, deletes one backup by id, and refuses any other name', async () => {
    const { handlers } = createBackupsHandlers({ db, dbPath: temp.dbPath, busy: () => false });
    const one = await backUp(db, temp.dbPath, 'manual', at(0));
    const two = await backUp(db, temp.dbPath, 'automatic', at(1));
    expect(await handlers.listBackups({})).toMatchObject({ kept: { automatic: 5, manual: 20, setAsideDays: 30 }, setAside: 0, canReveal: false });
    expect(await handlers.deleteBackup({ id: one.id })).toEqual({ backups: 1, setAside: 0 });
    expect((await handlers.listBackups({})).backups.map((b) => b.id)).toEqual([two.id]);
    for (const id of [one.id, '../gradedesk.db', '../../etc/passwd']) {
      await expect(Promise.resolve().then(() => handlers.deleteBackup({ id }))).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' });
    }
    expect(existsSync(temp.dbPath)).toBe(true);
  });

  it('deletes every copy made before a time, backups and set-aside files alike, and keeps later ones', async () => {
    const { handlers } = createBackupsHandlers({ db, dbPath: temp.dbPath, busy: () => false });
    const spare = join(temp.dir, 'spare.db');
    writeFileSync(spare, 'x');
    moveAside(spare, 'before-restore', at(-5));
    await backUp(db, temp.dbPath, 'manual', at(0));
    await backUp(db, temp.dbPath, 'automatic', at(1));
    const later = await backUp(db, temp.dbPath, 'manual', at(10));
    expect(await handlers.deleteCopiesBefore({ before: at(5).toISOString() })).toEqual({ backups: 2, setAside: 1 });
    expect((await handlers.listBackups({})).backups.map((b) => b.id)).toEqual([later.id]);
    expect(readdirSync(setAsideFolder(temp.dbPath))).toEqual([]);
  });
});
