import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';

const chromiumPath = chromiumOrExplain();
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'rubrics');

/** The criterion rows of the editor, and the level cells of one. */
const rows = (page: Page): Locator => page.getByTestId('rubric-criterion');
const levelsOf = (row: Locator): Locator => row.getByTestId('rubric-level');

async function criterionNames(page: Page): Promise<string[]> {
  return rows(page).getByTestId('rubric-criterion-name').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
}

async function openNewBatch(ctx: BrowserApp): Promise<Page> {
  const page = await ctx.openPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.evaluate(() => (window.location.hash = '#/new'));
  await page.getByTestId('rubric-panel').waitFor();
  return page;
}

async function importFile(page: Page, name: string): Promise<void> {
  await page.getByTestId('rubric-import-input').setInputFiles(join(fixtures, name));
}

/** Read once: the CSP forbids inline scripts, so axe is evaluated through the debugger protocol instead. */
const AXE_SOURCE = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's WCAG 2.x A/AA violations on the page, as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}

/** Closes the "saved" toasts, which would otherwise cover the screenshots. */
async function dismissToasts(page: Page): Promise<void> {
  for (const close of await page.locator('[data-sonner-toast] [data-close-button]').all()) await close.click();
  await page.locator('[data-sonner-toast]').first().waitFor({ state: 'detached' });
}

