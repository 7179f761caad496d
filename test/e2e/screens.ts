import { join } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { SHOTS } from './browser-app.ts';

type Theme = 'light' | 'dark';
type Language = 'en' | 'zh-CN';

/** What the header's pickers are set to, through the UI as a teacher would. */
async function setLook(page: Page, language: Language, theme: Theme): Promise<void> {
  await page.getByTestId('lang-select').selectOption(language);
  await page.getByTestId('theme-select').selectOption(theme);
  // One frame for the theme's colours and the new language's layout to settle.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it is, one line per violating node. Run
 * through the DevTools protocol (page.evaluate), which the renderer's CSP does not apply to, so
 * the page's own script-src stays as strict as in the app.
 */
export async function accessibilityViolations(page: Page, selector?: string): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axe.source);
  const results = await page.evaluate(async (include) => {
    const runner = (window as unknown as { axe: typeof axe }).axe;
    const result = await runner.run(include ? { include: [include] } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`));
  }, selector ?? null);
  return results;
}

/**
 * The screen in both themes and both languages, each a screenshot under test-results/ named
 * `<name>-<theme>-<en|zh>.png`, each checked with axe; answers every violation found, labelled
 * by look. Leaves the page in English and light.
 */
export async function shootEveryLook(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string[]> {
  const violations: string[] = [];
  for (const language of ['en', 'zh-CN'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await setLook(page, language, theme);
      const short = language === 'en' ? 'en' : 'zh';
      await page.screenshot({ path: join(SHOTS, `${name}-${theme}-${short}.png`), fullPage: options.fullPage ?? true });
      for (const v of await accessibilityViolations(page)) violations.push(`[${theme} ${short}] ${v}`);
    }
  }
  await setLook(page, 'en', 'light');
  return violations;
}
