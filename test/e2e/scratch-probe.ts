import { createEnvSecretStore } from '../../electron/secrets/secret-store.ts';
import { startBrowserApp } from './browser-app.ts';
const ctx = await startBrowserApp('/usr/bin/chromium', 'gd-scratch-', () => ({ configPath: null, demo: false, secrets: createEnvSecretStore({}), localProbes: [] }));
const page = await ctx.openPage();
await page.setViewportSize({ width: 1024, height: 768 });
await page.getByTestId('first-run').waitFor();
await page.waitForTimeout(500);
const info = await page.evaluate(() => {
  const out: string[] = [`body ${document.body.scrollHeight} doc ${document.documentElement.scrollHeight}`];
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    const r = (el as HTMLElement).getBoundingClientRect();
    if (r.bottom > 2000) out.push(`${el.tagName}.${(el as HTMLElement).className} ${r.top}-${r.bottom}`);
  }
  return out.slice(0, 20);
});
console.log(info.join('\n'));
await ctx.close();
