import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppHost } from '../../../electron/app/app-host.ts';
import { backupsFolder, setAsideFolder } from '../../../electron/backups/backup-names.ts';
import { openDatabase } from '../../../electron/store/db.ts';
import { openHost, tempDir } from './helpers.ts';

/** Garbage over pages in the middle of the file: the header still reads, the tables do not. */
function damageMiddle(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(Math.min(16384, Math.floor(size / 2)), 0x5a), 0, undefined, Math.floor(size / 3));
  closeSync(fd);
}

describe('a damaged or empty database at open', () => {
  let host: AppHost | null = null;
  let temp = tempDir('gd-storage-');
  afterEach(async () => {
    await host?.close();
    host = null;
    temp.remove();
    temp = tempDir('gd-storage-');
  });

  it('an empty file is reported, not replaced, and the app opens in the storage-problem state', async () => {
    writeFileSync(temp.dbPath, '');
    expect(() => openDatabase(temp.dbPath)).toThrow(expect.objectContaining({ code: 'DATABASE_EMPTY' }));
    host = await openHost(temp.dbPath);
    const info = await host.handlers.getAppInfo({});
    expect(info.storage).toMatchObject({ state: 'empty_file', backups: [] });
    expect(statSync(temp.dbPath).size).toBe(0);
    await expect(Promise.resolve().then(() => host?.handlers.listBatches({}))).rejects.toMatchObject({ code: 'STORAGE_PROBLEM' });
    expect(() => host?.current).toThrow(expect.objectContaining({ code: 'STORAGE_PROBLEM' }));

    // Starting fresh moves the empty file aside (never deletes it) and opens a new database.
    const swap = await host.handlers.startFreshDatabase({});
    expect(swap.setAside).toMatch(/-damaged\.db$/);
    expect(existsSync(join(setAsideFolder(temp.dbPath), swap.setAside ?? ''))).toBe(true);
    expect((await host.handlers.getAppInfo({})).storage).toBeUndefined();
    expect(await host.handlers.listBatches({})).toEqual([]);
    await expect(host.handlers.startFreshDatabase({})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a file damaged in the middle is reported with the latest backup; restoring it brings the batches back', async () => {
    host = await openHost(temp.dbPath);
    await host.handlers.gradeDemoClass({});
    await host.close(); // the automatic backup
    host = null;
    const [backup] = readdirSync(backupsFolder(temp.dbPath));
    damageMiddle(temp.dbPath);
    const damaged = readFileSync(temp.dbPath);

    host = await openHost(temp.dbPath);
    const info = await host.handlers.getAppInfo({});
    expect(info.storage?.state).toBe('damaged');
    expect(info.storage?.backups[0]).toMatchObject({ id: backup, kind: 'automatic', batches: 1 });
    // Nothing was written to the damaged file.
    expect(readFileSync(temp.dbPath).equals(damaged)).toBe(true);

    const swap = await host.handlers.restoreBackup({ id: backup ?? '' });
    expect(swap.setAside).toMatch(/-damaged\.db$/);
    expect(readFileSync(join(setAsideFolder(temp.dbPath), swap.setAside ?? '')).equals(damaged)).toBe(true);
    expect((await host.handlers.getAppInfo({})).storage).toBeUndefined();
    expect(await host.handlers.listBatches({})).toHaveLength(1);
    // The damaged file's state is not backed up at close; the restored one is.
    await host.close();
    host = null;
    expect(readdirSync(backupsFolder(temp.dbPath)).filter((n) => n.endsWith('.db'))).toHaveLength(2);
  });

  it('turns secure_delete on for every writable connection', () => {
    const db = openDatabase(temp.dbPath);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    db.close();
  });
});
