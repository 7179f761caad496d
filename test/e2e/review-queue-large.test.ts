import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/server.ts';
import type { HandlerInput } from '../../shared/ipc/contract.ts';
import type { QueueRow } from '../../shared/ipc/review.ts';
import { makeHandlers } from '../support/fake-handlers.ts';
import { SHOTS } from './browser-app.ts';
import { chromiumOrExplain, launchChromium, openWatchedPage } from './chromium.ts';

const chromiumPath = chromiumOrExplain();
const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = 300;

/** A class of 300: every tenth piece flagged, the first 20 reviewed. */
function rowsOf(hideNames: boolean): QueueRow[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    submissionId: i + 1,
    student: hideNames ? null : `Pupil ${String(i + 1).padStart(3, '0')}`,
    anonymousNumber: ((i * 7) % ROWS) + 1,
    fileName: hideNames ? null : `pupil-${i + 1}.docx`,
    gradingStatus: 'graded' as const,
    status: i < 20 ? ('reviewed' as const) : ('unreviewed' as const),
    aiScore: i % 17,
    finalScore: i < 20 ? i % 17 : null,
    maxScore: 16,
    flags: i % 10 === 0 ? ['models_disagree', 'low_confidence'] : [],
  }));
}

describe.runIf(chromiumPath !== null)('a review queue of 300 in Chromium (fixture handlers)', () => {
  let server: BrowserModeServer;
  let browser: BrowserContext;
  const problems: string[] = [];
  const asked: Array<HandlerInput<'getReviewQueue'>> = [];

  beforeAll(async () => {
    const handlers = makeHandlers({
      getReviewQueue: (input) => {
        asked.push(input);
        const rows = rowsOf(input.hideNames);
        const counts = { all: ROWS, flagged: 30, unreviewed: ROWS - 20, reviewed: 20 };
        return { batchId: input.batchId, rubric: 'Lab report', createdAt: new Date(0).toISOString(), counts, total: ROWS, rows };
      },
    });
    server = await startBrowserMode({ app: { handlers, onEvent: () => () => {} }, rendererDir: join(ROOT, 'dist', 'renderer') });
    browser = await launchChromium(chromiumPath as string);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps only the visible rows in the page while scrolling all 300, and hides names on request', async () => {
    const page = await openWatchedPage(browser, server.url, problems);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate(() => (location.hash = '#/review/b_big'));
    await page.getByTestId('review-row-1').waitFor();
    await expect(page.getByTestId('review-filter-all').locator('..').textContent()).resolves.toContain('300');
    const rendered = await page.locator('[data-testid^="review-row-"]').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(40);

    // to the end of the list in steps, as a wheel would; the rows mounted stay few
    const list = page.locator('nav.list > div').first();
    const started = Date.now();
    for (let step = 0; step < 40; step++) await list.evaluate((el) => el.scrollBy(0, 800));
    await page.getByTestId(`review-row-${ROWS}`).waitFor();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await page.locator('[data-testid^="review-row-"]').count()).toBeLessThan(40);

    await page.getByTestId('review-filter-flagged').check({ force: true });
    await page.getByTestId('review-row-1').waitFor();
    expect(await page.getByTestId('review-row-2').count()).toBe(0);

    await page.getByTestId('review-hide-names').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="review-row-1"] strong')?.textContent?.startsWith('Student'));
    expect(asked.at(-1)?.hideNames).toBe(true);
    expect(await page.getByTestId('review-row-1').textContent()).not.toContain('Pupil');
    await page.screenshot({ path: join(SHOTS, 'review-queue-300-light-en.png') });
    await page.getByTestId('review-hide-names').uncheck();
    await page.close();
    expect(problems).toEqual([]);
  });
});
