import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyReport } from '../../electron/grading/batch/report.ts';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import type { LedgerReport } from '../../electron/simulator/types.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { accessibilityViolations, shootScreen } from './runs-support.ts';

const chromiumPath = chromiumOrExplain();

/** Demo mode: the sample class through the new-batch screen, the progress screen, to done. */
describe.runIf(chromiumPath !== null)('a new batch in demo mode, from the new-batch screen to done', () => {
  let ctx: BrowserApp;

  beforeAll(async () => {
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-runs-', () => ({ configPath: null, demo: true, secrets: createEnvSecretStore({}) }));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('starts only with work and a rubric, estimates, grades with progress, and links to review and compare', async () => {
    const page: Page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('new-batch').waitFor();
    const start = page.getByTestId('runs-start');
    expect(await start.isDisabled()).toBe(true);
    expect(await page.getByTestId('runs-start-why').textContent()).toBe('Add student work that can be read to start.');
    // The demo's models, the first one ticked; which read images is said.
    await page.getByTestId('runs-model-demo-fast').waitFor();
    expect(await page.getByTestId('runs-model-demo-fast').isChecked()).toBe(true);
    expect(await page.getByTestId('runs-models').textContent()).toContain('Reads images');

    await page.getByTestId('sample-class-use').click();
    await page.getByTestId('sample-class-remove').waitFor();
    await page.getByTestId('runs-estimate-total').waitFor();
    expect(await page.getByTestId('runs-estimate-total').textContent()).toContain('Simulated amounts');
    expect(await page.getByTestId('runs-names').textContent()).toContain('No class list');
    expect(await start.isDisabled()).toBe(false);
    // Five essays: too few for a sample first.
    expect(await page.getByTestId('runs-sample').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shootScreen(page, 'new-batch', { wide: true });

    await start.click();
    await page.waitForURL(/#\/run\/b_[0-9a-f]{16}$/);
    const batchId = page.url().split('/').pop() ?? '';
    await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor({ timeout: 30_000 });
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(5);
    const states = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.filter((s) => s === 'graded')).toHaveLength(4);
    expect(states.filter((s) => s === 'duplicate')).toHaveLength(1);
    expect(await page.getByTestId('run-progress').getAttribute('value')).toBe('5');
    expect(await page.getByTestId('run-spend').textContent()).toContain('Simulated');
    expect(await page.getByTestId('run-review').getAttribute('href')).toBe(`#/review/${batchId}`);
    expect(await page.getByTestId('run-compare').getAttribute('href')).toBe(`#/compare/${batchId}`);
    // Feedback arrived with each grade; names are the students', never pseudonyms.
    const first = page.getByTestId('run-row').first();
    expect(await first.textContent()).toMatch(/Ana Lopez.*\d+ \/ 16/s);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shootScreen(page, 'run-done', { wide: true });

    // What the core recorded and what the demo provider billed: four calls, the copy graded once.
    expect(historyReport(ctx.app.db).batches.find((b) => b.batch_id === batchId)).toMatchObject({ status: 'completed', submissions: 5, graded: 4 });
    const endpoint = ctx.app.config?.models['demo-fast']?.endpoint ?? '';
    const ledger = (await (await fetch(new URL('/__sim/ledger', endpoint))).json()) as LedgerReport;
    expect(ledger.entries).toHaveLength(4);

    // A reload of the progress screen shows the same batch from the store.
    await page.reload();
    await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(5);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
