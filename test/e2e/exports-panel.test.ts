import { readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradingRecords } from '../../electron/grading/records.ts';
import { createReviewHandlers } from '../../electron/review/handlers.ts';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { gradeClass, writeTwoModelConfig } from '../integration/review/graded-batch.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'exports');
const table = (bytes: Buffer): string[][] => parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

describe.runIf(chromiumPath !== null)('export panel in Chromium against browser mode and a graded batch', () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;
  let batchId: string;
  /** Files the desktop app's "Show in folder" was asked to show: the shell's dependency, faked. */
  const revealed: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-exports-', (dir) => ({
      configPath: writeTwoModelConfig(dir, sim.baseUrl),
      demo: false,
      secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }),
      reveal: (file: string) => void revealed.push(file),
    }));
    batchId = await gradeClass(ctx.app, ctx.dir);
    // Ben's grade reviewed and changed (accepted); the rest is the AI's suggestion.
    const review = createReviewHandlers({ db: ctx.app.db, who: () => 'teacher' }).handlers;
    const id = (ctx.app.db.prepare('SELECT id FROM submissions WHERE batch_id = ? AND student = ?').get(batchId, 'Ben Carter') as { id: number }).id;
    const view = await review.getSubmissionReview({ submissionId: id });
    const criteria = (view.consensus?.criteria ?? []).map((c) => ({ criterionId: c.criterionId, points: c.criterionId === 'thesis' ? 2 : c.points, sourceModelId: null }));
    await review.saveReview({ submissionId: id, basedOn: 0, criteria, feedback: 'Ben, narrow your claim and give one example per reason.', adjustment: null, accept: true });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  it('exports Canvas and Moodle from the teacher\'s files and a feedback DOCX per student, and says what is unreviewed first', async () => {
    const page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate((h) => (location.hash = h), `#/run/${batchId}`);
    const panel = page.getByTestId('exports-panel');
    await page.getByTestId('exports-unreviewed').waitFor();
    expect(await page.getByTestId('exports-unreviewed').getAttribute('data-count')).toBe('4');
    expect((await page.getByTestId('exports-unreviewed-names').textContent())?.split(', ').sort()).toEqual(['Ana Lopez', 'Chen Wei', 'Dana Smith', 'Eli Moss']);
    // A batch graded from a folder on this computer lists its files by name, not by their path here.
    const files = await page.locator('[data-testid="run-row"] .file').allTextContents();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(/^[^/\\]+\.(txt|docx|pdf|png|md)$/);
    // nothing goes out before the teacher says "export anyway"
    expect(await page.getByTestId('exports-grades-run').isDisabled()).toBe(true);
    expect(await page.getByTestId('exports-documents-run').isDisabled()).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    expect(await shootEveryLook(page, 'exports-panel')).toEqual([]);
    await page.getByTestId('exports-anyway').check();

    await page.getByTestId('exports-format-canvas').check();
    await page.getByTestId('exports-gradebook-file').setInputFiles(join(FIXTURES, 'canvas-gradebook.csv'));
    expect(await page.getByTestId('exports-assignment').inputValue()).toBe('Argumentative essay, grade 10');
    await page.getByTestId('exports-grades-run').click();
    await page.getByTestId('exports-grades-result').waitFor();
    await expect(page.getByTestId('exports-unmatched').textContent()).resolves.toContain('Eli Moss');
    const canvas = await downloaded(page, () => page.getByTestId('exports-grades-files').getByTestId('exports-file').click());
    expect(canvas.name).toBe('grades-canvas.csv');
    const canvasRows = table(canvas.bytes);
    const essay = canvasRows[0]?.indexOf('Argumentative essay, grade 10 (5501)') ?? -1;
    const report = gradingRecords(ctx.app.db).report(batchId);
    const scoreOf = (student: string): string => String(report?.submissions.find((s) => s.student === student)?.score);
    expect(canvasRows.find((r) => r[0] === 'Carter, Ben')?.[essay]).toBe(scoreOf('Ben Carter'));
    expect(canvasRows.find((r) => r[0] === 'Lopez, Ana')?.[essay]).toBe(scoreOf('Ana Lopez'));
    // "Show in folder": main is asked to show the file it wrote, inside its exports folder.
    await page.getByTestId('exports-grades-files-reveal').click();
    await expect.poll(() => revealed.length).toBe(1);
    expect(relative(realpathSync(join(ctx.dir, 'exports')), revealed[0] ?? '')).toBe(join(batchId, 'grades-canvas.csv'));

    await page.getByTestId('exports-format-moodle').check();
    await page.getByTestId('exports-gradebook-file').setInputFiles(join(FIXTURES, 'moodle-worksheet.csv'));
    await page.getByTestId('exports-grades-run').click();
    await page.getByTestId('exports-grades-result').waitFor();
    const moodle = await downloaded(page, () => page.getByTestId('exports-grades-files').getByTestId('exports-file').click());
    const ben = table(moodle.bytes).find((r) => r[1] === 'Ben Carter');
    expect([ben?.[4], ben?.[9]]).toEqual([scoreOf('Ben Carter'), 'Ben, narrow your claim and give one example per reason.']);
    expect(table(moodle.bytes).find((r) => r[1] === 'Ana Lopez')?.[9]).toBe('');

    await page.getByTestId('exports-packaging-folder').check();
    await page.getByTestId('exports-documents-run').click();
    await page.getByTestId('exports-documents-result').waitFor();
    expect(await page.getByTestId('exports-documents-files').getByTestId('exports-file').count()).toBe(5);
    const doc = await downloaded(page, () => page.getByTestId('exports-documents-files').getByRole('link', { name: 'Download Ben Carter.docx' }).click());
    expect(doc.name).toBe('Ben Carter.docx');
    const xml = strFromU8(unzipSync(new Uint8Array(doc.bytes))['word/document.xml'] as Uint8Array);
    expect(xml).toContain(`${scoreOf('Ben Carter')} / 16`);
    expect(xml).toContain('Ben, narrow your claim and give one example per reason.');

    expect(await shootEveryLook(page, 'exports-done')).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(import.meta.dirname, '..', '..', 'test-results', 'exports-done-wide-light-en.png'), fullPage: true });
    await page.close();
    expect(ctx.problems).toEqual([]);
  }, 120_000);
});
