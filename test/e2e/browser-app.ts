import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createAppHost, type AppHost } from '../../electron/app/app-host.ts';
import type { AppOptions, GradeDeskApp } from '../../electron/app/create-app.ts';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server.ts';
import { createSessionKeyVault } from '../../electron/secrets/key-vault.ts';
import type { LocalProbe } from '../../electron/setup/local-servers.ts';
import { launchChromium, openWatchedPage } from './chromium.ts';

const root = join(import.meta.dirname, '..', '..');
/** Screenshots of the end-to-end tests, for a person to look at. */
export const SHOTS = join(root, 'test-results');

export interface BrowserApp {
  /** A temp folder of the app's own: its database, and whatever config the test writes. */
  dir: string;
  /** The app in force now: set-up changes replace it (see `host`). */
  readonly app: GradeDeskApp;
  host: AppHost;
  server: BrowserModeServer;
  /** Console errors, CSP refusals and page errors of every page opened. */
  problems: string[];
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

/** What a test chooses: the app's options, and where set-up looks for OpenRouter and local servers. */
export type BrowserAppOptions = Omit<AppOptions, 'dbPath' | 'mode'> & {
  openRouterBaseUrl?: string;
  localProbes?: readonly LocalProbe[];
};

/**
 * What `npm run preview` starts (the app host in browser mode, serving the built renderer) on a
 * database in a fresh temp folder, and a fresh Chromium. `options` may write files into the
 * folder (a config) before the app opens; without a `configPath` the app starts unconfigured
 * and writes `<dir>/config.json` when the teacher sets up a model.
 */
export async function startBrowserApp(
  chromiumPath: string,
  prefix: string,
  options: (dir: string) => BrowserAppOptions,
): Promise<BrowserApp> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(SHOTS, { recursive: true });
  let app: AppHost | null = null;
  let server: BrowserModeServer | null = null;
  let browser: BrowserContext | null = null;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { configPath, secrets, ...rest } = options(dir);
    app = await createAppHost({
      ...rest,
      configFile: configPath ?? join(dir, 'config.json'),
      configFileChosen: configPath !== null,
      vault: createSessionKeyVault(secrets),
      dbPath: join(dir, 'gradedesk.db'),
      mode: 'browser',
    });
    server = await startBrowserMode({ app, rendererDir: join(root, 'dist', 'renderer'), exportsDir: join(dir, 'exports') });
    browser = await launchChromium(chromiumPath);
  } catch (error) {
    await close();
    throw error;
  }
  const problems: string[] = [];
  const [readyApp, readyServer, readyBrowser] = [app, server, browser];
  return {
    dir,
    get app() {
      return readyApp.current;
    },
    host: readyApp,
    server: readyServer,
    problems,
    openPage: () => openWatchedPage(readyBrowser, readyServer.url, problems),
    close,
  };
}
