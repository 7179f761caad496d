import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppHost, type AppHost } from '../../electron/app/app-host.ts';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server.ts';
import { createSessionKeyVault } from '../../electron/secrets/key-vault.ts';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { SHOTS } from './browser-app.ts';
import { chromiumOrExplain, launchChromium, openWatchedPage } from './chromium.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();
const root = join(import.meta.dirname, '..', '..');

/** Garbage over pages in the middle of the file, as a failing disk leaves it. */
function damageMiddle(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(Math.min(16384, Math.floor(size / 2)), 0x5a), 0, undefined, Math.floor(size / 3));
  closeSync(fd);
}

/** Back up, damage the database between two runs of the app, restore from the storage-problem screen. */
describe.runIf(chromiumPath !== null)('back up, damage the database, restore', () => {
  let dir: string;
  let host: AppHost | null = null;
  let server: BrowserModeServer | null = null;
  let browser: BrowserContext | null = null;
  const problems: string[] = [];
  /** Files the desktop app's "Show in folder" was asked to show (null: browser mode, no such thing). */
  let revealed: string[] | null = null;

  async function start(withReveal = false): Promise<void> {
    revealed = withReveal ? [] : null;
    const shown = revealed;
    host = await createAppHost({
      configFile: join(dir, 'config.json'),
      dbPath: join(dir, 'gradedesk.db'),
      demo: true,
      mode: 'browser',
      vault: createSessionKeyVault(createEnvSecretStore({})),
      localProbes: [],
      logPath: join(dir, 'logs', 'gradedesk.log'),
      ...(shown ? { reveal: (file: string) => void shown.push(file) } : {}),
    });
    server = await startBrowserMode({ app: host, rendererDir: join(root, 'dist', 'renderer') });
  }

  async function stop(): Promise<void> {
    await server?.close();
    await host?.close();
    server = null;
    host = null;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-e2e-backups-'));
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium(chromiumPath as string);
    await start();
  });
  afterAll(async () => {
    await browser?.close();
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the storage-problem screen for a damaged file and restores the latest backup', async () => {
    const first = host as AppHost;
    await first.handlers.gradeDemoClass({});
    const backup = await first.handlers.createBackup({});
    expect(backup.batches).toBe(1);
    await stop(); // a clean close: a second, automatic backup
    damageMiddle(join(dir, 'gradedesk.db'));
    await start();

    const page = await openWatchedPage(browser as BrowserContext, (server as BrowserModeServer).url, problems);
    await page.setViewportSize({ width: 1024, height: 768 });
    const screen = page.getByTestId('storage-problem');
    await screen.waitFor();
    expect(await screen.getAttribute('data-state')).toBe('damaged');
    expect(await page.getByTestId('nav-new').count()).toBe(0);
    expect(await screen.textContent()).toContain('has not changed or replaced it');
    expect(await page.getByTestId('backup-row').count()).toBe(1);
    expect(await shootEveryLook(page, 'backups-storage-problem')).toEqual([]);

    // Starting fresh asks first; going back changes nothing.
    await page.getByTestId('storage-fresh').click();
    await page.getByTestId('storage-fresh-dialog').waitFor();
    expect(await shootEveryLook(page, 'backups-start-fresh-dialog')).toEqual([]);
    await page.getByTestId('storage-fresh-dialog-cancel').click();
    await page.getByTestId('storage-fresh-dialog').waitFor({ state: 'detached' });

    await page.getByTestId('storage-restore-latest').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('nav-new').waitFor();
    expect(await page.getByTestId('storage-problem').count()).toBe(0);
    const batches = await (host as AppHost).handlers.listBatches({});
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ status: 'completed', submissions: 5 });
    await page.getByTestId('nav-review').click();
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '').toContain('Argumentative essay');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.close();
    expect(problems).toEqual([]);
  });

  async function openBackups(): Promise<Page> {
    const page = await openWatchedPage(browser as BrowserContext, (server as BrowserModeServer).url, problems);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-data').click();
    await page.getByTestId('backups-panel').waitFor();
    await page.getByTestId('backup-row').first().waitFor();
    return page;
  }

  const backupFiles = (): string[] => readdirSync(join(dir, 'backups')).filter((n) => n.endsWith('.db'));

  it('deletes one backup after asking; shows a backup in its folder only where the app can; offers to delete older copies after deleting a batch', async () => {
    // Browser mode: downloads only, no "Show in folder".
    let page = await openBackups();
    expect(await page.getByTestId('backup-reveal').count()).toBe(0);
    expect(await page.getByTestId('backups-kept').textContent()).toContain('30 days');
    await page.close();

    // The desktop app's shell, faked: the button shows, and main reveals a path inside its backups folder.
    await stop();
    await start(true);
    page = await openBackups();
    await page.getByTestId('backups-create').click();
    await expect.poll(() => page.getByTestId('backup-row').count()).toBe(backupFiles().length);
    const rows = page.getByTestId('backup-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('backups-kept').textContent()).toContain('Set aside now: 1.');
    expect(await shootEveryLook(page, 'backups-panel')).toEqual([]);
    await rows.first().getByTestId('backup-reveal').click();
    await expect.poll(() => revealed?.length).toBe(1);
    expect(dirname(revealed?.[0] ?? '')).toBe(join(dir, 'backups'));

    // Delete the newest: asked first; "keep" changes nothing; then it goes, file and row.
    const before = backupFiles();
    const newest = [...before].sort().reverse()[0] ?? '';
    await rows.first().getByTestId('backup-delete').click();
    await page.getByTestId('backups-delete-one-dialog').waitFor();
    expect(await shootEveryLook(page, 'backups-delete-one-dialog')).toEqual([]);
    await page.getByTestId('backups-delete-one-dialog-cancel').click();
    await page.getByTestId('backups-delete-one-dialog').waitFor({ state: 'detached' });
    expect(backupFiles()).toEqual(before);
    await rows.first().getByTestId('backup-delete').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('backups-delete-one-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('backup-row').count()).toBe(before.length - 1);
    expect(existsSync(join(dir, 'backups', newest))).toBe(false);

    // Everything about one student: a name with no work says so; then the older copies are kept this time.
    const student = page.getByTestId('backups-delete-student-name');
    await student.fill('Nobody Here');
    await page.getByTestId('backups-delete-student-ask').click();
    await page.getByTestId('backups-delete-student-none').waitFor();
    await student.fill('Chen Wei');
    await student.press('Enter');
    const studentDialog = page.getByTestId('backups-delete-student-dialog');
    await studentDialog.waitFor();
    expect(await studentDialog.textContent()).toContain('Delete everything about Chen Wei?');
    await page.getByTestId('backups-delete-student-dialog-confirm').click();
    await page.getByTestId('backups-older-dialog').waitFor();
    await page.getByTestId('backups-older-dialog-cancel').click();
    await page.getByTestId('backups-older-dialog').waitFor({ state: 'detached' });
    expect(backupFiles()).toHaveLength(before.length - 1);
    const chen = (host as AppHost).current.db.prepare("SELECT count(*) AS n FROM submissions WHERE student = 'Chen Wei'").get() as { n: number };
    expect(chen.n).toBe(0);
    await page.mouse.move(0, 0);
    expect(await shootEveryLook(page, 'backups-retention')).toEqual([]);

    // Deleting a batch: the older copies may still hold it; GradeDesk offers to delete them now.
    await page.getByTestId('backups-delete-batch').selectOption({ index: 1 });
    await page.getByTestId('backups-delete-ask').click();
    await page.getByTestId('backups-delete-dialog-confirm').click();
    await page.getByTestId('backups-older-dialog').waitFor();
    expect(await page.getByTestId('backups-older-dialog').textContent()).toContain('30 days');
    // The pointer is left where the first dialog's button was; under it the shared dialog's
    // danger button loses its colour on hover (reported for components/ConfirmDialog.svelte).
    await page.mouse.move(0, 0);
    expect(await shootEveryLook(page, 'backups-older-copies-dialog')).toEqual([]);
    await page.getByTestId('backups-older-dialog-confirm').click();
    await page.getByTestId('backups-none').waitFor();
    expect(backupFiles()).toEqual([]);
    expect(readdirSync(join(dir, 'backups', 'set-aside'))).toEqual([]);
    expect(await (host as AppHost).handlers.listBatches({})).toHaveLength(0);
    await page.close();
    expect(problems).toEqual([]);
  }, 90_000);
});
