import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { buildPdf } from '../unit/documents/builders.ts';
import { SHOTS, startBrowserApp, type BrowserApp } from './browser-app.ts';
import { chromiumOrExplain } from './chromium.ts';

/**
 * The "student work in" panels in real Chromium against browser mode and the real core: files
 * and a folder dropped (a synthetic DataTransfer, the folder through the entries API), files
 * picked, each item read by the documents worker and shown with its status; a student renamed
 * by keyboard, an item removed, a class list imported and matched.
 */

const chromiumPath = chromiumOrExplain();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'intake');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const essay = (name: string, extra = ''): string =>
  b64(Buffer.from(`${name}\n\nHomework should be optional. Students who choose to practise learn more, and rest matters as much as drills.${extra}`));
const docx = readFileSync(join(FIXTURES, 'single-paragraph.docx'));

/** Six files, two of them broken (a damaged Word file, a password-protected PDF). */
const LOOSE: Array<[string, string]> = [
  ['Ana Lopez - essay.txt', essay('Ana Lopez')],
  ['Ben Carter - essay.docx', b64(docx)],
  ['Chen Wei - scan.pdf', b64(readFileSync(join(FIXTURES, 'bitmap-p32-eof.pdf')))],
  ['Dana Smith - essay.pdf', b64(buildPdf([{ lines: ['Dana Smith', 'Homework should be optional for every student in the school.'] }, { lines: ['In conclusion, homework should be a choice, not a rule.'] }]))],
  ['Eli Brown - essay.docx', b64(docx.subarray(0, 4000))],
  ['Fay Green - essay.pdf', b64(readFileSync(join(FIXTURES, 'empty_protected.pdf')))],
];
/** A dropped folder: one folder per student. */
const FOLDER: Array<[string, string]> = [
  ['Period 3/Gus Hall/essay.txt', essay('Gus Hall', ' Sports too.')],
  ['Period 3/Hana Ito/essay.txt', essay('Hana Ito', ' And music.')],
];

const CANVAS = [
  'Student,ID,SIS User ID,SIS Login ID,Section,Essay 1 (1234)',
  '    Points Possible,,,,,16',
  '"Lopez, Ana",48213,SIS100234,alopez,Period 3,',
  '"Carter, Ben",48214,SIS100235,bcarter,Period 3,',
  '"Wei, Chen",48215,SIS100236,cwei,Period 3,',
  '"Smith, Dana",48216,SIS100237,dsmith,Period 3,',
  '"Hall, Gus",48217,SIS100238,ghall,Period 3,',
  '"Young, Zoe",48218,SIS100239,zyoung,Period 3,',
].join('\n');

/** Drops the files and the folder on the drop zone, the way Chromium hands a drop over. */
async function dropFiles(page: Page): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ loose, folder }) => {
      const toFile = (path: string, base64: string): File => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        return new File([bytes], path.split('/').pop() ?? path);
      };
      const data = new DataTransfer();
      for (const [name, base64] of loose) data.items.add(toFile(name, base64));
      // A folder can only come from the file system: its entry is built to the entries API's shape.
      type Node = { name: string; fullPath: string; isFile: boolean; isDirectory: boolean; [k: string]: unknown };
      const directory = (fullPath: string, children: Node[]): Node => {
        let read = false;
        return {
          name: fullPath.split('/').pop() ?? fullPath,
          fullPath,
          isFile: false,
          isDirectory: true,
          createReader: () => ({
            readEntries: (ok: (entries: Node[]) => void) => {
              ok(read ? [] : children);
              read = true;
            },
          }),
        };
      };
      const fileNode = (path: string, base64: string): Node => ({
        name: path.split('/').pop() ?? path,
        fullPath: `/${path}`,
        isFile: true,
        isDirectory: false,
        file: (ok: (file: File) => void) => ok(toFile(path, base64)),
      });
      const students = new Map<string, Node[]>();
      for (const [path, base64] of folder) {
        const student = path.split('/').slice(0, 2).join('/');
        students.set(student, [...(students.get(student) ?? []), fileNode(path, base64)]);
      }
      const root = directory('/Period 3', [...students].map(([path, files]) => directory(`/${path}`, files)));
      const folderItem = { kind: 'file', type: '', getAsFile: () => null, webkitGetAsEntry: () => root };
      Object.defineProperty(data, 'items', { value: [...Array.from(data.items), folderItem] });
      return data;
    },
    { loose: LOOSE, folder: FOLDER },
  );
  await page.dispatchEvent('[data-testid="intake-dropzone"]', 'dragenter', { dataTransfer });
  await page.dispatchEvent('[data-testid="intake-dropzone"]', 'drop', { dataTransfer });
}

