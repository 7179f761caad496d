import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The production CSP is `style-src 'self'; script-src 'self'` with no 'unsafe-inline'. These
 * checks catch, before a browser does, the markup that would be refused at run time.
 */
const renderer = join(import.meta.dirname, '..', '..', '..', 'renderer');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const svelteFiles = files(join(renderer, 'src')).filter((f) => f.endsWith('.svelte'));

/** The markup of a component: without its <script> and <style> blocks and comments. */
function markup(source: string): string {
  return source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

describe('renderer markup is CSP-safe', () => {
  it('has components to check', () => {
    expect(svelteFiles.length).toBeGreaterThan(3);
  });

  it.each(svelteFiles.map((f) => [relative(renderer, f), f]))('%s has no {@html}, inline style or runtime transitions', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    const html = markup(source);
    expect(html).not.toMatch(/\{@html/);
    // A style="…" attribute (static or computed) is an inline style the CSP refuses.
    expect(html).not.toMatch(/\sstyle\s*=/);
    // Transitions and animations inject <style> elements at run time.
    expect(html).not.toMatch(/\s(transition|in|out|animate):/);
    expect(source).not.toMatch(/from\s+['"]svelte\/(transition|animate)['"]/);
    // Inline event handler attributes are inline script.
    expect(html).not.toMatch(/\son[a-z]+\s*=\s*["']/);
  });

  it('index.html has no inline script or style', () => {
    const html = readFileSync(join(renderer, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle\s*=/);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
