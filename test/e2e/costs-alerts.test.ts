import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGradingService, readRubricFile } from '../../electron/grading/service.ts';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { queryAll, sql } from '../../electron/store/index.ts';
import { RUBRIC, writeEssays } from '../integration/cli/helpers.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();
const ESSAYS = 8;
/** The first six calls are refused as too fast: a burst the retries ride out. */
const BURST = [1, 2, 3, 4, 5, 6];

/** One priced model at the simulator, and an alert as soon as a tenth of its calls fail. */
function writeAlertConfig(dir: string, baseUrl: string): string {
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      models: {
        fast: {
          endpoint: `${baseUrl}/chat/completions`,
          model: 'sim/fast',
          api: 'openrouter',
          api_key_env: 'SIM_KEY',
          structured_output: true,
          context_window: 128000,
          max_concurrency: 4,
          input_cost_per_token: 1e-7,
          output_cost_per_token: 4e-7,
        },
      },
      retry: { max_attempts: 6, base_delay_ms: 20, max_delay_ms: 500 },
      monitoring: { error_rate_threshold: 0.1 },
      privacy: { pseudonymize_names: false },
    }),
  );
  return path;
}

async function gradeEssays(ctx: BrowserApp): Promise<void> {
  const app = ctx.app;
  const service = createGradingService({ db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: app.configError });
  const outcome = await service.grade({
    paths: [writeEssays(join(ctx.dir, 'class'), ESSAYS)],
    rubric: await readRubricFile(RUBRIC),
    roster: null,
    models: ['fast'],
    compare: false,
    concurrency: 4,
    source: 'app',
  });
  if (outcome.kind !== 'ran' || outcome.status !== 'completed') throw new Error(`the batch did not complete: ${outcome.kind}`);
}

/** A burst of rate limits at the simulator while the costs screen is open: the alert as a toast and in the history. */
describe.runIf(chromiumPath !== null)('an alert raised by a burst of failures', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { faults: { rate_limit_429: { at: BURST, retryAfterMs: 50 } } } });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-costs-alerts-', (dir) => ({
      configPath: writeAlertConfig(dir, sim.baseUrl),
      demo: false,
      secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }),
    }));
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  it('shows a toast in the teacher’s words, lists the alert, and words the failures and suggestions', async () => {
    const page: Page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate(() => {
      location.hash = '#/costs';
    });
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    expect(await page.getByTestId('alert-history').count()).toBe(0);

    await gradeEssays(ctx);

    // The toast, while the teacher is on any screen: what happened, with the figures, no code.
    const toast = page.locator('[data-sonner-toast]').filter({ hasText: 'Grading needs your attention' });
    await toast.waitFor({ timeout: 15_000 });
    const toastText = (await toast.textContent()) ?? '';
    expect(toastText).toMatch(/fast: \d+% of recent calls failed, above your alert level of 10%/);
    expect(toastText).not.toMatch(/RATE_LIMITED|rate_limit|error_rate/);
    expect(await toast.getByRole('button', { name: 'See why' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'costs-alert-toast-light-en.png') });

    // The same alert in the history, live, as the store has it.
    const stored = queryAll<{ kind: string; model_id: string }>(ctx.app.db, sql`SELECT kind, model_id FROM alerts`);
    expect(stored).toEqual([{ kind: 'error_rate', model_id: 'fast' }]);
    const history = page.getByTestId('alert-history').locator('li');
    await expect.poll(() => history.count()).toBe(1);
    expect(await history.first().textContent()).toContain('of recent calls failed');
    expect(await history.first().textContent()).toContain('Not cleared yet');

    // After a reload: the reasons, the retries and the suggestion in words, codes behind a switch.
    await page.reload();
    await page.getByTestId('alert-history').waitFor();
    const suggestion = page.locator('[data-testid="suggestion-text"][data-kind="rate_limited"]');
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toMatch(/^fast was refused for sending too fast on \d+% of its calls \(\d+ of \d+\)\./);
    await expect.poll(() => page.getByRole('rowheader', { name: 'Refused: too many calls' }).count()).toBe(1);
    // A key's limits are named by the model that uses it; the address only in its title (and technical details).
    const keyRow = page.getByRole('rowheader', { name: 'Key for fast' });
    expect(await keyRow.count()).toBe(1);
    expect(await keyRow.getAttribute('title')).toMatch(/^key:http:\/\/127\.0\.0\.1:\d+#SIM_KEY$/);

    const decisions = page.getByTestId('attempt-decision');
    await expect.poll(async () => (await decisions.allTextContents()).some((d) => /Tried again after/.test(d))).toBe(true);
    expect((await decisions.allTextContents()).join(' ')).not.toMatch(/retry_same|switch_model/);
    await page.getByTestId('attempts-technical').check();
    await expect.poll(async () => (await decisions.allTextContents()).some((d) => /retry_same:\d+ms/.test(d))).toBe(true);
    await page.getByTestId('attempts-technical').uncheck();
    // The failed calls on screen for the screenshots: reason and what happened next.
    await page.getByLabel('Result').selectOption('error');
    await expect.poll(async () => {
      const reasons = await page.getByTestId('attempt-reason').allTextContents();
      return reasons.length > 0 && reasons.every((r) => /^\s*Refused: too many calls\s*$/.test(r));
    }).toBe(true);

    expect(await shootEveryLook(page, 'costs-alerts', { fullPage: true })).toEqual([]);
    await page.close();
    expect(ctx.problems).toEqual([]);
  }, 120_000);
});
