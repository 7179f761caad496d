import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickLocale } from '../../../renderer/src/i18n/locale.ts';

const rendererSrc = join(import.meta.dirname, '..', '..', '..', 'renderer', 'src');
const i18nDir = join(rendererSrc, 'i18n');

type Catalogue = { [key: string]: string | Catalogue };

function readJson(path: string): Catalogue {
  return JSON.parse(readFileSync(path, 'utf8')) as Catalogue;
}

/** The app-wide file plus every screen's file under areas/, each under its area's name (as catalogues.ts does). */
function loadCatalogue(locale: 'en' | 'zh-CN'): Catalogue {
  const catalogue = readJson(join(i18nDir, `${locale}.json`));
  const areasDir = join(i18nDir, 'areas');
  for (const name of readdirSync(areasDir)) {
    const match = new RegExp(`^([a-z]+)\\.${locale.replace('-', '\\-')}\\.json$`).exec(name);
    if (match?.[1]) catalogue[match[1]] = readJson(join(areasDir, name));
  }
  return catalogue;
}

/** Every dotted path to a leaf, with its value. */
function flatten(catalogue: Catalogue, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = `${prefix}${key}`;
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of flatten(value, `${path}.`)) out.set(k, v);
    } else out.set(path, value);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(svelte|ts)$/.test(name) ? [path] : [];
  });
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

const en = flatten(loadCatalogue('en'));
const zh = flatten(loadCatalogue('zh-CN'));

describe('message catalogues', () => {
  it('en.json and zh-CN.json have exactly the same keys', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it('has no empty or non-string values', () => {
    for (const [name, catalogue] of [['en', en], ['zh-CN', zh]] as const) {
      for (const [key, value] of catalogue) {
        expect(typeof value, `${name}: ${key}`).toBe('string');
        expect((value as string).trim(), `${name}: ${key}`).not.toBe('');
      }
    }
  });

  it('uses the same {{placeholders}} in both languages', () => {
    for (const [key, value] of en) {
      expect(placeholders(String(zh.get(key))), key).toEqual(placeholders(String(value)));
    }
  });

  it('never uses {{count}}, which would make i18next look for plural keys', () => {
    for (const [key, value] of en) expect(placeholders(String(value)), key).not.toContain('count');
  });

  it('is actually translated: most Chinese strings differ from English', () => {
    const same = [...en].filter(([key, value]) => zh.get(key) === value).map(([key]) => key);
    // Brand name, language endonyms, codes like "OK" and "HTTP {{status}}", product names.
    expect(same.length).toBeLessThan(en.size / 10);
  });
});

describe('keys used in renderer sources', () => {
  const files = sourceFiles(rendererSrc);

  it('finds the sources', () => {
    expect(files.some((f) => f.endsWith('.svelte'))).toBe(true);
  });

  it('every literal t(...) key exists in en.json', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*(['"])([^'"\n]+)\1/g)) {
        seen++;
        const key = match[2] ?? '';
        if (!en.has(key)) missing.push(`${relative(rendererSrc, file)}: ${key}`);
      }
    }
    expect(seen).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('every key prefix of a run-time key (`errors.${code}`) is a section of en.json', () => {
    const prefixes = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/`([a-zA-Z][\w.-]*\.)\$\{/g)) prefixes.add(match[1] ?? '');
    }
    expect(prefixes.size).toBeGreaterThan(0);
    for (const prefix of prefixes) {
      if (prefix.startsWith('gradedesk.')) continue;
      expect([...en.keys()].some((key) => key.startsWith(prefix)), prefix).toBe(true);
    }
  });

  it('explains the error codes a teacher meets most', () => {
    for (const code of ['INVALID_API_KEY', 'RATE_LIMITED', 'CONNECTION_FAILED', 'MISSING_API_KEY', 'PROVIDER_UNAVAILABLE', 'CONFIG_INVALID', 'CONFIG_NOT_FOUND', 'BRIDGE_CLOSED']) {
      expect(en.has(`errors.${code}`), code).toBe(true);
    }
  });

  it('explains every error code declared in shared/errors.ts', () => {
    const errorsTs = readFileSync(join(rendererSrc, '..', '..', 'shared', 'errors.ts'), 'utf8');
    const union = /export type ErrorCode\s*=([^;]+);/.exec(errorsTs)?.[1] ?? '';
    const codes = [...union.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] ?? '');
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((code) => !en.has(`errors.${code}`))).toEqual([]);
  });
});

describe('pickLocale', () => {
  it('prefers a remembered choice we ship', () => {
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
  });

  it('ignores a remembered value we do not ship', () => {
    expect(pickLocale('fr', ['zh-CN'])).toBe('zh-CN');
  });

  it('maps every Chinese browser language to Simplified Chinese', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hans-CN', 'zh_SG', 'zh-TW']) expect(pickLocale(null, [tag]), tag).toBe('zh-CN');
  });

  it('takes the first preferred language it can serve, else English', () => {
    expect(pickLocale(null, ['fr-FR', 'zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLocale(null, ['de', 'fr'])).toBe('en');
    expect(pickLocale(null, [])).toBe('en');
  });
});
