import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildPdf } from '../unit/documents/builders.ts';

/**
 * The class of the teacher-flow test: six files as a teacher's folder holds them (an essay as
 * text, one in Word, one as a PDF, one photographed, and two broken: a damaged Word file and a
 * password-protected PDF), the class list that goes with them, and the steps that drop them.
 */

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const docx = readFileSync(join(FIXTURES, 'intake', 'single-paragraph.docx'));

export const CLASS: ReadonlyArray<readonly [file: string, base64: string]> = [
  ['Ana Lopez - letter.txt', b64(Buffer.from('Ana Lopez\n\nDear Head Teacher,\n\nHomework should be optional. Students who choose to practise learn more, and rest matters as much as drills. Three of my friends sleep badly before tests.\n\nYours sincerely,\nAna'))],
  ['Ben Carter - letter.docx', b64(docx)],
  ['Chen Wei - letter photo.png', b64(readFileSync(join(FIXTURES, 'images', 'essay-ana-lopez-1200x600.png')))],
  [
    'Dana Smith - letter.pdf',
    b64(buildPdf([{ lines: ['Dana Smith', 'Dear Head Teacher, the school day should start at nine.', 'Students who sleep more learn more, and arrive on time.'] }, { lines: ['In conclusion, a later start would help every student in the school.', 'Yours sincerely, Dana'] }])),
  ],
  ['Eli Brown - letter.docx', b64(docx.subarray(0, 4000))],
  ['Fay Green - letter.pdf', b64(readFileSync(join(FIXTURES, 'intake', 'empty_protected.pdf')))],
];

export const CLASS_LIST = ['Name,Email', 'Ana Lopez,ana@example.edu', 'Ben Carter,ben@example.edu', 'Chen Wei,chen@example.edu', 'Dana Smith,dana@example.edu', 'Eli Brown,eli@example.edu', 'Fay Green,fay@example.edu'].join('\n');

/** Drops the files on the drop zone the way Chromium hands a drop over. */
export async function dropClass(page: Page): Promise<void> {
  const dataTransfer = await page.evaluateHandle((files) => {
    const data = new DataTransfer();
    for (const [name, base64] of files) data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    return data;
  }, CLASS);
  await page.dispatchEvent('[data-testid="intake-dropzone"]', 'dragenter', { dataTransfer });
  await page.dispatchEvent('[data-testid="intake-dropzone"]', 'drop', { dataTransfer });
}

/** The row of a file (the list is virtualized: scrolled into its window first, in bounded steps). */
export async function intakeRow(page: Page, file: string): Promise<Locator> {
  const selector = `[data-testid="intake-item"][data-file="${file}"]`;
  for (let step = 0; step < 20; step++) {
    if ((await page.locator(selector).count()) > 0) return page.locator(selector);
    await page.getByTestId('intake-list').evaluate((el, i) => el.scrollTo({ top: i * 120 }), step);
    await page.waitForTimeout(50);
  }
  throw new Error(`no row for ${file}`);
}

/** Every dropped file read: nothing left "being read". */
export async function waitUntilRead(page: Page): Promise<void> {
  const summary = page.getByTestId('intake-summary');
  await expect.poll(async () => ((await summary.textContent()) ?? '').trim(), { timeout: 30_000 }).toMatch(/ready/);
  await expect.poll(() => page.locator('[data-status="reading"]').count(), { timeout: 30_000 }).toBe(0);
  await expect.poll(async () => /being read|Adding/.test((await summary.textContent()) ?? ''), { timeout: 30_000 }).toBe(false);
}

/** One frame after a change of look, so the screenshot shows the settled page. */
export const settle = (page: Page): Promise<unknown> => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

/** Closes the notes in the corner, which would otherwise cover the screenshots. */
export async function dismissToasts(page: Page): Promise<void> {
  for (const close of await page.locator('[data-sonner-toast] [data-close-button]').all()) await close.click().catch(() => undefined);
  await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 5_000 }).toBe(0);
}

type Box = { x: number; y: number; width: number; height: number };
export const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
