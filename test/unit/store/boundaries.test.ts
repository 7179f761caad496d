/**
 * The store runs under plain Node (CLI, tests, browser mode): nothing in it may import
 * `electron`. This fails the moment someone does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const storeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../electron/store');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

describe('electron/store boundaries', () => {
  const files = sourceFiles(storeDir);

  it('has source files', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [path.relative(storeDir, f), f]))('%s does not import electron', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/(from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]electron(\/[^'"]*)?['"]/);
  });
});
