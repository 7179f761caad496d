import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp, type AppOptions, type GradeDeskApp } from '../../electron/app/create-app.ts';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server.ts';
import { launchChromium, openWatchedPage } from './chromium.ts';

const root = join(import.meta.dirname, '..', '..');
/** Screenshots of the end-to-end tests, for a person to look at. */
export const SHOTS = join(root, 'test-results');

export interface BrowserApp {
  /** A temp folder of the app's own: its database, and whatever config the test writes. */
  dir: string;
  app: GradeDeskApp;
  server: BrowserModeServer;
  /** Console errors, CSP refusals and page errors of every page opened. */
  problems: string[];
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * What `npm run preview` starts (the app in browser mode, serving the built renderer) on a
 * database in a fresh temp folder, and a fresh Chromium. `options` may write files into the
 * folder (a config) before the app opens.
 */
export async function startBrowserApp(
  chromiumPath: string,
  prefix: string,
  options: (dir: string) => Omit<AppOptions, 'dbPath' | 'mode'>,
): Promise<BrowserApp> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(SHOTS, { recursive: true });
  let app: GradeDeskApp | null = null;
  let server: BrowserModeServer | null = null;
  let browser: BrowserContext | null = null;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    app = await createApp({ ...options(dir), dbPath: join(dir, 'gradedesk.db'), mode: 'browser' });
    server = await startBrowserMode({ app, rendererDir: join(root, 'dist', 'renderer') });
    browser = await launchChromium(chromiumPath);
  } catch (error) {
    await close();
    throw error;
  }
  const problems: string[] = [];
  const [readyApp, readyServer, readyBrowser] = [app, server, browser];
  return { dir, app: readyApp, server: readyServer, problems, openPage: () => openWatchedPage(readyBrowser, readyServer.url, problems), close };
}
