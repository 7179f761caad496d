import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { launchChromium, openWatchedPage, chromiumOrExplain } from './chromium.ts';
import { shootScreen } from './runs-support.ts';

const chromiumPath = chromiumOrExplain();
const root = join(import.meta.dirname, '..', '..');

/**
 * `npm run preview`'s entry as a child process (node with the tsx loader: one process, so the
 * signal reaches the app itself, not a wrapper), on a database and config of the test's own,
 * with the provider simulator in this process so its ledger survives the child.
 */
function startPreview(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'electron', 'browser-mode', 'preview.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`preview did not start: ${err}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /Open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: found[1] });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`preview exited (${code ?? signal}): ${err}`));
    });
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe.runIf(chromiumPath !== null)('a batch killed mid-way is offered for resume and completes, each submission billed once', () => {
  let dir: string;
  let sim: SimulatorHandle;
  let browser: BrowserContext;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-e2e-resume-'));
    // Each answer takes a while, its first byte (where billing starts) comes late, and the model
    // takes one call at a time: the kill falls while the next request waits, before it is billed.
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 1200, ttftMs: 1150 } });
    const endpoint = `${sim.baseUrl}/chat/completions`;
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        models: {
          steady: { name: 'Steady model', endpoint, model: 'sim/fast', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, max_concurrency: 1, input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 },
        },
        budget: { per_batch_usd: 1, per_day_usd: 5 },
      }),
    );
    env = { ...process.env, GRADEDESK_DB: join(dir, 'gd.db'), GRADEDESK_CONFIG: join(dir, 'config.json'), SIM_KEY: 'sk-sim' };
    browser = await launchChromium(chromiumPath as string);
  });
  afterAll(async () => {
    await browser?.close();
    for (const child of children) await killHard(child);
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const graded = (page: Page): Promise<number> => page.locator('[data-testid="run-row"][data-state="graded"]').count();

  it('SIGKILL mid-batch, start again, resume from the offer, and every submission is graded exactly once', async () => {
    const first = await startPreview(env);
    children.push(first.child);
    let page = await openWatchedPage(browser, first.url, problems);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('sample-class-use').click();
    await page.getByTestId('runs-estimate-total').waitFor();
    await page.getByTestId('runs-start').click();
    await page.waitForURL(/#\/run\/b_[0-9a-f]{16}$/);
    const batchId = page.url().split('/').pop() ?? '';

    await expect.poll(() => graded(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('run-eta').textContent()).toMatch(/left|Working out/);
    // The stop asks first, in PrairieLearn's words; keeping on changes nothing.
    await page.getByTestId('run-cancel').click();
    const dialog = page.getByTestId('run-cancel-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('In-progress submissions will finish. The rest will be skipped.');
    await page.screenshot({ path: join(root, 'test-results', 'runs-stop-dialog-light-en.png') });
    await page.getByTestId('run-cancel-dialog-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    await shootScreen(page, 'run-midway');

    await expect.poll(() => graded(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await killHard(first.child);
    await page.close();
    const billedBeforeKill = sim.ledger().entries.length;
    expect(billedBeforeKill).toBeLessThan(4);

    const second = await startPreview(env);
    children.push(second.child);
    page = await openWatchedPage(browser, second.url, problems);
    await page.setViewportSize({ width: 1024, height: 768 });
    const offer = page.locator(`[data-testid="resume-offer"][data-batch="${batchId}"]`);
    await offer.waitFor();
    expect(await offer.textContent()).toMatch(/A batch was interrupted when GradeDesk closed: [2-3] of 5 graded\./);
    await shootScreen(page, 'resume-offer');
    await offer.getByTestId('resume-offer-resume').click();
    await page.waitForURL(new RegExp(`#/run/${batchId}$`));
    await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor({ timeout: 30_000 });
    await shootScreen(page, 'run-resumed');

    // The simulator billed each of the four distinct essays once; the copy was never sent.
    const ledger = sim.ledger();
    expect(ledger.entries).toHaveLength(4);
    expect(ledger.entries.every((e) => e.outcome === 'ok' && e.done)).toBe(true);
    const run = await page.evaluate(async (id) => {
      const api = (window as unknown as { gradedesk: { getRun(input: { batchId: string }): Promise<{ ok: boolean; data?: { counts: Record<string, number> } }> } }).gradedesk;
      return api.getRun({ batchId: id });
    }, batchId);
    expect(run.data?.counts).toMatchObject({ total: 5, graded: 4, duplicate: 1, failed: 0, inDoubt: 0, open: 0 });
    // Offered no more.
    await page.goto(second.url.replace(/#.*$/, '') + '#/new');
    await page.getByTestId('new-batch').waitFor();
    expect(await page.getByTestId('resume-offer').count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