/** Nothing on the page is wider than the window: the table scrolls inside itself. */
async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.runIf(chromiumPath !== null)('the rubric editor in Chromium against browser mode and the real library', () => {
  let ctx: BrowserApp;

  beforeAll(async () => {
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-rubric-', () => ({ configPath: null, demo: false, secrets: createEnvSecretStore({}) }));
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('imports a Markdown rubric, edits it by mouse and keyboard, refuses duplicate points, saves it, and finds it after a reload', async () => {
    const page = await openNewBatch(ctx);
    await page.getByTestId('rubric-none').waitFor();
    await page.getByTestId('rubric-library-empty').waitFor();

    // a broken file says where it is wrong, and opens nothing
    await importFile(page, 'broken-empty-cell.md');
    const importError = page.getByTestId('rubric-import-error-message');
    await importError.waitFor();
    expect(await importError.textContent()).toMatch(/Row 2 \(line 6\) \("Structure"\): level 2 has no description/);
    expect(await page.getByTestId('rubric-editor').count()).toBe(0);
    await page.getByTestId('rubric-panel').screenshot({ path: join(SHOTS, 'rubric-panel-empty-light-en.png') });

    await importFile(page, 'essay.md');
    await page.getByTestId('rubric-editor').waitFor();
    await page.getByTestId('rubric-imported').waitFor();
    expect(await page.getByTestId('rubric-title-input').inputValue()).toBe('Persuasive letter, Year 8');
    expect(await criterionNames(page)).toEqual(['Position', 'Reasons', 'Audience']);
    expect(await page.getByTestId('rubric-total').textContent()).toContain('12');

    // one level's points and description, found by the label a screen reader reads
    await page.getByLabel('“Position”, level 1: points').fill('5');
    await page.getByLabel('“Position”, level 1: description').fill('A clear, specific position, stated in the first paragraph.');
    expect(await page.getByTestId('rubric-total').textContent()).toContain('13');

    // a new criterion, focused and named, its scale taken from the row above
    await page.getByTestId('rubric-criterion-add').click();
    const newName = rows(page).nth(3).getByTestId('rubric-criterion-name');
    expect(await newName.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Spelling');
    const added = levelsOf(rows(page).nth(3));
    expect(await added.getByTestId('rubric-level-points').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['4', '3', '2', '0']);
    const texts = [
      ['Accurate', 'Almost no spelling mistakes.'],
      ['Mostly accurate', 'A few mistakes that do not get in the way.'],
      ['Careless', 'Mistakes in many sentences.'],
      ['Unreadable', 'Mistakes make it hard to read.'],
    ];
    for (const [i, [label, description]] of texts.entries()) {
      await added.nth(i).getByTestId('rubric-level-label').fill(label ?? '');
      await added.nth(i).getByTestId('rubric-level-description').fill(description ?? '');
    }

    // reorder by keyboard: Alt+↑ from inside the row, focus stays in the moved row
    await newName.focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await criterionNames(page)).toEqual(['Position', 'Reasons', 'Spelling', 'Audience']);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('Spelling');
    expect(await page.getByTestId('rubric-announcer').textContent()).toBe('“Spelling” moved to position 3 of 4.');
    // and by its button, named for the criterion
    await page.getByRole('button', { name: 'Move “Audience” up' }).click();
    await page.getByRole('button', { name: 'Move “Audience” down' }).click();
    expect(await criterionNames(page)).toEqual(['Position', 'Reasons', 'Spelling', 'Audience']);

    // a level moves with Alt+→ / Alt+← from inside its cell
    const spellingPoints = (): Promise<string[]> =>
      levelsOf(rows(page).nth(2)).getByTestId('rubric-level-points').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await page.getByLabel('“Spelling”, level 1: label').focus();
    await page.keyboard.press('Alt+ArrowRight');
    expect(await spellingPoints()).toEqual(['3', '4', '2', '0']);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('Accurate');
    await page.keyboard.press('Alt+ArrowLeft');
    expect(await spellingPoints()).toEqual(['4', '3', '2', '0']);

    // remove a level: Reasons loses its 0-point level
    await page.getByRole('button', { name: 'Remove “Reasons”, level 4' }).click();
    expect(await levelsOf(rows(page).nth(1)).count()).toBe(3);

    // duplicate points are shown at once, beside the input, and stop the save
    const reasonsLevel2 = page.getByLabel('“Reasons”, level 2: points');
    await reasonsLevel2.fill('4');
    const duplicate = rows(page).nth(1).getByTestId('rubric-problem-duplicatePoints');
    await duplicate.waitFor();
    expect(await duplicate.textContent()).toContain('also worth 4 points');
    expect(await reasonsLevel2.getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('rubric-save').click();
    await page.getByTestId('rubric-problems').waitFor();
    expect(await page.getByTestId('rubric-problems').textContent()).toContain('“Reasons”, level 2');
    expect(await reasonsLevel2.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'rubric-editor-problem-light-en.png'), fullPage: true });
    await reasonsLevel2.fill('3');
    expect(await page.getByTestId('rubric-problems').count()).toBe(0);

    await page.getByTestId('rubric-save').click();
    await page.getByTestId('rubric-preview').waitFor();
    expect(await page.getByTestId('rubric-editor').count()).toBe(0);
    expect(await page.getByTestId('rubric-choose').locator('option:checked').textContent()).toContain('Persuasive letter, Year 8');

    await page.reload();
    await page.getByTestId('rubric-panel').waitFor();
    const option = page.getByTestId('rubric-choose').locator('option', { hasText: 'Persuasive letter, Year 8' });
    expect(await option.textContent()).toContain('4 criteria · 17 points · not used yet');
    await page.getByTestId('rubric-choose').selectOption({ label: (await option.textContent()) ?? '' });
    const preview = page.getByTestId('rubric-preview');
    await preview.waitFor();
    const previewRows = preview.getByTestId('rubric-preview-row');
    expect(await previewRows.locator('th .name').allTextContents()).toEqual(['Position', 'Reasons', 'Spelling', 'Audience']);
    expect(await previewRows.nth(0).textContent()).toContain('A clear, specific position, stated in the first paragraph.');
    expect(await previewRows.nth(0).getByTestId('rubric-preview-level').first().locator('.level-head').textContent()).toBe('5 Excellent');
    expect(await previewRows.nth(1).getByTestId('rubric-preview-level').count()).toBe(3);
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('asks before discarding edits, saves an edit as a new version, and removes a rubric from the library', async () => {
    const page = await openNewBatch(ctx);
    const choose = page.getByTestId('rubric-choose');
    await choose.waitFor();
    await choose.selectOption({ index: 1 });
    await page.getByTestId('rubric-preview').waitFor();

    await page.getByTestId('rubric-edit').click();
    await page.getByTestId('rubric-title-input').fill('Persuasive letter, Year 8 (v2)');
    await page.getByTestId('rubric-cancel').click();
    const dialog = page.getByTestId('rubric-discard');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('rubric-title-input').inputValue()).toBe('Persuasive letter, Year 8 (v2)');

    await page.getByTestId('rubric-save').click();
    await page.getByTestId('rubric-preview').waitFor();
    expect(await page.getByTestId('rubric-chosen-summary').textContent()).toContain('version 2');
    expect(await choose.locator('option').count()).toBe(2);

    // cancel with nothing changed closes at once; cancel after a change asks, and discards
    await page.getByTestId('rubric-edit').click();
    await page.getByTestId('rubric-cancel').click();
    await page.getByTestId('rubric-preview').waitFor();
    await page.getByTestId('rubric-edit').click();
    await page.getByLabel('“Position”, level 1: label').fill('Outstanding');
    await page.getByTestId('rubric-cancel').click();
    await page.getByTestId('rubric-discard-confirm').click();
    await page.getByTestId('rubric-preview').waitFor();
    expect(await page.getByTestId('rubric-preview').textContent()).not.toContain('Outstanding');

    await page.getByTestId('rubric-remove').click();
    await page.getByTestId('rubric-remove-dialog-confirm').click();
    await page.getByTestId('rubric-none').waitFor();
    await page.getByTestId('rubric-library-empty').waitFor();
    await page.close();
    expect(ctx.problems).toEqual([]);
  });

  it('fits 6 criteria × 5 levels at 1024 px, and passes axe in both themes and languages (screenshots)', async () => {
    const page = await openNewBatch(ctx);
    await importFile(page, 'six-by-five.json');
    await page.getByTestId('rubric-editor').waitFor();
    await page.getByTestId('rubric-save').click();
    await page.getByTestId('rubric-preview').waitFor();
    await dismissToasts(page);

    for (const theme of ['light', 'dark'] as const) {
      for (const lang of ['en', 'zh'] as const) {
        await page.getByTestId('lang-select').selectOption(lang === 'en' ? 'en' : 'zh-CN');
        await page.getByTestId('theme-select').selectOption(theme);
        await page.getByTestId('rubric-preview').waitFor();
        expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
        expect(await axeViolations(page)).toEqual([]);
        await page.getByTestId('rubric-panel').screenshot({ path: join(SHOTS, `rubric-panel-${theme}-${lang}.png`) });

        await page.getByTestId('rubric-edit').click();
        await page.getByTestId('rubric-editor').waitFor();
        expect(await rows(page).count()).toBe(6);
        expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: join(SHOTS, `rubric-editor-${theme}-${lang}.png`) });
        await page.getByTestId('rubric-cancel').click();
        await page.getByTestId('rubric-preview').waitFor();
      }
    }

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('rubric-edit').click();
    await page.getByTestId('rubric-editor').waitFor();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'rubric-editor-dark-zh-wide.png') });
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});

