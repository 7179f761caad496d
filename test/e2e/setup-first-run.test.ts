import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';

const chromiumPath = chromiumOrExplain();
const GOOD_KEY = 'sk-or-v1-5e7a0c2b9d4f61a8e3b7c5d9f1a2b4c6d8e0f9a7';

/** axe-core's WCAG 2.1 A/AA rules on the page as it is, one line per violating node. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined'))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const runner = (window as unknown as { axe: typeof axe }).axe;
    const result = await runner.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`));
  });
}

/** The screen in both themes and both languages, `test-results/setup-<name>-<theme>-<en|zh>.png`, checked with axe each time. */
async function shootEveryLook(page: Page, name: string, fullPage = true): Promise<string[]> {
  const found: string[] = [];
  for (const language of ['en', 'zh-CN'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await page.getByTestId('lang-select').selectOption(language);
      await page.getByTestId('theme-select').selectOption(theme);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const short = language === 'en' ? 'en' : 'zh';
      await page.screenshot({ path: join(SHOTS, `setup-${name}-${theme}-${short}.png`), fullPage });
      for (const v of await violations(page)) found.push(`[${name} ${theme} ${short}] ${v}`);
    }
  }
  await page.getByTestId('lang-select').selectOption('en');
  await page.getByTestId('theme-select').selectOption('light');
  return found;
}

async function openAt1024(ctx: BrowserApp): Promise<Page> {
  const page = await ctx.openPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  return page;
}

