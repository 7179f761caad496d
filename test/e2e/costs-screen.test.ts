import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import type { LedgerReport } from '../../electron/simulator/types.ts';
import { queryOne, sql } from '../../electron/store/index.ts';
import { formatMoney } from '../../renderer/src/lib/grading-report.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { localDay, typeDate } from './date-field.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();

async function simulator(endpoint: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(new URL(path, endpoint), body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

async function gradeSampleClass(page: Page): Promise<void> {
  await page.getByTestId('new-batch').waitFor();
  await page.getByTestId('sample-class-use').click();
  await page.getByTestId('sample-class-remove').waitFor();
  await page.getByTestId('runs-start').click();
  await page.waitForURL(/#\/run\/b_[0-9a-f]{16}$/);
  await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor({ timeout: 60_000 });
}

/** Demo mode: grade the sample class with some server faults, then read what it cost and why calls failed. */
describe.runIf(chromiumPath !== null)('the costs screen after a graded batch', () => {
  let ctx: BrowserApp;

  beforeAll(async () => {
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-costs-', () => ({ configPath: null, demo: true, secrets: createEnvSecretStore({}) }));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('totals match the provider ledger, failures filter by reason, and one submission shows its calls', async () => {
    const page: Page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    const endpoint = ctx.app.config?.models['demo-fast']?.endpoint ?? '';
    // Every third call fails once with a server error; the retries recover.
    await simulator(endpoint, '/__sim/profile', { faults: { server_error_500: { at: [1, 4, 7] } } });
    await gradeSampleClass(page);

    await page.goto(new URL('#/costs', page.url()).toString());
    await page.getByTestId('simulated-total').waitFor();
    const ledger = (await simulator(endpoint, '/__sim/ledger')) as LedgerReport;
    expect(ledger.entries.length).toBeGreaterThan(0);
    const stored = queryOne<{ cost: number }>(ctx.app.db, sql`SELECT total(cost_usd) AS cost FROM api_calls WHERE simulated = 1`);
    expect(Math.round((stored?.cost ?? -1) * 1e6)).toBe(Math.round(ledger.totalUsd * 1e6));
    expect(await page.getByTestId('simulated-total').textContent()).toBe(formatMoney(ledger.totalUsd, 'en'));
    expect(await page.getByTestId('real-total').textContent()).toBe(formatMoney(0, 'en'));
    await page.locator('.uplot').first().waitFor();

    // The failures, by reason.
    const classFilter = page.getByTestId('filter-class');
    await expect.poll(() => classFilter.locator('option').count()).toBeGreaterThan(1);
    const reason = (await classFilter.locator('option').nth(1).getAttribute('value')) ?? '';
    expect(reason).toMatch(/^(server|http_5xx|server_error)$/);
    await classFilter.selectOption(reason);
    const list = page.getByTestId('attempts-list');
    await expect.poll(async () => {
      const classes = await list.locator('[role="listitem"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-class')));
      return classes.length > 0 && classes.every((c) => c === reason);
    }).toBe(true);
    // Each call names its model as the teacher knows it, not by its id.
    const models = await list.locator('[role="listitem"] .model').allTextContents();
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) expect(m.trim()).toBe('Simulated fast model');
    expect(await shootEveryLook(page, 'costs-overview', { fullPage: true })).toEqual([]);

    // One day's attempts: the day typed by keyboard, shown as the app's language writes dates.
    await typeDate(page, 'attempts-filter-day', localDay(-1));
    await expect.poll(() => list.locator('[role="listitem"]').count()).toBe(0);
    await page.getByTestId('lang-select').selectOption('zh-CN');
    await typeDate(page, 'attempts-filter-day', localDay(0));
    await expect.poll(() => list.locator('[role="listitem"]').count()).toBeGreaterThan(0);
    const [y, m, d] = localDay(0).split('-');
    expect(await page.getByTestId('attempts-filter-day').textContent()).toMatch(new RegExp(`^\\s*${y}\\D+${m}\\D+${d}\\s*$`));
    await page.getByTestId('attempts-filter-day').scrollIntoViewIfNeeded();
    expect(await shootEveryLook(page, 'costs-attempts-day', { fullPage: false })).toEqual([]);

    // One submission's calls, as a link from elsewhere opens them.
    const submission = queryOne<{ id: number }>(ctx.app.db, sql`SELECT j.submission_id AS id FROM api_calls a JOIN jobs j ON j.id = a.job_id ORDER BY a.seq LIMIT 1`);
    await page.goto(new URL(`#/costs/${submission?.id}`, page.url()).toString());
    await page.getByTestId('submission-cost').waitFor();
    const rows = page.getByTestId('attempts-list').locator('[role="listitem"]');
    // Fresh filters: the failed try and the answer after it.
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    expect(await shootEveryLook(page, 'costs-submission')).toEqual([]);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
