/**
 * The costs screen's words for what the core records, in the current language: a reason for
 * an error class, what happened next for a decision, a model or a key for a pacer scope. A
 * value no catalogue knows is shown as it came rather than hidden.
 */
import { i18n, tOptional } from '../../i18n/index.svelte.ts';
import { formatLatency } from '../../lib/format.ts';
import { classKey, decisionMessage, scopeMessage } from './words.ts';

export function classText(errorClass: string): string {
  return tOptional(classKey(errorClass)) ?? errorClass;
}

export function decisionText(decision: string): string {
  const m = decisionMessage(decision);
  if (m === null) return decision;
  const waitMs = m.vars['waitMs'];
  const vars: Record<string, string> = typeof waitMs === 'number' ? { wait: formatLatency(waitMs, i18n.locale) } : {};
  return tOptional(m.key, vars) ?? decision;
}

export function scopeText(scope: string, nameOf: (modelId: string) => string, ownerAt?: (origin: string) => { owner: string; more: number } | null): string {
  const m = scopeMessage(scope, nameOf, ownerAt);
  return (m && tOptional(m.key, m.vars)) ?? scope;
}
