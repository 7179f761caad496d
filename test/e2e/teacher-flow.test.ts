import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { shootEveryLook } from './screens.ts';
import { CLASS_LIST, dismissToasts, dropClass, intakeRow, overlaps, settle, waitUntilRead } from './teacher-flow-support.ts';

/**
 * A teacher's whole first session, in one page of real Chromium against browser mode, the real
 * core and database, and a model server "on this computer" that is the provider simulator:
 * first run → the demo → two real models → a class with two broken files and a class list → a
 * rubric imported and edited → compare mode → progress → review by keyboard → reload → compare
 * and agreement → Chinese and dark. Each step continues from the one before.
 */

const chromiumPath = chromiumOrExplain();
const RUBRICS = join(import.meta.dirname, '..', 'fixtures', 'rubrics');

describe.runIf(chromiumPath !== null)('a teacher’s first session, from first run to compare, in Chromium', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;
  let page: Page;
  let batchId = '';
  /** The paper reviewed first, and the models that graded it. */
  let reviewed = 0;
  const gradedBy = (submissionId: number): string[] =>
    (ctx.app.db.prepare('SELECT model_id FROM gradings WHERE submission_id = ? ORDER BY model_id').all(submissionId) as Array<{ model_id: string }>).map((r) => r.model_id);
  const violations: string[] = [];
  const shoot = async (name: string): Promise<void> => {
    violations.push(...(await shootEveryLook(page, `flow-${name}`)));
  };

  beforeAll(async () => {
    // The "server on this computer": no key, two of the simulator's models (one reads images).
    sim = await startSimulator({ keys: null });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-flow-', () => ({
      configPath: null,
      demo: false,
      secrets: createEnvSecretStore({}),
      localProbes: [],
      openRouterBaseUrl: 'http://127.0.0.1:9/api/v1',
    }));
    page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
  });

  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  it('1. welcomes on a first run, tries the demo, then sets up two models from a server on this computer', async () => {
    await page.getByTestId('first-run').waitFor();
    expect(await page.getByTestId('config-error').count()).toBe(0);
    expect(await page.getByText('CONFIG_NOT_FOUND').count()).toBe(0);
    await shoot('first-run');

    await page.getByTestId('choice-demo').click();
    await page.getByTestId('demo-start').click();
    await page.getByTestId('demo-on').waitFor();
    await page.getByTestId('demo-banner').waitFor();
    await page.getByTestId('demo-leave').click();
    await page.getByTestId('first-run').waitFor();
    expect(await page.getByTestId('demo-banner').count()).toBe(0);

    await page.getByTestId('choice-local').click();
    await page.getByTestId('local-url').fill(sim.baseUrl);
    await page.getByTestId('local-look').click();
    const server = page.getByTestId('local-server-custom');
    await server.getByText('Running', { exact: true }).waitFor();
    await server.locator('[data-testid="local-model"][data-id="sim/fast"]').check();
    await server.locator('[data-testid="local-model"][data-id="sim/smart"]').check();
    await server.getByTestId('local-add').click();
    await page.getByTestId('model-fast').waitFor();
    await page.getByTestId('model-smart').waitFor();

    // A local server does not say which models read images: the teacher says so for "smart".
    await page.getByTestId('edit-smart').click();
    const dialog = page.getByTestId('edit-dialog');
    await dialog.getByTestId('edit-name').waitFor();
    await dialog.getByTestId('edit-name').fill('Smart model');
    expect(await dialog.getByTestId('edit-vision').isChecked()).toBe(false);
    await dialog.getByTestId('edit-vision').check();
    await dialog.getByTestId('edit-save').click();
    await page.getByTestId('model-smart').getByRole('heading', { name: 'Smart model' }).waitFor();
    expect(ctx.app.config?.models.smart?.vision).toBe(true);
    expect(ctx.app.config?.models.fast?.vision ?? false).toBe(false);
    expect(ctx.app.config?.models.fast?.simulated ?? false).toBe(false);
  });

  it('2. takes six files (two broken, one photo) and a class list, and says what is wrong in plain words', async () => {
    await page.getByTestId('nav-new').click();
    await page.getByTestId('intake-dropzone').waitFor();
    await dropClass(page);
    await waitUntilRead(page);
    expect((await page.getByTestId('intake-summary').textContent())?.trim()).toBe('4 ready · 2 need attention');
    const eli = await intakeRow(page, 'Eli Brown - letter.docx');
    expect(await eli.getAttribute('data-status')).toBe('problem');
    expect(await eli.textContent()).toContain('This file is damaged or incomplete and could not be opened.');
    const fay = await intakeRow(page, 'Fay Green - letter.pdf');
    expect(await fay.getAttribute('data-status')).toBe('problem');
    expect(await fay.textContent()).toContain('This file is password-protected. Remove the password and add it again, or remove it from the batch.');
    // The codes stay in the closed "technical details": what shows is plain words.
    for (const row of [eli, fay]) expect(await row.evaluate((el) => (el as HTMLElement).innerText)).not.toMatch(/[A-Z]{3,}_[A-Z_]+/);
    expect(await (await intakeRow(page, 'Chen Wei - letter photo.png')).getAttribute('data-status')).toBe('ready');

    await page.getByTestId('intake-roster-input').setInputFiles({ name: 'Period 3.csv', mimeType: 'text/csv', buffer: Buffer.from(CLASS_LIST) });
    await page.getByTestId('intake-roster-matched').waitFor();
    expect((await page.getByTestId('intake-roster-matched').textContent())?.trim()).toBe('Every piece of work is matched to a student on the list.');
    for (const [file, name] of [
      ['Ana Lopez - letter.txt', 'Ana Lopez'],
      ['Ben Carter - letter.docx', 'Ben Carter'],
      ['Chen Wei - letter photo.png', 'Chen Wei'],
      ['Dana Smith - letter.pdf', 'Dana Smith'],
    ] as const) {
      expect((await (await intakeRow(page, file)).getByTestId('intake-student').textContent())?.trim()).toBe(name);
    }
  });

  it('3. imports a rubric, edits one level and saves it', async () => {
    await page.getByTestId('rubric-import-input').setInputFiles(join(RUBRICS, 'essay.md'));
    await page.getByTestId('rubric-editor').waitFor();
    expect(await page.getByTestId('rubric-total').textContent()).toContain('12');
    await page.getByLabel('“Position”, level 1: points').fill('5');
    await page.getByLabel('“Position”, level 1: description').fill('A clear, specific position, stated in the first paragraph.');
    expect(await page.getByTestId('rubric-total').textContent()).toContain('13');
    await page.getByTestId('rubric-save').click();
    await page.getByTestId('rubric-preview').waitFor();
    expect(await page.getByTestId('rubric-preview').textContent()).toContain('A clear, specific position, stated in the first paragraph.');
  });

  it('4. grades in compare mode with both models, the text-only one said so, after an estimate', async () => {
    const models = page.getByTestId('runs-models');
    await page.getByTestId('runs-mode-compare').check();
    for (const id of ['fast', 'smart']) if (!(await page.getByTestId(`runs-model-${id}`).isChecked())) await page.getByTestId(`runs-model-${id}`).check();
    expect(await models.locator('label', { has: page.getByTestId('runs-model-fast') }).textContent()).toContain('Text only');
    expect(await models.locator('label', { has: page.getByTestId('runs-model-smart') }).textContent()).toContain('Reads images');
    await page.getByTestId('runs-estimate-total').waitFor();
    const estimate = (await page.getByTestId('runs-estimate').textContent()) ?? '';
    expect(estimate).toContain('Smart model');
    expect(estimate).toContain('sim/fast');
    // The text-only model is never sent the photo: nothing for images in its row.
    const fastRow = page.getByTestId('runs-estimate').locator('tbody tr', { hasText: 'sim/fast' });
    expect((await fastRow.locator('td').nth(1).textContent())?.trim()).toBe('—');
    expect(await page.getByTestId('runs-names').textContent()).not.toContain('No class list');
    // Four ready papers: too few for a sample first.
    expect(await page.getByTestId('runs-sample').count()).toBe(0);
    await page.mouse.move(0, 0);
    await dismissToasts(page);
    await shoot('new-batch');

    await page.getByTestId('runs-start').click();
    await page.waitForURL(/#\/run\/b_[0-9a-f]{16}$/, { timeout: 10_000 });
    batchId = page.url().split('/').pop() ?? '';
  });

  it('5. shows the progress to done, a row per submission', async () => {
    await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor({ timeout: 45_000 });
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(4);
    const states = await page.getByTestId('run-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states).toEqual(['graded', 'graded', 'graded', 'graded']);
    expect(await page.getByTestId('run-progress').getAttribute('value')).toBe('4');
    expect(await page.getByTestId('run-counts').textContent()).toContain('4');
    await shoot('progress-done');

    // Nothing billed twice: one call per paper and model that can read it (the photo not to "fast").
    const gradings = ctx.app.db
      .prepare('SELECT g.model_id AS model, COUNT(*) AS n FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE s.batch_id = ? GROUP BY g.model_id ORDER BY g.model_id')
      .all(batchId) as Array<{ model: string; n: number }>;
    const ledger = sim.ledger().entries.filter((e) => e.outcome === 'ok');
    const billed = (model: string): number => ledger.filter((e) => e.model === model).length;
    expect(billed('sim/smart')).toBe(4);
    expect(billed('sim/fast')).toBe(3);
    expect(gradings).toEqual([
      { model: 'fast', n: 3 },
      { model: 'smart', n: 4 },
    ]);
    expect(sim.ledger().entries).toHaveLength(7);
  });

  it('6. reviews the first paper of the queue by keyboard and lands on the next unreviewed', async () => {
    await page.getByTestId('run-review').click();
    await page.getByTestId('review-queue').waitFor();
    const rows = page.locator('[data-testid^="review-row-"]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(4);
    const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')?.replace('review-row-', '') ?? ''));
    reviewed = Number(order[0]);
    // Flagged work first (the models differ, a model failed…), then the rest; a name covered in a
    // photo is shown as a chip that informs, not one that puts the work first.
    const flagged = await rows.evaluateAll((els) => els.map((e) => e.querySelector('[data-flag].urgent') !== null));
    expect(flagged).toEqual([...flagged].sort((a, b) => Number(b) - Number(a)));
    expect(gradedBy(reviewed).length).toBeGreaterThan(0);
    await rows.first().click();
    await page.getByTestId('review-grading').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe(`#/review/${batchId}/${order[0]}`);

    await page.getByTestId('review-student').focus();
    await page.keyboard.press('ArrowDown');
    const active = page.locator('[data-testid^="review-criterion-"][data-active="true"]');
    const criterion = ((await active.getAttribute('data-testid')) ?? '').replace('review-criterion-', '');
    expect(criterion).toBe('reasons');
    const levels = active.locator(`[data-testid^="review-level-${criterion}-"]`);
    const pressed = await levels.evaluateAll((els) => els.findIndex((e) => e.getAttribute('aria-pressed') === 'true'));
    const digit = pressed === 0 ? 2 : 1;
    await page.keyboard.press(String(digit));
    expect(await levels.nth(digit - 1).getAttribute('aria-pressed')).toBe('true');
    const chosenPoints = Number(((await levels.nth(digit - 1).getAttribute('data-testid')) ?? '').split('-').pop());
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => location.hash === h, `#/review/${batchId}/${order[1]}`, { timeout: 10_000 });

    // The "accepted" note does not cover the next paper's Accept button.
    const note = page.locator('[data-sonner-toast]', { hasText: 'Grade accepted' });
    await note.waitFor();
    const [noteBox, acceptBox] = [await note.boundingBox(), await page.getByTestId('review-accept').boundingBox()];
    expect(noteBox && acceptBox && overlaps(noteBox, acceptBox)).toBe(false);
    await dismissToasts(page);

    const stored = ctx.app.db.prepare('SELECT points FROM reviews WHERE submission_id = ? AND criterion_id = ?').get(Number(order[0]), criterion);
    expect(stored).toEqual({ points: chosenPoints });
    await shoot('review');

    // 7. a reload keeps the batch, the teacher's grade and the queue
    await page.reload();
    await page.getByTestId('review-grading').waitFor();
    await page.evaluate((h) => (location.hash = h), `#/review/${batchId}`);
    const first = page.getByTestId(`review-row-${order[0]}`);
    await first.waitFor();
    expect(await first.getAttribute('data-status')).toBe('reviewed');
    expect(await page.locator('[data-testid^="review-row-"]').count()).toBe(4);
    await first.click();
    await page.getByTestId('review-grading').waitFor();
    expect(await page.getByTestId(`review-level-${criterion}-${chosenPoints}`).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('review-graded-by').textContent()).toContain('teacher');
  });

  it('8. compares both models, with each model’s agreement on the reviewed paper', async () => {
    await page.getByTestId('nav-compare').click();
    await page.getByTestId(`compare-batch-${batchId}`).click();
    await page.getByTestId('compare-view').waitFor();
    const totals = page.getByTestId('compare-totals');
    await totals.waitFor();
    expect(await totals.textContent()).toContain('Model A');
    expect(await totals.textContent()).toContain('Model B');
    await page.getByTestId('compare-agreement').waitFor();
    for (const model of gradedBy(reviewed)) expect((await page.getByTestId(`compare-papers-${model}`).textContent())?.trim()).toBe('1 paper, 3 criterion grades');
    await shoot('compare');
  });

  it('9. in 简体中文 and dark, the compare and review screens still read right', async () => {
    await page.getByTestId('lang-select').selectOption('zh-CN');
    await page.getByTestId('theme-select').selectOption('dark');
    await settle(page);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect((await page.getByTestId('compare-papers-smart').textContent())?.trim()).toBe('1 份作业，3 个评分项');
    await page.evaluate((h) => (location.hash = h), `#/review/${batchId}`);
    await page.getByTestId('review-queue').waitFor();
    expect(await page.getByTestId('review-queue').textContent()).toMatch(/\p{Script=Han}{2}/u);
    expect(violations).toEqual([]);
    expect(ctx.problems).toEqual([]);
  });
});
