import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();

async function openSettings(ctx: BrowserApp, width = 1024): Promise<Page> {
  const page = await ctx.openPage();
  await page.setViewportSize({ width, height: 768 });
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-view').waitFor();
  await page.getByTestId('settings-tab-providers').waitFor();
  return page;
}

async function openTab(page: Page, tab: string): Promise<void> {
  await page.getByTestId(`settings-tab-${tab}`).click();
  await page.getByTestId(`settings-section-${tab}`).waitFor();
}

describe.runIf(chromiumPath !== null)('the settings screen in Chromium against browser mode', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;

  beforeAll(async () => {
    sim = await startSimulator({ keys: null });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-settings-', (dir) => {
      const configPath = join(dir, 'config.json');
      const model = (slug: string, name: string) => ({ name, endpoint: `${sim.baseUrl}/chat/completions`, model: slug, api_key_env: 'GRADEDESK_LOCAL_SERVER_KEY' });
      writeFileSync(
        configPath,
        JSON.stringify({ models: { fast: model('sim/fast', 'Fast model'), smart: model('sim/smart', 'Careful model') }, budget: { per_batch_usd: 3 }, school_note: 'kept' }),
      );
      return { configPath, demo: false, secrets: createEnvSecretStore({}), localProbes: [] };
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  it('saves a budget and a routing strategy that stay after a reload, shows a mistake under its field, and shows where the data lives', async () => {
    const page = await openSettings(ctx);
    const found = await shootEveryLook(page, 'settings-providers');

    // Budgets: what is in force first, then an edit marked unsaved until it is saved.
    await openTab(page, 'budget');
    expect(await page.getByTestId('settings-budget-batch').inputValue()).toBe('3');
    expect(await page.getByTestId('settings-budget-day').inputValue()).toBe('');
    await page.getByTestId('settings-budget-day').fill('12.5');
    await page.getByTestId('settings-state-budget').getByText('Unsaved changes').waitFor();
    found.push(...(await shootEveryLook(page, 'settings-budget-unsaved')));
    await page.getByTestId('settings-save-budget').click();
    await page.getByTestId('settings-state-budget').getByText('These settings are in force.').waitFor();
    const file = JSON.parse(readFileSync(join(ctx.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ budget: { per_batch_usd: 3, per_day_usd: 12.5 }, school_note: 'kept' });
    expect(ctx.app.config?.budget?.per_day_usd).toBe(12.5);

    // Routing: a strategy chosen by its teacher's name; in force in the rebuilt app at once.
    await openTab(page, 'routing');
    await page.getByTestId('settings-strategy').selectOption('cost');
    await page.getByTestId('settings-fallback-fast-smart').check();
    found.push(...(await shootEveryLook(page, 'settings-routing')));
    await page.getByTestId('settings-save-routing').click();
    await page.getByTestId('settings-state-routing').getByText('These settings are in force.').waitFor();
    expect(ctx.app.config?.routing).toEqual({ strategy: 'cost', fallbacks: { fast: ['smart'] } });

    // After a reload both are still there.
    await page.reload();
    await page.getByTestId('settings-view').waitFor();
    await openTab(page, 'budget');
    expect(await page.getByTestId('settings-budget-day').inputValue()).toBe('12.5');
    await openTab(page, 'routing');
    expect(await page.getByTestId('settings-strategy').inputValue()).toBe('cost');
    expect(await page.getByTestId('settings-fallback-fast-smart').isChecked()).toBe(true);

    // A mistake is named under its field, Save waits for it, Reset goes back to what is saved.
    await openTab(page, 'budget');
    await page.getByTestId('settings-budget-day').fill('-5');
    await page.getByTestId('settings-budget-day-problem').getByText('Must be 0 or more.').waitFor();
    expect(await page.getByTestId('settings-budget-day').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('settings-save-budget').isDisabled()).toBe(true);
    found.push(...(await shootEveryLook(page, 'settings-budget-invalid')));
    await page.getByTestId('settings-reset-budget').click();
    expect(await page.getByTestId('settings-budget-day').inputValue()).toBe('12.5');
    expect(await page.getByTestId('settings-budget-day-problem').count()).toBe(0);

    await openTab(page, 'retry');
    await page.getByTestId('settings-max-attempts').fill('2.5');
    await page.getByTestId('settings-max-attempts').press('Tab');
    expect(await page.getByText('Enter a whole number.').count()).toBe(1);
    await page.getByTestId('settings-reset-retry').click();

    // Where the data lives: the real paths of this app.
    await openTab(page, 'data');
    expect(await page.getByTestId('settings-path-database').textContent()).toBe(join(ctx.dir, 'gradedesk.db'));
    expect(await page.getByTestId('settings-path-config').textContent()).toBe(join(ctx.dir, 'config.json'));
    expect(await page.getByTestId('settings-path-staging').textContent()).toBe(join(ctx.dir, 'staging'));
    expect(await page.getByTestId('settings-path-backups').textContent()).toBe(join(ctx.dir, 'backups'));
    found.push(...(await shootEveryLook(page, 'settings-data')));

    await openTab(page, 'grading');
    found.push(...(await shootEveryLook(page, 'settings-grading')));
    expect(found).toEqual([]);

    const wide = await openSettings(ctx, 1440);
    await openTab(wide, 'monitoring');
    await wide.screenshot({ path: join(SHOTS, 'settings-alerts-wide-light-en.png'), fullPage: true });
    expect(ctx.problems).toEqual([]);
  });
});
