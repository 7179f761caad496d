import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import type { CompareMatrix } from '../../shared/ipc/compare.ts';
import { gradeCompareBatch, modelPoints, setModelPoints, submissionIds, writeCompareConfig, writeFinals } from '../integration/compare/helpers.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';

const chromiumPath = chromiumOrExplain();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG A/AA checks on the page as it is; the rule ids that fail, with where. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern (no inline script is added).
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
}

describe.runIf(chromiumPath !== null)('the compare matrix in Chromium against browser mode and the simulator', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;
  let batchId: string;
  let ids: number[];
  let matrix: CompareMatrix;

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-compare-', (dir) => ({
      configPath: writeCompareConfig(dir, sim.baseUrl),
      demo: false,
      secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }),
    }));
    batchId = await gradeCompareBatch(ctx.app, ctx.dir, 6);
    ids = submissionIds(ctx.app, batchId);
    // The teacher reviews the first three papers and chooses thesis levels 4, 2, 0; "fast" is made
    // to choose the same, "smart" keeps its own: two models that agree with the teacher differently.
    [4, 2, 0].forEach((points, i) => {
      const id = ids[i] as number;
      setModelPoints(ctx.app, id, 'fast', 'thesis', points);
      writeFinals(ctx.app, id, modelPoints(ctx.app, id, 'fast'));
    });
    const m = await ctx.app.handlers.getCompareMatrix({ batchId, offset: 0, limit: 50, disagreementsOnly: false });
    matrix = m;
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

  /**
   * Scrolls the virtualized matrix until the submission's block is rendered and measured (virtua
   * keeps a block hidden until it knows its size), in a bounded number of steps.
   */
  async function scrollToRow(page: Page, submissionId: number): Promise<void> {
    const block = page.getByTestId(`compare-row-${submissionId}`);
    const list = page.getByRole('region', { name: 'Each submission, criterion by criterion, as each model graded it' });
    const shown = async (): Promise<boolean> => (await block.count()) > 0 && (await block.isVisible());
    if (!(await shown())) await list.evaluate((el) => el.scrollTo(0, 0));
    for (let step = 0; step < 60 && !(await shown()); step++) {
      await list.evaluate((el) => el.scrollBy(0, 200));
      await page.waitForTimeout(30);
    }
    expect(await shown()).toBe(true);
  }

  const alias = (modelId: string): string => matrix.models.find((m) => m.modelId === modelId)?.alias ?? '?';

  it('lists the batch, then shows both models with points per cell, details, disagreements and blind mode', async () => {
    const page = await open('#/compare');
    await page.getByTestId(`compare-batch-${batchId}`).click();
    await page.getByTestId('compare-view').waitFor();
    await page.getByTestId(`compare-row-${ids[0]}`).waitFor();

    // Totals per model, blind: letters only.
    const totals = page.getByTestId('compare-totals');
    expect(await totals.textContent()).toContain('Model A');
    expect(await totals.textContent()).toContain('Model B');
    expect(await totals.textContent()).not.toMatch(/\bfast\b|\bsmart\b/);

    // Points and level per cell, as the store has them.
    const unreviewed = ids[4] as number;
    await scrollToRow(page, unreviewed);
    const cells = page.getByTestId(`compare-cells-${unreviewed}-evidence`).locator('td');
    expect(await cells.count()).toBe(2);
    for (const [i, model] of matrix.models.entries()) {
      const points = modelPoints(ctx.app, unreviewed, model.modelId).evidence;
      expect((await cells.nth(i).textContent())?.trim()).toMatch(new RegExp(`^${points}\\s`));
    }

    // Blind mode: names show on the reviewed paper only, until blind mode is off.
    await scrollToRow(page, ids[2] as number);
    expect(await page.getByTestId(`compare-col-${ids[2]}-${alias('fast')}`).textContent()).toBe('fast');
    await scrollToRow(page, unreviewed);
    expect(await page.getByTestId(`compare-col-${unreviewed}-${alias('fast')}`).textContent()).toBe(`Model ${alias('fast')}`);

    // Details: tokens as "total (prompt + completion)", time and cost per cell.
    expect(await page.getByTestId(`compare-details-${unreviewed}`).count()).toBe(0);
    await page.getByTestId('compare-details-switch').check();
    const details = page.getByTestId(`compare-row-${unreviewed}`);
    await page.getByTestId(`compare-details-${unreviewed}`).waitFor();
    const text = (await details.textContent()) ?? '';
    expect(text).toMatch(/\d[\d,]* \([\d,]+ \+ [\d,]+\)/);
    expect(text).toMatch(/\d+\s?ms/);
    expect(text).toMatch(/\$0\.\d+/);
    await page.screenshot({ path: join(SHOTS, 'compare-matrix-light-en.png') });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId('compare-blind-switch').uncheck();
    expect(await page.getByTestId(`compare-col-${unreviewed}-${alias('fast')}`).textContent()).toBe('fast');
    expect(await totals.textContent()).toMatch(/fast[\s\S]*smart|smart[\s\S]*fast/);
    await page.getByTestId('compare-blind-switch').check();

    // Disagreements only: the papers where fast was moved off smart's thesis level.
    const disagreeing = matrix.rows.filter((r) => r.disagreements.length > 0).map((r) => r.submissionId);
    expect(disagreeing.length).toBeGreaterThan(0);
    expect(disagreeing.length).toBeLessThan(6);
    await page.getByTestId('compare-disagreements-switch').check();
    await page.getByTestId('compare-count').getByText(`${disagreeing.length} of 6 submissions`).waitFor();
    // A new filter starts at its first submission.
    await page.getByTestId(`compare-row-${disagreeing[0]}`).waitFor();
    const shown = await page.locator('[data-testid^="compare-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    // Virtualized: the blocks in view are the first disagreeing ones, in order, and no other.
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(disagreeing.slice(0, shown.length).map((id) => `compare-row-${id}`));
    await page.getByTestId('compare-disagreements-switch').uncheck();
    await page.getByTestId('compare-count').getByText('6 submissions').waitFor();
    await page.getByTestId(`compare-row-${ids[0]}`).waitFor();
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('shows two models’ feedback as a word diff with <ins> and <del>', async () => {
    const page = await open(`#/compare/${batchId}`);
    const id = ids[4] as number;
    await page.getByTestId(`compare-row-${ids[0]}`).waitFor();
    await scrollToRow(page, id);
    await page.getByTestId(`compare-diff-open-${id}`).click();
    const diff = page.getByTestId('compare-diff');
    await diff.waitFor();
    const overall = page.getByTestId('compare-diff-overall');
    expect(await overall.locator('ins').count()).toBeGreaterThan(0);
    expect(await overall.locator('del').count()).toBeGreaterThan(0);
    // The text is each model's own words: removed + common words give the first model's feedback.
    const first = await page.getByTestId('compare-diff-first').inputValue();
    const cell = matrix.rows.find((r) => r.submissionId === id)?.cells.find((c) => c.modelId === first);
    const firstText = await overall.evaluate((el) =>
      [...el.childNodes].filter((n) => n.nodeName !== 'INS').map((n) => n.textContent ?? '').join(''),
    );
    expect(firstText.replace(/\s+/g, ' ').trim()).toBe(cell?.overallFeedback.replace(/\s+/g, ' ').trim());
    await diff.screenshot({ path: join(SHOTS, 'compare-diff-light-en.png') });
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('shows each model’s kappa with the papers it rests on, and the screen in both themes and languages', async () => {
    const page = await open(`#/compare/${batchId}`);
    const agreement = page.getByTestId('compare-agreement');
    await agreement.waitFor();
    const fastKappa = page.getByTestId('compare-kappa-fast');
    expect((await fastKappa.textContent())?.trim()).toMatch(/^1\.00/);
    expect((await page.getByTestId('compare-kappa-smart').textContent())?.trim()).toMatch(/^−?\d\.\d\d|not enough/);
    expect(await page.getByTestId('compare-papers-fast').textContent()).toContain('3 papers, 12 criterion grades');
    await page.getByTestId('compare-agreement-details-smart').locator('summary').click();
    expect(await page.getByTestId('compare-agreement-details-smart').getByTestId('compare-confusion').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await agreement.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'compare-agreement-light-en.png') });

    for (const [lang, theme] of [
      ['en', 'dark'],
      ['zh-CN', 'light'],
      ['zh-CN', 'dark'],
    ] as const) {
      await page.getByTestId('lang-select').selectOption(lang);
      await page.getByTestId('theme-select').selectOption(theme);
      await page.evaluate(() => window.scrollTo(0, 0));
      const tag = `${theme}-${lang === 'en' ? 'en' : 'zh'}`;
      await page.screenshot({ path: join(SHOTS, `compare-matrix-${tag}.png`) });
      await agreement.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `compare-agreement-${tag}.png`) });
      expect(await axeViolations(page)).toEqual([]);
    }
    expect(await page.getByTestId('compare-papers-fast').textContent()).toContain('3 份作业');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'compare-matrix-wide-dark-zh.png') });
    await page.getByTestId('lang-select').selectOption('en');
    await page.getByTestId('theme-select').selectOption('light');
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('shows calibration on a sample-first batch: the sample reviewed, each model’s agreement, and the rest waiting', async () => {
    // A batch whose last three submissions wait (as a sample-first batch leaves them): their
    // gradings are taken back and their jobs queued again.
    const sample = await gradeCompareBatch(ctx.app, ctx.dir, 6);
    const mine = submissionIds(ctx.app, sample);
    for (const id of mine.slice(3)) {
      ctx.app.db.prepare('DELETE FROM gradings WHERE submission_id = ?').run(id);
      ctx.app.db.prepare("UPDATE jobs SET status = 'queued', finished_at = NULL WHERE submission_id = ?").run(id);
    }
    for (const id of mine.slice(0, 3)) writeFinals(ctx.app, id, modelPoints(ctx.app, id, 'smart'));
    const page = await open(`#/compare/${sample}`);
    const panel = page.getByTestId('compare-calibration');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('3 submissions are waiting. You have reviewed 3 of the 3 graded sample papers.');
    await page.getByTestId('compare-calibration-smart').waitFor();
    expect(await page.getByTestId('compare-calibration-smart').textContent()).toContain('same level 100%');
    // The rest is graded from here (the runs area's resumeBatch), not only from the batch's progress.
    expect((await page.getByTestId('compare-grade-rest').textContent())?.trim()).toBe('Grade the rest (3 submissions)');
    // Waiting submissions show as not graded yet.
    await scrollToRow(page, mine[3] as number);
    expect(await page.getByTestId(`compare-cells-${mine[3]}-thesis`).textContent()).toContain('Not graded yet');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'compare-calibration-light-en.png') });
    expect(await axeViolations(page)).toEqual([]);
    // "Grade the rest" resumes the batch and opens its progress, where the three waiting ones are graded.
    await page.getByTestId('compare-grade-rest').click();
    await page.waitForURL(new RegExp(`#/run/${sample}$`));
    await page.getByTestId('run-state').filter({ hasText: /done|completed|finished/i }).waitFor({ timeout: 30_000 });
    const graded = ctx.app.db.prepare(`SELECT count(DISTINCT submission_id) AS n FROM gradings WHERE submission_id IN (${mine.join(',')})`).get() as { n: number };
    expect(graded.n).toBe(6);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
