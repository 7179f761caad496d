/**
 * A rubric's version: sha256 of its canonical JSON. It goes into idempotency keys, so the
 * same rubric loaded from JSON, Markdown or CSV (or with keys in another order) must give
 * the same value, and any change a grader could notice must change it.
 */
import { createHash } from 'node:crypto';
import type { Rubric } from './schema.ts';

/**
 * JSON with object keys sorted at every depth; arrays keep their order (criterion and level
 * order is shown to the model, so it is part of the rubric).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<64 hex>` of the canonical JSON of a parsed (normalized) rubric. */
export function rubricVersion(rubric: Rubric): string {
  return `sha256:${createHash('sha256').update(canonicalJson(rubric)).digest('hex')}`;
}