describe.runIf(chromiumPath !== null)('first run in Chromium against browser mode', () => {
  let ctx: BrowserApp;

  beforeAll(async () => {
    // A fresh app: no config file, no key, no local server anywhere it looks, and OpenRouter
    // unreachable (nothing listens on the discard port), so the picker shows the shipped list.
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-setup-demo-', () => ({
      configPath: null,
      demo: false,
      secrets: createEnvSecretStore({}),
      localProbes: [],
      openRouterBaseUrl: 'http://127.0.0.1:9/api/v1',
    }));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('welcomes instead of showing an error, switches into the demo without a restart, and then grades', async () => {
    const page = await openAt1024(ctx);
    await page.getByTestId('first-run').waitFor();
    expect(new URL(page.url()).hash).toBe('#/setup');
    expect(await page.getByTestId('config-error').count()).toBe(0);
    expect(await page.getByText('CONFIG_NOT_FOUND').count()).toBe(0);
    await page.getByTestId('models-empty').waitFor();
    await page.locator('[data-testid="catalog-source"][data-source="snapshot"]').waitFor();
    const found = await shootEveryLook(page, 'first-run');

    await page.getByTestId('choice-demo').click();
    await page.getByTestId('demo-start').click();
    await page.getByTestId('demo-on').waitFor();
    await page.getByTestId('demo-banner').waitFor();
    await page.getByTestId('model-demo-fast').waitFor();
    // A demo model says it is simulated, not that a key is set.
    expect(await page.getByTestId('model-demo-fast').textContent()).toContain('Simulated');
    found.push(...(await shootEveryLook(page, 'demo-on')));

    await page.getByTestId('nav-new').click();
    // The new batch offers the sample class to grade, with nothing billed.
    await page.getByTestId('sample-class-use').waitFor();
    expect(ctx.app.config?.models['demo-fast']?.simulated).toBe(true);

    // Leaving the demo goes back to the (empty) set-up, still without a restart.
    await page.getByTestId('nav-setup').click();
    await page.getByTestId('choice-demo').click();
    await page.getByTestId('demo-leave').click();
    await page.getByTestId('first-run').waitFor();
    expect(await page.getByTestId('demo-banner').count()).toBe(0);
    expect(found).toEqual([]);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});

describe.runIf(chromiumPath !== null)('setting up models in Chromium: a local server and an OpenRouter key, both simulated', () => {
  let local: SimulatorHandle;
  let openRouter: SimulatorHandle;
  let ctx: BrowserApp;

  beforeAll(async () => {
    local = await startSimulator({ keys: null });
    openRouter = await startSimulator({ keys: { [GOOD_KEY]: {} } });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-setup-models-', () => ({
      configPath: null,
      demo: false,
      secrets: createEnvSecretStore({}),
      localProbes: [],
      openRouterBaseUrl: openRouter.baseUrl,
    }));
  });
  afterAll(async () => {
    await ctx?.close();
    await local?.close();
    await openRouter?.close();
  });

  it('adds a model from a local server, checks it, edits it and removes it', async () => {
    const page = await openAt1024(ctx);
    await page.getByTestId('first-run').waitFor();
    await page.getByTestId('choice-local').click();
    await page.getByTestId('local-url').fill(local.baseUrl);
    await page.getByTestId('local-look').click();
    const server = page.getByTestId('local-server-custom');
    await server.getByText('Running', { exact: true }).waitFor();
    expect(await server.getByTestId('local-model').count()).toBe(4);
    await server.locator('[data-testid="local-model"][data-id="sim/fast"]').check();
    const found = await shootEveryLook(page, 'local-server');
    await server.getByTestId('local-add').click();

    const card = page.getByTestId('model-fast');
    await card.waitFor();
    expect(await card.textContent()).toContain('No key needed');
    await page.getByTestId('check-fast').click();
    await page.getByTestId('result-fast').getByText('OK').waitFor();
    expect(local.requests().map((r) => r.model)).toEqual(['sim/fast']);

    await page.getByTestId('edit-fast').click();
    const dialog = page.getByTestId('edit-dialog');
    await dialog.getByTestId('edit-name').waitFor();
    await dialog.getByTestId('edit-name').fill('Fast local model');
    await dialog.getByTestId('edit-concurrency').fill('2');
    found.push(...(await shootEveryLook(page, 'edit-model', false)));
    await dialog.getByTestId('edit-save').click();
    await card.getByRole('heading', { name: 'Fast local model' }).waitFor();
    const written = JSON.parse(readFileSync(join(ctx.dir, 'config.json'), 'utf8')) as { models: Record<string, { name: string; max_concurrency: number }> };
    expect(written.models.fast).toMatchObject({ name: 'Fast local model', max_concurrency: 2 });

    await page.getByTestId('remove-fast').click();
    await page.getByTestId('remove-dialog').waitFor();
    found.push(...(await shootEveryLook(page, 'remove-model', false)));
    await page.getByTestId('remove-confirm').click();
    await page.getByTestId('models-empty').waitFor();
    expect(await page.getByTestId('model-fast').count()).toBe(0);
    expect(found).toEqual([]);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('checks and saves an OpenRouter key without ever showing it again, and adds a model from the catalog', async () => {
    const page = await openAt1024(ctx);
    await page.getByTestId('choice-openrouter').click();
    await page.getByTestId('keychain-session').waitFor();

    await page.getByTestId('key-input').fill('sk-or-v1-not-a-real-key-000000000000');
    await page.getByTestId('key-check').click();
    await page.getByTestId('key-result').getByText('The provider did not accept the API key', { exact: false }).waitFor();
    expect(await page.getByTestId('key-result').getByTestId('error-code').isVisible()).toBe(false);

    await page.getByTestId('key-input').fill(GOOD_KEY);
    await page.getByTestId('key-reveal').click();
    expect(await page.getByTestId('key-input').getAttribute('type')).toBe('text');
    await page.getByTestId('key-reveal').click();
    expect(await page.getByTestId('key-input').getAttribute('type')).toBe('password');
    await page.getByTestId('key-check').click();
    await page.getByTestId('key-status').getByText(`A key is saved: sk-or-…${GOOD_KEY.slice(-4)}`).waitFor();
    expect(await page.getByTestId('key-input').inputValue()).toBe('');
    expect(await page.content()).not.toContain(GOOD_KEY);

    const catalog = page.getByTestId('catalog');
    await catalog.getByTestId('catalog-source').waitFor();
    expect(await catalog.getByTestId('catalog-source').getAttribute('data-source')).toBe('live');
    await catalog.getByTestId('catalog-search').fill('smart');
    const row = catalog.locator('[data-testid="catalog-row"][data-id="sim/smart"]');
    await row.waitFor();
    await expect.poll(() => catalog.getByTestId('catalog-row').count()).toBe(1);
    expect(await row.textContent()).toContain('$3.00');
    await row.getByTestId('catalog-add').click();
    await row.getByText('Added').waitFor();
    const card = page.getByTestId('model-smart');
    await card.waitFor();
    expect(await card.textContent()).toContain('Key set');
    await page.getByTestId('check-smart').click();
    await page.getByTestId('result-smart').getByText('OK').waitFor();
    expect(openRouter.requests().map((r) => r.key)).toEqual([GOOD_KEY]);
    expect(await page.content()).not.toContain(GOOD_KEY);
    const found = await shootEveryLook(page, 'openrouter');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'setup-openrouter-wide-light-en.png'), fullPage: true });
    expect(found).toEqual([]);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
