import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Core code runs, and is tested, under plain Node (STYLE §1). Only the thin Electron layer may
 * import `electron`; the lint rule says the same, this test also catches dynamic imports and
 * require() calls.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const ELECTRON_GLUE = new Set(['electron/shell/main.ts', 'electron/shell/preload.ts', 'electron/shell/safe-storage-store.ts']);
const IMPORTS_ELECTRON = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]electron(?:\/[^'"]*)?['"]/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs|svelte)$/.test(name)) out.push(path);
  }
  return out;
}

describe('electron import boundary', () => {
  it('recognizes every way of importing electron', () => {
    for (const line of [
      "import { app } from 'electron';",
      'import electron from "electron";',
      "const { app } = require('electron');",
      "await import('electron')",
      "import 'electron';",
      "import { x } from 'electron/main';",
    ]) {
      expect(IMPORTS_ELECTRON.test(line), line).toBe(true);
    }
    expect(IMPORTS_ELECTRON.test("import { x } from './electron-ipc.ts';")).toBe(false);
  });

  it('no core, shared or renderer file imports electron', () => {
    const offenders = ['electron', 'shared', 'renderer/src']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .map((path) => relative(ROOT, path).split('\\').join('/'))
      .filter((path) => !ELECTRON_GLUE.has(path))
      .filter((path) => IMPORTS_ELECTRON.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
