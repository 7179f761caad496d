import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The system Chromium (Debian's package), or CHROMIUM_PATH. Playwright's own download is never used. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => typeof p === 'string' && p !== '' && existsSync(p)) ?? null;
}

/**
 * Without a Chromium the end-to-end tests are skipped with a loud message on a developer's
 * machine, and fail under CI=true, where a missing browser is a broken setup, not a reason to pass.
 */
export function chromiumOrExplain(): string | null {
  const path = findChromium();
  if (path) return path;
  const message =
    'No Chromium found (install Debian\'s "chromium" package or set CHROMIUM_PATH): the end-to-end tests cannot run.';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n${'!'.repeat(80)}\n${message} SKIPPING them.\n${'!'.repeat(80)}\n`);
  return null;
}

/** A fresh profile each run, so nothing from an earlier run (storage, cache) leaks into a test. */
export async function launchChromium(executablePath: string): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'gd-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    // Colour transitions (a theme switch, a hover) would otherwise be measured half-way by axe
    // and caught half-way in screenshots; the app honours reduced motion (app.css).
    reducedMotion: 'reduce',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new page at `url`; console errors, CSP refusals and uncaught page errors go to `problems`. */
export async function openWatchedPage(browser: BrowserContext, url: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  return page;
}
