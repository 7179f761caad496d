/**
 * The history screen in Chromium against browser mode and the simulator: a batch graded with the
 * `gradedesk` command and one graded in the app, both listed; Latin and Chinese names found; a
 * batch opened; an old grading shown with the teacher's final beside the AI's suggestion; one
 * submission re-graded with another model.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { writeCompareConfig } from '../integration/compare/helpers.ts';
import { gradeInApp, gradeWithCli } from '../integration/history/helpers.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { localDay, typeDate } from './date-field.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();

describe.runIf(chromiumPath !== null)('the history screen, searched and re-graded', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;
  let cliBatch: string;
  let appBatch: string;
  let wang: number;
  let ben: number;
  const finals = new Map<string, number>();

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    let configPath = '';
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-history-', (dir) => {
      configPath = writeCompareConfig(dir, sim.baseUrl);
      return { configPath, demo: false, secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }) };
    });
    // The command grades into the app's own database while the app is open.
    cliBatch = await gradeWithCli(ctx.dir, configPath, join(ctx.dir, 'gradedesk.db'));
    appBatch = await gradeInApp(ctx.app, ctx.dir);
    const id = (student: string): number => (ctx.app.db.prepare('SELECT id FROM submissions WHERE student = ?').get(student) as { id: number }).id;
    wang = id('王芳');
    ben = id('Ben Okafor');
    // The teacher reviewed 王芳's essay and chose another level than the AI on every criterion.
    const before = await ctx.app.handlers.getSubmissionReview({ submissionId: wang });
    const criteria = before.criteria.map((c) => {
      const ai = before.consensus?.criteria.find((x) => x.criterionId === c.id)?.points;
      const levels = c.levels.map((l) => l.points).sort((a, b) => a - b);
      const points = levels[0] === ai ? (levels[levels.length - 1] as number) : (levels[0] as number);
      finals.set(c.id, points);
      return { criterionId: c.id, points, sourceModelId: null };
    });
    await ctx.app.handlers.saveReview({ submissionId: wang, basedOn: 0, criteria, feedback: '论点清楚，但例子太少。', adjustment: null, accept: true });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  async function open(hash: string): Promise<Page> {
    const page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    return page;
  }

  async function search(page: Page, text: string): Promise<void> {
    await page.getByTestId('history-search').fill(text);
    await page.getByTestId('history-search-submit').click();
  }

  it('lists both batches, finds Latin and Chinese names, and opens a grading as it was reviewed', async () => {
    const page = await open('#/history');
    await page.getByTestId(`history-batch-${cliBatch}`).waitFor();
    await page.getByTestId(`history-batch-${appBatch}`).waitFor();
    expect(await page.getByTestId(`history-batch-${cliBatch}`).textContent()).toContain('Graded with the command');
    expect(await page.getByTestId(`history-batch-${appBatch}`).textContent()).not.toContain('Graded with the command');
    expect(await shootEveryLook(page, 'history-batches')).toEqual([]);

    // Dates typed by keyboard, in the order and format of the app's language.
    const batches = page.locator('[data-testid^="history-batch-b_"]');
    await typeDate(page, 'history-filter-from', localDay(1));
    await expect.poll(() => batches.count()).toBe(0);
    await page.getByTestId('lang-select').selectOption('zh-CN');
    // A screen reader hears the parts in Chinese too: 年, 月, 日 in that order.
    expect(await page.getByTestId('history-filter-from').getByRole('spinbutton').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['年', '月', '日']);
    await typeDate(page, 'history-filter-from', localDay(0));
    await typeDate(page, 'history-filter-to', localDay(0));
    await expect.poll(() => batches.count()).toBe(2);
    const [y, m, d] = localDay(0).split('-');
    expect(await page.getByTestId('history-filter-from').textContent()).toMatch(new RegExp(`^\\s*${y}\\D+${m}\\D+${d}\\s*$`));
    await page.getByTestId('lang-select').selectOption('en');
    expect(await page.getByTestId('history-filter-to').textContent()).toMatch(new RegExp(`^\\s*${m}\\D+${d}\\D+${y}\\s*$`));
    expect(await shootEveryLook(page, 'history-dates')).toEqual([]);
    await page.getByTestId('history-filter-reset').click();
    expect(await page.getByTestId('history-filter-from').textContent()).toMatch(/mm\D+dd\D+yyyy/);

    await search(page, 'Okafor');
    await page.getByTestId(`history-open-${ben}`).waitFor();
    expect(await page.getByTestId('history-work').getByRole('button').allTextContents()).toEqual(['Open grading: Ben Okafor']);

    await search(page, '王芳');
    await page.getByTestId(`history-open-${wang}`).waitFor();
    expect(await page.getByTestId('history-work').getByRole('button').allTextContents()).toEqual(['Open grading: 王芳']);
    await search(page, '张伟明');
    await page.getByTestId('history-work').getByRole('button', { name: 'Open grading: 张伟明' }).waitFor();

    await search(page, '光合作用');
    await page.getByTestId(`history-excerpt-${wang}`).waitFor();
    expect(await page.getByTestId(`history-excerpt-${wang}`).locator('mark').textContent()).toBe('光合作用');
    expect(await shootEveryLook(page, 'history-search')).toEqual([]);

    await page.getByTestId(`history-open-${wang}`).click();
    const grading = page.getByTestId('history-grading');
    await grading.getByTestId('history-grading-table').waitFor();
    const review = await ctx.app.handlers.getSubmissionReview({ submissionId: wang });
    const first = review.consensus?.criteria[0];
    if (!first || !review.review) throw new Error('no grading stored');
    expect(await grading.getByTestId(`history-ai-${first.criterionId}`).textContent()).toContain(`${first.points} /`);
    expect(await grading.getByTestId(`history-final-${first.criterionId}`).textContent()).toContain(`${finals.get(first.criterionId)} /`);
    expect(await grading.getByTestId('history-final-total').textContent()).toContain(`${review.review.finalScore} / ${review.review.maxScore}`);
    expect(await grading.getByTestId('history-final-feedback').textContent()).toBe('论点清楚，但例子太少。');
    expect(await grading.getByTestId('history-open-review').getAttribute('href')).toBe(`#/review/${cliBatch}/${wang}`);
    expect(await grading.getByTestId('history-open-costs').getAttribute('href')).toBe(`#/costs/${wang}`);
    expect(await shootEveryLook(page, 'history-grading')).toEqual([]);

    // The two-character name in the text alone cannot be searched: the screen says what to do.
    await page.getByTestId('history-scope').selectOption('text');
    await search(page, '王芳');
    expect(await page.getByTestId('history-work-empty').textContent()).toContain('at least three characters');
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('opens a batch with its work and links, and re-grades one submission with another model', async () => {
    const page = await open(`#/history/${cliBatch}`);
    await page.getByTestId(`history-open-${ben}`).waitFor();
    expect(await page.getByTestId('history-work').getByRole('button').count()).toBe(3);
    expect(await page.getByTestId('history-link-review').getAttribute('href')).toBe(`#/review/${cliBatch}`);
    expect(await page.getByTestId('history-link-compare').getAttribute('href')).toBe(`#/compare/${cliBatch}`);
    expect(await page.getByTestId('history-link-run').getAttribute('href')).toBe(`#/run/${cliBatch}`);
    expect(await page.getByTestId(`history-work-${wang}`).textContent()).toContain('Reviewed');
    expect(await shootEveryLook(page, 'history-batch')).toEqual([]);

    await page.getByTestId(`history-open-${ben}`).click();
    const one = page.getByTestId('history-regrade-one');
    await one.waitFor();
    // A model other than the one that graded it is offered first.
    expect(await one.getByTestId('history-regrade-model').inputValue()).toBe('smart');
    sim.reset();
    await one.getByTestId('history-regrade-start').click();
    await page.waitForURL(/#\/run\/b_[0-9a-f]{16}$/);
    const regraded = page.url().split('/').pop() ?? '';
    expect(regraded).not.toBe(cliBatch);
    await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor({ timeout: 30_000 });
    expect(sim.requests().map((r) => r.model)).toEqual(['sim/smart']);

    await page.evaluate(() => {
      location.hash = '#/history';
    });
    await page.getByTestId(`history-batch-${regraded}`).waitFor();
    expect(await page.getByTestId(`history-batch-${regraded}`).textContent()).toContain('Re-grade');
    await page.getByTestId('history-filter-model').selectOption('smart');
    await expect.poll(() => page.locator('[data-testid^="history-batch-b_"]').count()).toBe(1);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await shootEveryLook(page, 'history-wide')).toEqual([]);
    await page.close();
    expect(ctx.problems).toEqual([]);
  }, 60_000);
});
