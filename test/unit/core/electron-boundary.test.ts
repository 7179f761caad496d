import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Core code runs, and is tested, under plain Node (STYLE §1). Only the thin Electron layer may
 * import `electron`; the lint rule says the same, this test also catches dynamic imports and
 * require() calls.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const ELECTRON_GLUE = new Set(['electron/shell/main.ts', 'electron/shell/preload.ts', 'electron/shell/safe-storage-store.ts']);
const IMPORTS_ELECTRON = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]electron(?:\/[^'"]*)?['"]/;

/** A relative import or re-export, type-only ones included. */
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs|svelte)$/.test(name)) out.push(path);
  }
  return out;
}

/** Source files under the given folders, as repository paths with forward slashes. */
function repoFiles(...dirs: string[]): string[] {
  return dirs.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((path) => relative(ROOT, path).split('\\').join('/'));
}

/** The repository paths a source file imports by a relative path. */
function relativeImports(path: string): string[] {
  const source = readFileSync(join(ROOT, path), 'utf8');
  return [...source.matchAll(RELATIVE_IMPORT)].map((match) =>
    relative(ROOT, resolve(ROOT, dirname(path), match[1]!)).split('\\').join('/'),
  );
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

  it('nothing outside electron/shell imports the Electron shell', () => {
    expect(relativeImports('electron/shell/main.ts')).toContain('electron/shell/window.ts');
    const offenders = repoFiles('electron', 'shared', 'renderer/src')
      .filter((path) => !path.startsWith('electron/shell/'))
      .flatMap((path) => relativeImports(path).filter((target) => target.startsWith('electron/shell/')).map((target) => `${path} -> ${target}`));
    expect(offenders).toEqual([]);
  });
});
