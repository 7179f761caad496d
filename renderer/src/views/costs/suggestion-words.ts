/**
 * A monitor suggestion as a catalogue key and its values, from its `kind` and `numbers`, so it
 * reads in the teacher's language. Null when a number the sentence needs is missing (a
 * suggestion of another version): the screen then shows the monitor's English message.
 */
import type { SuggestionView } from '../../../../shared/ipc/monitor.ts';
import type { Message } from './words.ts';

export interface SuggestionFormat {
  name: (modelId: string) => string;
  share: (v: number) => string;
  money: (v: number) => string;
  integer: (v: number) => string;
  ratio: (v: number) => string;
}

export interface SuggestionMessage extends Message {
  /** For 'failing': the commonest reason, worded by the screen, and the advice for it. */
  reasonClass: string | null;
  adviceKey: string | null;
}

/** Reasons that share one piece of advice. */
const ADVICE: Readonly<Record<string, string>> = {
  rate_limit: 'rate_limit',
  auth: 'auth',
  payment: 'payment',
  context_length: 'context_length',
  schema_invalid: 'format',
  malformed: 'format',
  empty: 'format',
  not_found: 'not_found',
  connection: 'connection',
};

export const ADVICE_GROUPS: readonly string[] = [...new Set(Object.values(ADVICE)), 'default'];

export function adviceKey(errorClass: string | null): string {
  const group = errorClass !== null && Object.hasOwn(ADVICE, errorClass) ? ADVICE[errorClass] : 'default';
  return `costs.suggestions.advice.${group ?? 'default'}`;
}

type Vars = Record<string, string | number>;

/** The formatted values the kind's sentence needs, or null when one is missing. */
function varsOf(s: SuggestionView, f: SuggestionFormat): Vars | null {
  const n = s.numbers;
  const has = (...keys: string[]): boolean => keys.every((k) => typeof n[k] === 'number' && Number.isFinite(n[k]));
  const v = (k: string): number => n[k] ?? 0;
  const model = s.modelId === null ? null : f.name(s.modelId);
  if (model === null) return null;
  switch (s.kind) {
    case 'failing':
      return has('share', 'failedCalls', 'calls') ? { model, share: f.share(v('share')), failed: f.integer(v('failedCalls')), calls: f.integer(v('calls')) } : null;
    case 'rate_limited':
      return has('share', 'rateLimitedCalls', 'calls') ? { model, share: f.share(v('share')), limited: f.integer(v('rateLimitedCalls')), calls: f.integer(v('calls')) } : null;
    case 'wasted_retries':
      return has('share', 'wastedCostUsd', 'costUsd') ? { model, share: f.share(v('share')), wasted: f.money(v('wastedCostUsd')), total: f.money(v('costUsd')) } : null;
    case 'expensive':
      if (s.relatedModelId === null || !has('ratio', 'costPerSuccessUsd', 'otherCostPerSuccessUsd', 'successRate', 'otherSuccessRate')) return null;
      return {
        model,
        other: f.name(s.relatedModelId),
        ratio: f.ratio(v('ratio')),
        cost: f.money(v('costPerSuccessUsd')),
        otherCost: f.money(v('otherCostPerSuccessUsd')),
        rate: f.share(v('successRate')),
        otherRate: f.share(v('otherSuccessRate')),
      };
    case 'unpriced':
      return has('unpricedCalls') ? { model, n: f.integer(v('unpricedCalls')) } : null;
  }
}

export function suggestionMessage(s: SuggestionView, f: SuggestionFormat): SuggestionMessage | null {
  const vars = varsOf(s, f);
  if (vars === null) return null;
  if (s.kind !== 'failing') return { key: `costs.suggestions.kind.${s.kind}`, vars, reasonClass: null, adviceKey: null };
  const reasonClass = s.errorClass ?? null;
  return {
    key: reasonClass === null ? 'costs.suggestions.kind.failingPlain' : 'costs.suggestions.kind.failing',
    vars,
    reasonClass,
    adviceKey: adviceKey(reasonClass),
  };
}
