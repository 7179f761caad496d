import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS } from './browser-app.ts';

const require = createRequire(import.meta.url);

/**
 * Screenshots of one screen in both themes and both languages at 1024×768 (and one wider),
 * as `test-results/runs-<screen>-<light|dark>-<en|zh>.png`. Leaves the page in light English.
 */
export async function shootScreen(page: Page, screen: string, options: { wide?: boolean } = {}): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const theme of ['light', 'dark'] as const) {
    for (const lang of ['en', 'zh'] as const) {
      await page.getByTestId('theme-select').selectOption(theme);
      await page.getByTestId('lang-select').selectOption(lang === 'zh' ? 'zh-CN' : 'en');
      await page.screenshot({ path: join(SHOTS, `runs-${screen}-${theme}-${lang}.png`), fullPage: true });
    }
  }
  await page.getByTestId('theme-select').selectOption('light');
  await page.getByTestId('lang-select').selectOption('en');
  if (options.wide) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(SHOTS, `runs-${screen}-wide.png`), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
  }
}

/** axe-core's violations on the page as it is, in both themes (contrast differs). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const source = (await import('node:fs')).readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the debugging protocol, which the page's CSP does not govern.
  await page.evaluate(source);
  const found: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await page.getByTestId('theme-select').selectOption(theme);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
      return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
    });
    found.push(...violations.map((v) => `${theme} ${v}`));
  }
  await page.getByTestId('theme-select').selectOption('light');
  return found;
}