/** The row of a file, scrolled into the virtual list's window first. */
async function row(page: Page, file: string): Promise<Locator> {
  const selector = `[data-testid="intake-item"][data-file="${file.replace(/"/g, '\\"')}"]`;
  for (let step = 0; step < 40; step++) {
    if ((await page.locator(selector).count()) > 0) return page.locator(selector);
    await page.getByTestId('intake-list').evaluate((el, i) => el.scrollTo({ top: i * 120 }), step);
    await page.waitForTimeout(50);
  }
  throw new Error(`no row for ${file}`);
}

async function statusOf(page: Page, file: string): Promise<{ status: string | null; codes: string[]; text: string }> {
  const r = await row(page, file);
  const codes = await r.getByTestId('intake-finding').evaluateAll((els) => els.map((el) => el.getAttribute('data-code') ?? ''));
  return { status: await r.getAttribute('data-status'), codes, text: (await r.textContent()) ?? '' };
}

async function waitUntilRead(page: Page, total: number): Promise<void> {
  const summary = page.getByTestId('intake-summary');
  await expect.poll(async () => ((await summary.textContent()) ?? '').trim(), { timeout: 30_000 }).toMatch(/ready/);
  await expect.poll(() => page.evaluate(() => document.querySelectorAll('[data-status="reading"]').length), { timeout: 30_000 }).toBe(0);
  await expect.poll(async () => /being read|Adding/.test((await summary.textContent()) ?? ''), { timeout: 30_000 }).toBe(false);
  const ids = await page.evaluate(() => document.querySelectorAll('[data-testid="intake-item"]').length);
  expect(ids).toBeGreaterThan(0);
  expect(total).toBeGreaterThan(0);
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run({ include: [['[data-testid="intake-files"]'], ['[data-testid="intake-roster"]']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

async function shoot(page: Page, theme: 'light' | 'dark', lang: 'en' | 'zh'): Promise<void> {
  await page.getByTestId('lang-select').selectOption(lang === 'zh' ? 'zh-CN' : 'en');
  await page.getByTestId('theme-select').selectOption(theme);
  await page.getByTestId('intake-list').evaluate((el) => el.scrollTo({ top: 0 }));
  await page.mouse.move(0, 0);
  await page.waitForTimeout(150);
  await page.getByTestId('intake-files').screenshot({ path: join(SHOTS, `intake-files-${theme}-${lang}.png`) });
  await page.getByTestId('intake-roster').screenshot({ path: join(SHOTS, `intake-roster-${theme}-${lang}.png`) });
  expect(await axeViolations(page)).toEqual([]);
}

describe.runIf(chromiumPath !== null)('dropping student work and a class list in Chromium', () => {
  let ctx: BrowserApp;

  beforeAll(async () => {
    ctx = await startBrowserApp(chromiumPath as string, 'gd-e2e-intake-', () => ({ configPath: null, demo: false, secrets: createEnvSecretStore({}) }));
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('reads dropped and picked files, renames by keyboard, removes, and matches a class list', async () => {
    const page = await ctx.openPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${ctx.server.url}#/new`);
    await page.getByTestId('intake-dropzone').waitFor();
    expect((await page.getByTestId('intake-summary').textContent())?.trim()).toBe('Nothing added yet.');
    await page.screenshot({ path: join(SHOTS, 'intake-empty-light-en.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // The drop zone is a button: reachable by Tab, and it opens the picker.
    await page.getByRole('button', { name: /Drop student work here/ }).focus();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');

    await dropFiles(page);
    await waitUntilRead(page, 8);
    const statuses = Object.fromEntries(
      await Promise.all([...LOOSE, ...FOLDER].map(async ([file]) => [file, await statusOf(page, file)] as const)),
    );
    expect(statuses['Ana Lopez - essay.txt']).toMatchObject({ status: 'ready', codes: [] });
    expect(statuses['Ben Carter - essay.docx']).toMatchObject({ status: 'ready', codes: [] });
    expect(statuses['Chen Wei - scan.pdf']).toMatchObject({ status: 'ready', codes: ['NO_TEXT_LAYER'] });
    expect(statuses['Chen Wei - scan.pdf']?.text).toContain('read from the page images if the model can see images');
    expect(statuses['Dana Smith - essay.pdf']).toMatchObject({ status: 'ready', codes: [] });
    expect(statuses['Dana Smith - essay.pdf']?.text).toContain('2 pages');
    expect(statuses['Eli Brown - essay.docx']).toMatchObject({ status: 'problem', codes: ['UNREADABLE_DOCUMENT'] });
    expect(statuses['Fay Green - essay.pdf']).toMatchObject({ status: 'problem', codes: ['ENCRYPTED_DOCUMENT'] });
    expect(statuses['Fay Green - essay.pdf']?.text).toContain('This file is password-protected. Remove the password and add it again, or remove it from the batch.');
    expect(statuses['Period 3/Gus Hall/essay.txt']).toMatchObject({ status: 'ready' });
    expect(statuses['Period 3/Gus Hall/essay.txt']?.text).toContain('Gus Hall');
    expect((await page.getByTestId('intake-summary').textContent())?.trim()).toBe('5 ready · 3 need attention');

    // the file picker: a new file and a second copy of one already there
    await page.getByTestId('intake-file-input').setInputFiles([
      { name: 'Ivy King - essay.txt', mimeType: 'text/plain', buffer: Buffer.from(essay('Ivy King', ' Ivy.'), 'base64') },
      { name: 'Ana Lopez - essay (copy).txt', mimeType: 'text/plain', buffer: Buffer.from(LOOSE[0]?.[1] ?? '', 'base64') },
    ]);
    await expect.poll(async () => (await page.getByTestId('intake-summary').textContent())?.trim(), { timeout: 30_000 }).toBe('6 ready · 4 need attention');
    expect(await statusOf(page, 'Ana Lopez - essay (copy).txt')).toMatchObject({ status: 'ready', codes: ['DUPLICATE_FILE'] });

    // rename by keyboard: Escape cancels, Enter saves, focus returns to the name
    const hana = await row(page, 'Period 3/Hana Ito/essay.txt');
    await hana.getByTestId('intake-student').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Somebody Else');
    await page.keyboard.press('Escape');
    expect((await hana.getByTestId('intake-student').textContent())?.trim()).toBe('Hana Ito');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Hana Itō');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await hana.getByTestId('intake-student').textContent())?.trim()).toBe('Hana Itō');
    expect(await hana.textContent()).toContain('corrected · Found: Hana Ito');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('intake-student');

    // remove the damaged Word file; focus moves on to the next item's remove button
    const eli = await row(page, 'Eli Brown - essay.docx');
    await eli.getByRole('button', { name: 'Remove “Eli Brown - essay.docx”' }).click();
    await expect.poll(() => page.locator('[data-file="Eli Brown - essay.docx"]').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="intake-item"]')?.getAttribute('data-file'))).toBe('Fay Green - essay.pdf');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('intake-remove');
    expect((await page.getByTestId('intake-summary').textContent())?.trim()).toBe('6 ready · 3 need attention');

    // a Canvas gradebook as the class list
    await page.getByTestId('intake-roster-input').setInputFiles({ name: 'Period 3 grades.csv', mimeType: 'text/csv', buffer: Buffer.from(CANVAS) });
    await page.getByTestId('intake-roster-matched').waitFor();
    expect(await page.getByTestId('intake-roster-summary').textContent()).toContain('Canvas gradebook');
    expect(await page.getByTestId('intake-roster-summary').textContent()).toContain('6 students from “Period 3 grades.csv”');
    // ready or warned, not the broken one: 8 pieces of work, 6 of them on the list
    expect((await page.getByTestId('intake-roster-matched').textContent())?.trim()).toBe('6 of 8 pieces of work matched a student on the list.');
    const unmatched = (await page.getByTestId('intake-roster-unmatched').textContent()) ?? '';
    expect(unmatched).toContain('Period 3/Hana Ito/essay.txt: Hana Itō');
    expect(unmatched).toContain('Ivy King - essay.txt: Ivy King');
    expect((await (await row(page, 'Ana Lopez - essay.txt')).getByTestId('intake-student').textContent())?.trim()).toBe('Lopez, Ana');
    expect(await (await row(page, 'Ivy King - essay.txt')).textContent()).toContain('not on the class list');
    expect(await page.getByTestId('intake-roster').textContent()).toContain('Young, Zoe');

    for (const theme of ['light', 'dark'] as const) for (const lang of ['en', 'zh'] as const) await shoot(page, theme, lang);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('theme-select').selectOption('light');
    await page.getByTestId('lang-select').selectOption('en');
    await page.screenshot({ path: join(SHOTS, 'intake-new-batch-light-en-wide.png'), fullPage: true });

    // a reload shows the same list: it lives in the main process
    await page.reload();
    await page.getByTestId('intake-list').waitFor();
    expect((await page.getByTestId('intake-summary').textContent())?.trim()).toBe('6 ready · 3 need attention');
    await page.close();
    expect(ctx.problems).toEqual([]);
  });
});
