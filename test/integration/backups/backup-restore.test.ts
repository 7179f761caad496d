import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppHost } from '../../../electron/app/app-host.ts';
import { backupsFolder } from '../../../electron/backups/backup-names.ts';
import { rotateBackups } from '../../../electron/backups/rotation.ts';
import { countRows, openHost, quickCheck, tempDir } from './helpers.ts';

const TABLES = ['batches', 'submissions', 'jobs', 'gradings'] as const;

describe('backing up and restoring the database', () => {
  let host: AppHost | null = null;
  let temp = tempDir('gd-backups-');
  afterEach(async () => {
    await host?.close();
    host = null;
    temp.remove();
    temp = tempDir('gd-backups-');
  });

  it('makes consistent copies while a batch is writing', async () => {
    host = await openHost(temp.dbPath);
    const grading = Promise.resolve(host.handlers.gradeDemoClass({}));
    const copies = [];
    // Bounded: a copy every few milliseconds while the batch runs, at most 40.
    for (let i = 0; i < 40; i += 1) {
      copies.push(await host.handlers.createBackup({}));
      const settled = await Promise.race([grading.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 25))]);
      if (settled) break;
    }
    await grading;
    const kept = readdirSync(backupsFolder(temp.dbPath)).filter((n) => n.endsWith('.db'));
    expect(kept.length).toBeLessThanOrEqual(20);
    for (const name of kept) {
      const file = join(backupsFolder(temp.dbPath), name);
      expect(quickCheck(file)).toEqual(['ok']);
      // One point in time: every grading has its submission and job, every submission its batch.
      const db = new Database(file, { readonly: true });
      const orphans = db
        .prepare(
          `SELECT (SELECT count(*) FROM gradings WHERE submission_id NOT IN (SELECT id FROM submissions))
                + (SELECT count(*) FROM submissions WHERE batch_id NOT IN (SELECT id FROM batches))
                + (SELECT count(*) FROM jobs WHERE status = 'done' AND id NOT IN (SELECT job_id FROM gradings WHERE job_id IS NOT NULL)) AS n`,
        )
        .get() as { n: number };
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      db.close();
      expect(orphans.n).toBe(0);
    }
    expect(copies.length).toBeGreaterThan(0);
    const listed = await host.handlers.listBackups({});
    expect(listed.kept).toEqual({ automatic: 5, manual: 20, setAsideDays: 30 });
    expect(listed.backups.map((b) => b.id)).toEqual([...kept].sort().reverse());
    expect(listed.backups[0]).toMatchObject({ kind: 'manual', batches: expect.any(Number) });
    expect(listed.backups[0]?.sizeBytes).toBeGreaterThan(0);
  });

  it('restores a backup: the current file is set aside, the copy put in place, the app reopened', async () => {
    host = await openHost(temp.dbPath);
    await host.handlers.gradeDemoClass({});
    const backup = await host.handlers.createBackup({});
    expect(backup.batches).toBe(1);
    await host.handlers.gradeDemoClass({});
    expect(countRows(join(backupsFolder(temp.dbPath), backup.id), ['batches']).batches).toBe(1);
    const before = host.current;
    expect((before.db.prepare('SELECT count(*) AS n FROM batches').get() as { n: number }).n).toBe(2);

    const swap = await host.handlers.restoreBackup({ id: backup.id });
    expect(swap.restored?.id).toBe(backup.id);
    expect(swap.setAside).toMatch(/-before-restore\.db$/);
    expect(existsSync(join(backupsFolder(temp.dbPath), 'set-aside', swap.setAside ?? ''))).toBe(true);
    expect(host.current).not.toBe(before);
    expect(before.db.open).toBe(false);
    expect((host.current.db.prepare('SELECT count(*) AS n FROM batches').get() as { n: number }).n).toBe(1);
    // The app answers as before on the restored file.
    expect(await host.handlers.getAppInfo({})).not.toHaveProperty('storage.state', 'damaged');
  });

  it('refuses to restore while a batch is being graded, and a damaged backup changes nothing', async () => {
    host = await openHost(temp.dbPath);
    const backup = await host.handlers.createBackup({});
    const grading = host.handlers.gradeDemoClass({});
    await expect(host.handlers.restoreBackup({ id: backup.id })).rejects.toMatchObject({ code: 'GRADING_IN_PROGRESS' });
    await grading;
    const damaged = join(backupsFolder(temp.dbPath), backup.id);
    const db = new Database(damaged);
    db.pragma('application_id = 0');
    db.close();
    const app = host.current;
    await expect(host.handlers.restoreBackup({ id: backup.id })).rejects.toMatchObject({ code: 'BACKUP_DAMAGED' });
    expect(host.current).toBe(app);
    expect(app.db.open).toBe(true);
    await expect(host.handlers.restoreBackup({ id: 'gradedesk-20200101T000000000Z-manual.db' })).rejects.toMatchObject({
      code: 'BACKUP_NOT_FOUND',
    });
  });

  it('backs up automatically after a clean close, keeping the last five', async () => {
    for (let i = 0; i < 7; i += 1) {
      host = await openHost(temp.dbPath);
      if (i === 0) await host.handlers.gradeDemoClass({});
      await host.close();
      host = null;
    }
    const names = readdirSync(backupsFolder(temp.dbPath)).filter((n) => n.endsWith('.db'));
    expect(names).toHaveLength(5);
    expect(names.every((n) => n.endsWith('-automatic.db'))).toBe(true);
    for (const name of names) expect(countRows(join(backupsFolder(temp.dbPath), name), TABLES).batches).toBe(1);
    expect(rotateBackups(temp.dbPath, new Date(), { automatic: 2, manual: 20, setAsideDays: 30 }).backups).toHaveLength(3);
  });
});
