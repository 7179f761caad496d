/** The costs screen's two catalogues, read as files, for tests that hold keys to both. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

type Catalogue = { [key: string]: string | Catalogue };

export const COSTS_CATALOGUES = (['en', 'zh-CN'] as const).map((locale) => ({
  locale,
  costs: JSON.parse(readFileSync(join(ROOT, 'renderer', 'src', 'i18n', 'areas', `costs.${locale}.json`), 'utf8')) as Catalogue,
}));

/** The message at a `costs.…` key, or undefined. */
export function lookup(costs: Catalogue, key: string): string | undefined {
  const [area, ...path] = key.split('.');
  if (area !== 'costs') return undefined;
  let node: string | Catalogue | undefined = costs;
  for (const part of path) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** Fails unless both languages have a non-empty message at `key`. */
export function expectTranslated(key: string, what: string): void {
  for (const { locale, costs } of COSTS_CATALOGUES) {
    const text = lookup(costs, key);
    expect(text, `${locale}: ${what} (${key})`).toBeTypeOf('string');
    expect(text?.trim(), `${locale}: ${what} (${key})`).not.toBe('');
  }
}
