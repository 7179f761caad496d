import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
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

  async function start(): Promise<void> {
    host = await createAppHost({
      configFile: join(dir, 'config.json'),
      dbPath: join(dir, 'gradedesk.db'),
      demo: true,
      mode: 'browser',
      vault: createSessionKeyVault(createEnvSecretStore({})),
      localProbes: [],
      logPath: join(dir, 'logs', 'gradedesk.log'),
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
});
