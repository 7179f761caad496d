import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backUp } from '../../../electron/backups/backup-files.ts';
import { backupsFolder } from '../../../electron/backups/backup-names.ts';
import { createBackupsHandlers } from '../../../electron/backups/handlers.ts';
import { createExportsHandlers } from '../../../electron/exports/handlers.ts';
import { closeDatabase, openDatabase, type WritableDB } from '../../../electron/store/index.ts';

/** "Show in folder": main maps an id or an export's relative name to a path inside its own folders. */
describe('showing a backup or an export in its folder', () => {
  let dir: string;
  let dbPath: string;
  let db: WritableDB;
  let revealed: string[];
  const reveal = (file: string): void => void revealed.push(file);
  const isInside = (folder: string, file: string): boolean => {
    const inside = relative(realpathSync(folder), file);
    return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep);
  };
  const refusal = (run: () => unknown): Promise<unknown> => Promise.resolve().then(run);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gd-reveal-'));
    dbPath = join(dir, 'gradedesk.db');
    db = openDatabase(dbPath);
    revealed = [];
  });
  afterEach(() => {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reveals a backup by its id, inside the backups folder; any other name is refused', async () => {
    const { handlers } = createBackupsHandlers({ db, dbPath, busy: () => false, reveal });
    const backup = await backUp(db, dbPath, 'manual');
    expect((await handlers.listBackups({})).canReveal).toBe(true);
    expect(await handlers.revealBackup({ id: backup.id })).toEqual({});
    expect(revealed).toEqual([join(backupsFolder(dbPath), backup.id)]);
    for (const id of ['../../etc/passwd', '../gradedesk.db', 'gradedesk-20250101T000000000Z-manual.db']) {
      await expect(refusal(() => handlers.revealBackup({ id }))).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' });
    }
    expect(revealed).toHaveLength(1);
  });

  it('reveals an exported file by the name the export answered; traversal, absolute names and links out are refused', async () => {
    const { handlers } = createExportsHandlers({ db, dbPath, reveal });
    const root = join(dir, 'exports');
    mkdirSync(join(root, 'b_1', 'feedback'), { recursive: true });
    writeFileSync(join(root, 'b_1', 'grades.csv'), 'a,b\n');
    writeFileSync(join(root, 'b_1', 'feedback', 'Ana.docx'), 'x');
    writeFileSync(join(dir, 'outside.txt'), 'secret');
    symlinkSync(join(dir, 'outside.txt'), join(root, 'b_1', 'link.csv'));

    await handlers.revealExport({ relativePath: 'b_1/grades.csv' });
    await handlers.revealExport({ relativePath: 'b_1/feedback/Ana.docx' });
    expect(revealed).toHaveLength(2);
    for (const file of revealed) expect(isInside(root, file)).toBe(true);
    expect(revealed[1]?.endsWith(join('b_1', 'feedback', 'Ana.docx'))).toBe(true);

    for (const relativePath of ['../../etc/passwd', 'b_1/../../gradedesk.db', '/etc/passwd', 'b_1', 'b_1/', 'b_1/missing.csv', 'b_1/link.csv', 'b_1\\..\\..\\gradedesk.db', 'b_1/feedback']) {
      await expect(refusal(() => handlers.revealExport({ relativePath }))).rejects.toMatchObject({ code: 'EXPORT_NOT_FOUND' });
    }
    expect(revealed).toHaveLength(2);
  });

  it('answers a coded refusal where there is no file manager to open (browser mode)', async () => {
    const backups = createBackupsHandlers({ db, dbPath, busy: () => false }).handlers;
    const exportsArea = createExportsHandlers({ db, dbPath }).handlers;
    const backup = await backUp(db, dbPath, 'manual');
    expect((await backups.listBackups({})).canReveal).toBe(false);
    await expect(refusal(() => backups.revealBackup({ id: backup.id }))).rejects.toMatchObject({ code: 'SHOW_IN_FOLDER_UNAVAILABLE' });
    await expect(refusal(() => exportsArea.revealExport({ relativePath: 'b_1/grades.csv' }))).rejects.toMatchObject({ code: 'SHOW_IN_FOLDER_UNAVAILABLE' });
  });
});
