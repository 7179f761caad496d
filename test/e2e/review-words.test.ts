import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';
import { gradeClass, makeInDoubt, writeTwoModelConfig } from '../integration/review/graded-batch.ts';
import { startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';
import { shootEveryLook } from './screens.ts';

const chromiumPath = chromiumOrExplain();

describe.runIf(chromiumPath !== null)("review in Chromium: a criterion's words edited by keyboard, and work in doubt graded by hand", () => {
  let sim: SimulatorHandle;
  let ctx: BrowserApp;
  let batchId: string;
  const idOf = (student: string): number =>
    (ctx.app.db.prepare('SELECT id FROM submissions WHERE batch_id = ? AND student = ?').get(batchId, student) as { id: number }).id;
  const focused = (page: Page): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-review-words-', (dir) => ({
      configPath: writeTwoModelConfig(dir, sim.baseUrl),
      demo: false,
      secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }),
    }));
    batchId = await gradeClass(ctx.app, ctx.dir);
    makeInDoubt(ctx.app.db, idOf('Chen Wei'));
  });

  afterAll(async () => {
    await ctx?.close();
    await sim?.close();
  });

  async function openAt(hash: string): Promise<Page> {
    const page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate((h) => (location.hash = h), hash);
    await page.getByTestId('review-grading').waitFor();
    return page;
  }

  it("edits the words under a criterion with E, cancels with Esc, marks them edited, and accepts them as the final's", async () => {
    const id = idOf('Ana Lopez');
    const page = await openAt(`#/review/${batchId}/${id}`);
    const aiWords = (await page.getByTestId('review-words-text-thesis').textContent()) ?? '';
    expect(aiWords.length).toBeGreaterThan(0);

    // E opens the current criterion's words, starting from the AI's; Esc puts them back and closes.
    await page.getByTestId('review-student').focus();
    await page.keyboard.press('e');
    expect(await focused(page)).toBe('review-words-input-thesis');
    expect(await page.getByTestId('review-words-input-thesis').inputValue()).toBe(aiWords);
    await page.keyboard.type(' 2j? Extra.');
    expect(await page.evaluate(() => location.hash)).toBe(`#/review/${batchId}/${id}`);
    await page.keyboard.press('Escape');
    expect(await focused(page)).toBe('review-words-edit-thesis');
    await expect(page.getByTestId('review-words-text-thesis').textContent()).resolves.toBe(aiWords);
    expect(await page.getByTestId('review-words-edited-thesis').count()).toBe(0);

    // Again, with the teacher's own words, closed with Done by keyboard.
    await page.keyboard.press('e');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Your claim is clear; name the counter-argument.');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('review-words-done-thesis');
    await page.keyboard.press('Enter');
    await page.getByTestId('review-words-edited-thesis').waitFor();
    await expect(page.getByTestId('review-words-text-thesis').textContent()).resolves.toBe('Your claim is clear; name the counter-argument.');
    await expect(page.getByTestId('review-grading').textContent()).resolves.toContain('Changes not saved yet');
    // The key list names the new key.
    await page.keyboard.press('Shift+Slash');
    await expect(page.getByTestId('review-keys-dialog').textContent()).resolves.toContain('Edit the words under the current criterion');
    await page.keyboard.press('Escape');
    await page.getByTestId('review-keys-dialog').waitFor({ state: 'detached' });

    // The edit box open, in every look, for a person to judge.
    await page.getByTestId('review-words-edit-thesis').click();
    expect(await shootEveryLook(page, 'review-words', { fullPage: false })).toEqual([]);
    await page.getByTestId('review-words-done-thesis').click();

    await page.getByTestId('review-student').focus();
    await page.keyboard.press('g');
    await page.waitForFunction((h) => location.hash !== h, `#/review/${batchId}/${id}`);
    // The toast reads in the language chosen after it was raised.
    const toast = page.locator('[data-sonner-toast]').filter({ hasText: 'Grade accepted' });
    await toast.waitFor();
    await page.getByTestId('lang-select').selectOption('zh-CN');
    await page.locator('[data-sonner-toast]').filter({ hasText: '成绩已确认' }).waitFor();
    await page.getByTestId('lang-select').selectOption('en');
    const stored = ctx.app.db.prepare("SELECT feedback FROM reviews WHERE submission_id = ? AND criterion_id = 'thesis'").get(id);
    expect(stored).toEqual({ feedback: 'Your claim is clear; name the counter-argument.' });
    const audit = ctx.app.db.prepare("SELECT criterion_id, to_value FROM review_audit WHERE submission_id = ? AND field = 'criterion_feedback'").all(id);
    expect(audit).toEqual([{ criterion_id: 'thesis', to_value: 'Your claim is clear; name the counter-argument.' }]);

    // Back on it later: the words are the teacher's, still marked edited, and the history says so.
    await page.evaluate((h) => (location.hash = h), `#/review/${batchId}/${id}`);
    await page.getByTestId('review-words-edited-thesis').waitFor();
    await page.getByTestId('review-history').locator('summary').click();
    await expect(page.getByTestId('review-history').textContent()).resolves.toContain('Thesis: your words edited');
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('grades work in doubt by hand with keys: no AI suggestion, levels, words, feedback, accept; the queue then shows it reviewed', async () => {
    const id = idOf('Chen Wei');
    const page = await openAt(`#/review/${batchId}/${id}`);
    await page.getByTestId('review-hand-notice').waitFor();
    await expect(page.getByTestId('review-hand-notice').textContent()).resolves.toContain('no AI suggestion is shown');
    expect(await page.getByTestId('review-hand-resume').getAttribute('href')).toBe(`#/run/${batchId}`);
    await expect(page.getByTestId('review-graded-by').textContent()).resolves.toContain('no one yet');
    await expect(page.getByTestId('review-grading').textContent()).resolves.not.toContain('AI suggested');
    expect(await page.locator('[data-testid="review-grading"] [aria-pressed="true"]').count()).toBe(0);

    // Accepting with a level missing says what to do and saves nothing.
    await page.getByTestId('review-student').focus();
    await page.keyboard.press('g');
    await expect(page.getByTestId('review-grading').textContent()).resolves.toContain('Choose a level for every criterion first.');
    expect(ctx.app.db.prepare('SELECT count(*) AS n FROM submission_reviews WHERE submission_id = ?').get(id)).toEqual({ n: 0 });

    // Levels by key (3 is the third listed), words under Evidence, then the feedback.
    for (const [i, key] of ['1', '3', '2', '1'].entries()) {
      if (i > 0) await page.keyboard.press('ArrowDown');
      await page.keyboard.press(key);
      if (i === 1) {
        await page.keyboard.press('e');
        expect(await page.getByTestId('review-words-input-evidence').inputValue()).toBe('');
        await page.keyboard.type('Quote the source you mention.');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
      }
    }
    await page.keyboard.press('f');
    await page.keyboard.type('Graded by your teacher.');
    await page.getByTestId('review-words-edited-evidence').waitFor();
    // Every level chosen: the earlier "choose a level" goes away by itself.
    await expect(page.getByTestId('review-grading').textContent()).resolves.not.toContain('Choose a level for every criterion first.');
    // From the top of the grading column, where the teacher starts.
    await page.getByTestId('review-student').focus();
    await page.getByTestId('review-grading').evaluate((el) => el.parentElement?.scrollTo(0, 0));
    expect(await shootEveryLook(page, 'review-hand', { fullPage: false })).toEqual([]);

    await page.getByTestId('review-accept').click();
    await page.waitForFunction((h) => location.hash !== h, `#/review/${batchId}/${id}`);
    const final = ctx.app.db.prepare('SELECT status, final_score, feedback FROM submission_reviews WHERE submission_id = ?').get(id) as { status: string; final_score: number; feedback: string };
    expect(final.status).toBe('accepted');
    expect(final.feedback).toBe('Graded by your teacher.');
    const levels = ctx.app.db.prepare('SELECT criterion_id, source_model_id, feedback FROM reviews WHERE submission_id = ? ORDER BY id').all(id);
    expect(levels).toEqual([
      { criterion_id: 'thesis', source_model_id: null, feedback: null },
      { criterion_id: 'evidence', source_model_id: null, feedback: 'Quote the source you mention.' },
      { criterion_id: 'organization', source_model_id: null, feedback: null },
      { criterion_id: 'conventions', source_model_id: null, feedback: null },
    ]);
    expect(ctx.app.db.prepare("SELECT count(*) AS n FROM review_audit WHERE submission_id = ? AND field = 'by_hand'").get(id)).toEqual({ n: 1 });

    await page.evaluate((h) => (location.hash = h), `#/review/${batchId}`);
    const row = page.getByTestId(`review-row-${id}`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('reviewed');
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('shows a disabled main button as "not now", and the busy cursor only on a button whose action runs', async () => {
    const page = await ctx.openPage();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-budget').click();
    // Nothing changed yet: Save is disabled.
    const save = page.getByTestId('settings-save-budget');
    await save.waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(await save.evaluate((el) => getComputedStyle(el).cursor)).toBe('not-allowed');
    // The same look, marked as running: the progress cursor.
    expect(await save.evaluate((el) => (el.setAttribute('aria-busy', 'true'), getComputedStyle(el).cursor))).toBe('progress');
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
