import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Download, Page } from 'playwright-core';
import { createAppHost, type AppHost } from '../../electron/app/app-host.ts';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server.ts';
import { createSessionKeyVault } from '../../electron/secrets/key-vault.ts';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { openWatchedPage } from './chromium.ts';

/**
 * What the history flow needs beyond the shared helpers: an app it can close and open again on
 * the same folder (a damaged database is only seen at open), the class graded in the app, and
 * files read back from downloads.
 */

const root = join(import.meta.dirname, '..', '..');

/** The class graded in the app: a Latin and a Chinese name among them. */
export const APP_CLASS: ReadonlyArray<readonly [file: string, text: string]> = [
  ['Chloe Martin - essay.txt', 'Volcanoes erupt when magma rises through the crust. I believe monitoring saves lives. First, warnings give time. In conclusion, we should fund it.'],
  ['张伟明 - 作文.txt', '我认为工业革命改变了世界的面貌。首先，机器代替了手工。其次，城市迅速扩大。总之，生活方式完全不同了。'],
  ['Lucas Meyer - essay.txt', 'School should start later. I argue that sleep matters for learning. Second, students arrive on time. In conclusion, nine o’clock is better.'],
];

export interface RunningApp {
  host: AppHost;
  server: BrowserModeServer;
  stop(): Promise<void>;
}

/** The app host in browser mode on `dir`'s database and config, as `npm run preview` starts it. */
export async function startApp(dir: string, configFile: string): Promise<RunningApp> {
  const host = await createAppHost({
    configFile,
    configFileChosen: true,
    dbPath: join(dir, 'gradedesk.db'),
    demo: false,
    mode: 'browser',
    vault: createSessionKeyVault(createEnvSecretStore({ SIM_KEY: 'sk-sim' })),
    localProbes: [],
    openRouterBaseUrl: 'http://127.0.0.1:9/api/v1',
    logPath: join(dir, 'logs', 'gradedesk.log'),
  });
  let server: BrowserModeServer;
  try {
    server = await startBrowserMode({ app: host, rendererDir: join(root, 'dist', 'renderer'), exportsDir: join(dir, 'exports') });
  } catch (error) {
    await host.close();
    throw error;
  }
  return {
    host,
    server,
    stop: async () => {
      await server.close();
      await host.close();
    },
  };
}

/** A page of the app at 1024×768, watched for console errors, CSP refusals and page errors. */
export async function openApp(browser: BrowserContext, app: RunningApp, problems: string[]): Promise<Page> {
  const page = await openWatchedPage(browser, app.server.url, problems);
  await page.setViewportSize({ width: 1024, height: 768 });
  return page;
}

/** Drops the class on the new-batch screen's drop zone the way Chromium hands a drop over. */
export async function dropFiles(page: Page, files: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const [name, text] of list) data.items.add(new File([text], name, { type: 'text/plain' }));
    return data;
  }, files);
  await page.dispatchEvent('[data-testid="intake-dropzone"]', 'dragenter', { dataTransfer });
  await page.dispatchEvent('[data-testid="intake-dropzone"]', 'drop', { dataTransfer });
}

/** A file the page hands over as a download, after `click`. */
export async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()])) as [Download, void];
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

export const table = (bytes: Buffer): string[][] => parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];

/** Garbage over pages in the middle of the file, as a failing disk leaves it. */
export function damageMiddle(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(Math.min(16384, Math.floor(size / 2)), 0x5a), 0, undefined, Math.floor(size / 3));
  closeSync(fd);
}

/** Goes to a screen by its address, as a link or a bookmark would. */
export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}
