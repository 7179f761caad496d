/**
 * A teacher coming back to past work, in one page of real Chromium against browser mode, the
 * real core and database, and the provider simulator: a batch graded with the `gradedesk`
 * command and one graded in the app → both in History, found by a Latin and a Chinese name →
 * an old grading with the teacher's final beside the AI's → what it cost, to the simulator's
 * ledger → a daily budget changed in Settings and shown on the costs screen → Canvas and Moodle
 * filled from the teacher's own files, and a feedback document per student → a backup, a
 * damaged database, the backup restored. Each step continues from the one before.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradingRecords } from '../../electron/grading/records.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { queryOne, sql } from '../../electron/store/index.ts';
import { formatMoney } from '../../renderer/src/lib/grading-report.ts';
import { writeCompareConfig } from '../integration/compare/helpers.ts';
import { gradeWithCli } from '../integration/history/helpers.ts';
import { SHOTS } from './browser-app.ts';
import { chromiumOrExplain, launchChromium } from './chromium.ts';
import { APP_CLASS, damageMiddle, downloaded, dropFiles, go, openApp, startApp, table, type RunningApp } from './history-flow-support.ts';
import { shootEveryLook } from './screens.ts';
import { dismissToasts } from './teacher-flow-support.ts';

const chromiumPath = chromiumOrExplain();
const RUBRIC = join(import.meta.dirname, '..', '..', 'demo', 'rubric.json');
const EXPORTS = join(import.meta.dirname, '..', 'fixtures', 'exports');
const FEEDBACK = '论点清楚，但例子太少。';

describe.runIf(chromiumPath !== null)('a teacher comes back: history, costs, settings, exports and a restored backup', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let configPath: string;
  let running: RunningApp | null = null;
  let browser: BrowserContext;
  let page: Page;
  let cliBatch = '';
  let appBatch = '';
  const problems: string[] = [];
  const violations: string[] = [];
  const db = () => (running as RunningApp).host.current.db;
  const idOf = (student: string): number => (db().prepare('SELECT id FROM submissions WHERE student = ?').get(student) as { id: number }).id;
  const search = async (text: string): Promise<void> => {
    await page.getByTestId('history-search').fill(text);
    await page.getByTestId('history-search-submit').click();
  };
  const shoot = async (name: string): Promise<void> => {
    await dismissToasts(page);
    violations.push(...(await shootEveryLook(page, `flow14-${name}`)));
  };

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    dir = mkdtempSync(join(tmpdir(), 'gd-e2e-flow14-'));
    mkdirSync(SHOTS, { recursive: true });
    configPath = writeCompareConfig(dir, sim.baseUrl);
    running = await startApp(dir, configPath);
    browser = await launchChromium(chromiumPath as string);
    page = await openApp(browser, running, problems);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('1. grades one class with the command and one in the app, on the same database', async () => {
    // The command writes into the database the open app reads.
    cliBatch = await gradeWithCli(dir, configPath, join(dir, 'gradedesk.db'));
    expect(sim.ledger().entries.filter((e) => e.outcome === 'ok')).toHaveLength(3);

    await page.getByTestId('nav-new').click();
    await page.getByTestId('intake-dropzone').waitFor();
    await dropFiles(page, APP_CLASS);
    await expect.poll(async () => (await page.getByTestId('intake-summary').textContent())?.trim(), { timeout: 20_000 }).toBe('3 ready');
    await page.getByTestId('rubric-import-input').setInputFiles(RUBRIC);
    await page.getByTestId('rubric-editor').waitFor();
    await page.getByTestId('rubric-save').click();
    await page.getByTestId('rubric-preview').waitFor();
    await page.getByTestId('runs-mode-routing').check();
    await page.getByTestId('runs-model-fast').check();
    if (await page.getByTestId('runs-model-smart').isChecked()) await page.getByTestId('runs-model-smart').uncheck();
    await page.getByTestId('runs-estimate-total').waitFor();
    await page.getByTestId('runs-start').click();
    await page.waitForURL(/#\/run\/b_[0-9a-f]{16}$/, { timeout: 10_000 });
    appBatch = page.url().split('/').pop() ?? '';
    await page.locator('[data-testid="run-view"][data-state="completed"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(3);
    expect(await page.getByTestId('run-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['graded', 'graded', 'graded']);
    expect(sim.ledger().entries.filter((e) => e.outcome === 'ok')).toHaveLength(6);
    const sources = db().prepare('SELECT source FROM batches WHERE id IN (?, ?) ORDER BY source').all(cliBatch, appBatch) as Array<{ source: string }>;
    expect(sources.map((s) => s.source)).toEqual(['app', 'cli']);
  }, 60_000);

  it('2. lists both batches, finds a Latin and a Chinese name, and opens an old grading as it was reviewed', async () => {
    // The teacher reviews 张伟明's essay first: another level than the AI's on the thesis, and a note.
    const zhang = idOf('张伟明');
    const ai = (JSON.parse((db().prepare('SELECT criteria_json FROM gradings WHERE submission_id = ?').get(zhang) as { criteria_json: string }).criteria_json) as Array<{ id: string; points: number }>).find((c) => c.id === 'thesis')?.points;
    const final = ai === 0 ? 4 : 0;
    await go(page, `#/review/${appBatch}/${zhang}`);
    await page.getByTestId('review-grading').waitFor();
    await page.getByTestId(`review-level-thesis-${final}`).click();
    expect(await page.getByTestId(`review-level-thesis-${final}`).getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('review-feedback').fill(FEEDBACK);
    await page.getByTestId('review-accept').click();
    await expect.poll(() => db().prepare("SELECT points FROM reviews WHERE submission_id = ? AND criterion_id = 'thesis'").get(zhang), { timeout: 10_000 }).toEqual({ points: final });

    await page.getByTestId('nav-history').click();
    await page.getByTestId(`history-batch-${cliBatch}`).waitFor();
    await page.getByTestId(`history-batch-${appBatch}`).waitFor();
    expect(await page.getByTestId(`history-batch-${cliBatch}`).textContent()).toContain('Graded with the command');
    expect(await page.getByTestId(`history-batch-${appBatch}`).textContent()).not.toContain('Graded with the command');
    await shoot('history');

    await search('Okafor');
    await page.getByTestId(`history-open-${idOf('Ben Okafor')}`).waitFor();
    expect(await page.getByTestId('history-work').getByRole('button').allTextContents()).toEqual(['Open grading: Ben Okafor']);
    await search('张伟明');
    await page.getByTestId(`history-open-${zhang}`).waitFor();
    expect(await page.getByTestId('history-work').getByRole('button').allTextContents()).toEqual(['Open grading: 张伟明']);

    await page.getByTestId(`history-open-${zhang}`).click();
    const grading = page.getByTestId('history-grading');
    await grading.getByTestId('history-grading-table').waitFor();
    expect(await grading.getByTestId('history-ai-thesis').textContent()).toContain(`${ai} / 4`);
    expect(await grading.getByTestId('history-final-thesis').textContent()).toContain(`${final} / 4`);
    expect(await grading.getByTestId('history-final-feedback').textContent()).toBe(FEEDBACK);
    const review = await (running as RunningApp).host.handlers.getSubmissionReview({ submissionId: zhang });
    expect(await grading.getByTestId('history-final-total').textContent()).toContain(`${review.review?.finalScore} / 16`);
    await shoot('history-grading');
  }, 60_000);

  it('3. totals what both batches cost, to the simulator’s ledger', async () => {
    await page.getByTestId('nav-costs').click();
    await page.getByTestId('real-total').waitFor();
    const ledger = sim.ledger();
    expect(ledger.entries).toHaveLength(6);
    const stored = queryOne<{ cost: number }>(db(), sql`SELECT total(cost_usd) AS cost FROM api_calls WHERE simulated = 0`);
    expect(Math.round((stored?.cost ?? -1) * 1e6)).toBe(Math.round(ledger.totalUsd * 1e6));
    expect(await page.getByTestId('real-total').textContent()).toBe(formatMoney(ledger.totalUsd, 'en'));
    expect(await page.getByTestId('simulated-total').textContent()).toBe(formatMoney(0, 'en'));
    // Each call says what came next in the teacher's words, not the log's label.
    const calls = page.getByTestId('attempts-list').locator('[role="listitem"]');
    await expect.poll(() => calls.count()).toBeGreaterThan(0);
    for (const text of await calls.allInnerTexts()) {
      expect(text).toContain('Done');
      expect(text).not.toMatch(/\bdone\b|[a-z]+_[a-z]+/);
    }
  });

  it('4. changes the daily budget in Settings and the costs screen shows the new limit', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-budget').click();
    await page.getByTestId('settings-section-budget').waitFor();
    await page.getByTestId('settings-budget-day').fill('7.5');
    await page.getByTestId('settings-save-budget').click();
    await page.getByTestId('settings-state-budget').getByText('These settings are in force.').waitFor();
    await shoot('settings');

    await page.getByTestId('nav-costs').click();
    const budget = page.locator('section[aria-labelledby="budget-title"]');
    await expect.poll(async () => (await budget.textContent()) ?? '', { timeout: 10_000 }).toContain(`of ${formatMoney(7.5, 'en')}`);
    await shoot('costs');
  }, 60_000);

  it('5. exports the app batch from History: Canvas and Moodle filled in, and a feedback document per student', async () => {
    await go(page, `#/history/${appBatch}`);
    const panel = page.getByTestId('history-batch').getByTestId('exports-panel');
    await panel.getByTestId('exports-unreviewed').waitFor();
    expect(await panel.getByTestId('exports-unreviewed').getAttribute('data-count')).toBe('2');
    expect((await panel.getByTestId('exports-unreviewed-names').textContent())?.split(', ').sort()).toEqual(['Chloe Martin', 'Lucas Meyer']);
    await shoot('history-batch');
    await panel.getByTestId('exports-anyway').check();
    const scores = new Map((gradingRecords(db()).report(appBatch)?.submissions ?? []).map((s) => [s.student, String(s.score)]));

    await panel.getByTestId('exports-format-canvas').check();
    await panel.getByTestId('exports-gradebook-file').setInputFiles(join(EXPORTS, 'canvas-gradebook-period5.csv'));
    expect(await panel.getByTestId('exports-assignment').inputValue()).toBe('Argumentative essay, grade 10');
    await panel.getByTestId('exports-grades-run').click();
    await panel.getByTestId('exports-grades-result').waitFor();
    const canvas = table((await downloaded(page, () => panel.getByTestId('exports-grades-files').getByTestId('exports-file').click())).bytes);
    // Browser mode has no file manager to open: downloads only, no "Show in folder".
    expect(await panel.getByTestId('exports-grades-files-reveal').count()).toBe(0);
    const essay = canvas[0]?.indexOf('Argumentative essay, grade 10 (7701)') ?? -1;
    expect(essay).toBeGreaterThan(0);
    const canvasGrade = (name: string): string | undefined => canvas.find((r) => r[0] === name)?.[essay];
    expect([canvasGrade('Martin, Chloe'), canvasGrade('张伟明'), canvasGrade('Meyer, Lucas'), canvasGrade('Novak, Ivy')]).toEqual([scores.get('Chloe Martin'), scores.get('张伟明'), scores.get('Lucas Meyer'), '']);

    await panel.getByTestId('exports-format-moodle').check();
    await panel.getByTestId('exports-gradebook-file').setInputFiles(join(EXPORTS, 'moodle-worksheet-period5.csv'));
    await panel.getByTestId('exports-grades-run').click();
    await panel.getByTestId('exports-grades-result').waitFor();
    const moodle = table((await downloaded(page, () => panel.getByTestId('exports-grades-files').getByTestId('exports-file').click())).bytes);
    const zhang = moodle.find((r) => r[1] === '张伟明');
    expect([zhang?.[4], zhang?.[9]]).toEqual([scores.get('张伟明'), FEEDBACK]);
    expect(moodle.find((r) => r[1] === 'Chloe Martin')?.[4]).toBe(scores.get('Chloe Martin'));

    await panel.getByTestId('exports-packaging-folder').check();
    await panel.getByTestId('exports-documents-run').click();
    await panel.getByTestId('exports-documents-result').waitFor();
    expect(await panel.getByTestId('exports-documents-files').getByTestId('exports-file').count()).toBe(3);
    const doc = await downloaded(page, () => panel.getByTestId('exports-documents-files').getByRole('link', { name: 'Download 张伟明.docx' }).click());
    const xml = strFromU8(unzipSync(new Uint8Array(doc.bytes))['word/document.xml'] as Uint8Array);
    expect(xml).toContain(`${scores.get('张伟明')} / 16`);
    expect(xml).toContain(FEEDBACK);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'flow14-history-batch-wide-light-en.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
  }, 60_000);

  it('6. backs up from Settings, and after the database is damaged restores the backup with both batches', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-data').click();
    await page.getByTestId('backups-panel').waitFor();
    await page.getByTestId('backups-create').click();
    await expect.poll(() => page.getByTestId('backup-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.close();

    await (running as RunningApp).stop();
    running = null;
    damageMiddle(join(dir, 'gradedesk.db'));
    running = await startApp(dir, configPath);
    page = await openApp(browser, running, problems);
    const screen = page.getByTestId('storage-problem');
    await screen.waitFor();
    expect(await screen.getAttribute('data-state')).toBe('damaged');
    await page.getByTestId('storage-restore-latest').click();
    await page.getByTestId('nav-history').waitFor({ timeout: 15_000 });
    await page.getByTestId('nav-history').click();
    await page.getByTestId(`history-batch-${cliBatch}`).waitFor();
    await page.getByTestId(`history-batch-${appBatch}`).waitFor();
    expect(await page.locator('[data-testid^="history-batch-b_"]').count()).toBe(2);
    // The search index came back with the rows: a Chinese name, and Chinese words in the text.
    await search('张伟明');
    await page.getByTestId(`history-open-${idOf('张伟明')}`).waitFor();
    await search('光合作用');
    await page.getByTestId(`history-excerpt-${idOf('王芳')}`).waitFor();
    expect(await page.getByTestId(`history-work-${idOf('张伟明')}`).count()).toBe(0);

    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
