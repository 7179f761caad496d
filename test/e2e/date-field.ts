import type { Page } from 'playwright-core';

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a day counted from today, in this machine's time zone (the browser's too). */
export function localDay(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/**
 * Types a date into a segmented date field (bits-ui DateField) by keyboard, as a teacher does:
 * focus the first part, then the digits of each part in the order the app's language shows
 * them (month/day/year in English, year/month/day in Chinese), read from the field itself.
 */
export async function typeDate(page: Page, testid: string, iso: string): Promise<void> {
  const [year, month, day] = iso.split('-') as [string, string, string];
  const digits: Record<string, string> = { year, month, day };
  const field = page.getByTestId(testid);
  const order = await field.locator('[data-segment]:not([data-segment="literal"])').evaluateAll((els) => els.map((e) => e.getAttribute('data-segment') ?? ''));
  await field.locator('[data-segment]:not([data-segment="literal"])').first().focus();
  for (const part of order) await page.keyboard.type(digits[part] ?? '');
}
