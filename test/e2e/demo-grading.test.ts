import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchReport, historyReport } from '../../electron/grading/batch/report.ts';
import { combineWith } from '../../electron/grading/batch/combine.ts';
import { parseStoredPlan } from '../../electron/grading/batch/plan.ts';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { getBatch } from '../../electron/store/index.ts';
import type { LedgerReport } from '../../electron/simulator/types.ts';
import { formatUsd } from '../../renderer/src/lib/grading-report.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';

const chromiumPath = chromiumOrExplain();

describe.runIf(chromiumPath !== null)('demo mode grades the sample class in Chromium against browser mode', () => {
  let ctx: BrowserApp;

  beforeAll(async () => {
    // What `npm run preview -- --demo` starts, on a database of its own.
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-demo-', () => ({ configPath: null, demo: true, secrets: createEnvSecretStore({}) }));
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const openPage = (): Promise<Page> => ctx.openPage();

  it('grades the five sample essays with progress, shows the names, scores, flags and the simulated cost', async () => {
    const page = await openPage();
    await page.getByTestId('demo-banner').waitFor();
    const button = page.getByTestId('demo-grade-button');
    await button.waitFor();
    expect((await button.textContent())?.trim()).toBe('Grade the sample class (simulated)');
    expect(await page.getByTestId('demo-grade-progress').count()).toBe(0);

    await button.click();
    await page.getByTestId('demo-grade-total').waitFor();
    for (let n = 0; n < 5; n++) await page.getByTestId(`demo-grade-row-${n}`).waitFor();
    expect(await page.getByTestId('demo-grade-row-5').count()).toBe(0);

    // the progress bar was fed by the events to the end: 4 jobs (the copy is graded once)
    const progress = page.getByTestId('demo-grade-progress');
    expect(await progress.getAttribute('max')).toBe('4');
    expect(await progress.getAttribute('value')).toBe('4');

    // what the core recorded is what the table shows
    const [batch] = historyReport(ctx.app.db).batches;
    expect(batch).toMatchObject({ status: 'completed', submissions: 5, graded: 4 });
    const names = await Promise.all([0, 1, 2, 3, 4].map((n) => page.getByTestId(`demo-grade-row-${n}`).locator('th').textContent()));
    expect(names.map((s) => s?.trim())).toEqual(['Ana Lopez', 'Ana Lopez', 'Ben Carter', 'Chen Wei', 'Dana Smith']);
    const statuses = await Promise.all([0, 1, 2, 3, 4].map((n) => page.getByTestId(`demo-grade-row-${n}`).getAttribute('data-status')));
    expect(statuses).toEqual(['graded', 'duplicate', 'graded', 'graded', 'graded']);
    // scores as `gradedesk history <batch> --json` reports them from the same database
    const stored = parseStoredPlan(getBatch(ctx.app.db, batch?.batch_id ?? '')?.configJson ?? '');
    if (!stored.ok) throw new Error(stored.error.message);
    const report = batchReport(ctx.app.db, batch?.batch_id ?? '', combineWith(stored.data.rubric));
    const scoreCells = await Promise.all([0, 1, 2, 3, 4].map((n) => page.getByTestId(`demo-grade-row-${n}`).locator('td').first().textContent()));
    expect(scoreCells.map((s) => s?.trim())).toEqual(
      report?.submissions.map((s) => (s.status === 'graded' ? `${s.score} / ${s.max_score}` : 'Same file as Ana Lopez: graded once')),
    );
    expect(report?.submissions.filter((s) => s.max_score === 16)).toHaveLength(4);
    expect(await page.getByTestId('demo-grade-row-4').textContent()).toContain('Possible prompt injection');

    // the total is the demo provider's own ledger, labelled simulated
    const endpoint = ctx.app.config?.models['demo-fast']?.endpoint ?? '';
    const ledger = (await (await fetch(new URL('/__sim/ledger', endpoint))).json()) as LedgerReport;
    expect(ledger.entries).toHaveLength(4);
    expect(batch?.total_cost_usd).toBe(Math.round(ledger.totalUsd * 1e6) / 1e6);
    const total = (await page.getByTestId('demo-grade-total').textContent()) ?? '';
    expect(total).toContain(`Total simulated cost: ${formatUsd(batch?.total_cost_usd ?? -1, 'en')}`);
    expect(total).toContain('4 API calls to the simulator');
    await page.screenshot({ path: join(SHOTS, 'demo-graded.png'), fullPage: true });

    await page.getByTestId('lang-select').selectOption('zh-CN');
    await page.getByTestId('theme-select').selectOption('dark');
    expect((await button.textContent())?.trim()).toBe('批改示例班级（模拟）');
    expect(await page.getByTestId('demo-grade-total').textContent()).toContain('模拟总费用');
    await page.screenshot({ path: join(SHOTS, 'demo-graded-zh-dark.png'), fullPage: true });
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
