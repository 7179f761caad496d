import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';

const chromiumPath = chromiumOrExplain();

describe.runIf(chromiumPath !== null)('models screen in Chromium against browser mode and the simulator', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-good': {} } });
    const endpoint = `${sim.baseUrl}/chat/completions`;
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-', (dir) => {
      const configPath = join(dir, 'config.json');
      writeFileSync(
        configPath,
        JSON.stringify({
          models: {
            healthy: { name: 'Healthy model', provider: 'simulator', endpoint, model: 'sim/fast', api_key_env: 'E2E_GOOD_KEY', input_cost_per_token: 2e-7, output_cost_per_token: 8e-7, vision: false, structured_output: true, context_window: 128000, supported_tasks: ['grading'] },
            failing: { name: 'Model with a wrong key', provider: 'simulator', endpoint, model: 'sim/fast', api_key_env: 'E2E_BAD_KEY' },
          },
        }),
      );
      return { configPath, demo: false, secrets: createEnvSecretStore({ E2E_GOOD_KEY: 'sk-good', E2E_BAD_KEY: 'sk-wrong' }) };
    });
  });

  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  /** With a config that loads, home is "Grade": the models are under Models and keys. */
  const openPage = async (): Promise<Page> => {
    const page = await ctx.openPage();
    await page.goto(`${ctx.server.url}#/setup`);
    return page;
  };

  /** A failed check reads as a sentence; the code waits behind "Technical details". */
  async function expectRefusedKey(page: Page): Promise<void> {
    const result = page.getByTestId('result-failing');
    await result.getByText('The provider did not accept the API key', { exact: false }).waitFor();
    const code = result.getByTestId('error-code');
    expect(await code.textContent()).toBe('INVALID_API_KEY');
    expect(await code.isVisible()).toBe(false);
  }

  it('refuses a request without the token', async () => {
    const res = await request(`${ctx.server.origin}/`);
    expect(res.statusCode).toBe(403);
    await res.body.dump();
  });

  it('shows the models, checks a healthy and a failing one, and keeps the results after a reload', async () => {
    const page = await openPage();
    await page.getByTestId('model-healthy').waitFor();
    await expect(page.getByTestId('model-failing').textContent()).resolves.toContain('Model with a wrong key');
    expect(await page.getByTestId('model-healthy').textContent()).toContain('sim/fast');

    await page.getByTestId('check-healthy').click();
    await page.getByTestId('result-healthy').getByText('OK').waitFor();
    await page.getByTestId('check-failing').click();
    await expectRefusedKey(page);
    await page.getByTestId('result-failing').getByText('Technical details').click();
    expect(await page.getByTestId('result-failing').getByTestId('error-code').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'models-checked.png'), fullPage: true });

    // what the simulator received is what a check should send: one request per click
    expect(sim.requests().map((r) => r.key)).toEqual(['sk-good', 'sk-wrong']);

    await page.reload();
    await page.getByTestId('result-healthy').getByText('OK').waitFor();
    await expectRefusedKey(page);
    await page.screenshot({ path: join(SHOTS, 'models-after-reload.png'), fullPage: true });
    expect(sim.requests()).toHaveLength(2);

    await page.getByTestId('lang-select').selectOption('zh-CN');
    await page.getByTestId('theme-select').selectOption('dark');
    await page.getByTestId('result-healthy').getByText('OK').waitFor();
    await page.screenshot({ path: join(SHOTS, 'models-zh-dark.png'), fullPage: true });
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
