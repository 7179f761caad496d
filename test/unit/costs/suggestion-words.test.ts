import { describe, expect, it } from 'vitest';
import { CODE_OF_CLASS } from '../../../electron/api/retry/error-classes.ts';
import { suggest } from '../../../electron/monitor/suggestions.ts';
import type { ModelCost, ModelHealth, RetryStats } from '../../../electron/store/index.ts';
import { SuggestionKindSchema, type SuggestionView } from '../../../shared/ipc/monitor.ts';
import { ADVICE_GROUPS, adviceKey, suggestionMessage, type SuggestionFormat } from '../../../renderer/src/views/costs/suggestion-words.ts';
import { COSTS_CATALOGUES, expectTranslated, lookup } from './catalogues.ts';

function modelCost(modelId: string, over: Partial<ModelCost>): ModelCost {
  return {
    modelId,
    calls: 20,
    costUsd: 1,
    unpricedCalls: 0,
    unpricedAnswers: 0,
    okCalls: 19,
    failedCalls: 1,
    cancelledCalls: 0,
    successRate: 0.95,
    costPerSuccessUsd: 1 / 19,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    ...over,
  };
}

/** Inputs under which every rule of the monitor speaks once. */
function everyKind(): SuggestionView[] {
  const retry: RetryStats = {
    requests: 100,
    succeeded: 88,
    failed: 0,
    attempts: 100,
    attemptsPerSuccess: 100 / 88,
    successAfterRetryRate: 0,
    succeededAfterRetry: 0,
    wastedCostUsd: 0.5,
    wastedUnpricedAttempts: 0,
    byErrorClass: [],
    byModel: [
      {
        modelId: 'r',
        attempts: 100,
        okAttempts: 88,
        failedAttempts: 12,
        requests: 90,
        attemptsPerSuccess: 100 / 88,
        successAfterRetryRate: 0.1,
        rateLimitedAttempts: 12,
        wastedCostUsd: 0.5,
        wastedUnpricedAttempts: 0,
        costUsd: 1,
      },
    ],
  };
  const lastHour: ModelHealth[] = [
    { modelId: 'w', calls: 10, okCalls: 6, failedCalls: 4, cancelledCalls: 0, errorRate: 0.4, errors: [{ errorClass: 'rate_limit', errorCode: 'RATE_LIMITED', count: 3 }] },
  ];
  const byModel = [
    modelCost('y', { costUsd: 19 * 0.31, costPerSuccessUsd: 0.31 }),
    modelCost('z', { costUsd: 19 * 0.1, costPerSuccessUsd: 0.1 }),
    modelCost('u', { calls: 3, okCalls: 3, failedCalls: 0, unpricedCalls: 3, successRate: 1, costUsd: 0, costPerSuccessUsd: null }),
  ];
  return suggest({ byModel, retry, lastHour });
}

const format: SuggestionFormat = {
  name: (id) => `Model ${id.toUpperCase()}`,
  share: (v) => `${Math.round(v * 100)}%`,
  money: (v) => `$${v.toFixed(2)}`,
  integer: (v) => String(v),
  ratio: (v) => v.toFixed(1),
};

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '');

describe('the monitor’s suggestions in the teacher’s language', () => {
  it('words every kind the monitor produces, in both languages, with every value its sentence names', () => {
    const list = everyKind();
    expect(new Set(list.map((s) => s.kind))).toEqual(new Set(SuggestionKindSchema.options));
    for (const s of list) {
      const m = suggestionMessage(s, format);
      expect(m, `${s.kind} is worded`).not.toBeNull();
      expectTranslated(m?.key ?? '', s.kind);
      const given = new Set([...Object.keys(m?.vars ?? {}), 'advice', 'reason']);
      for (const { locale, costs } of COSTS_CATALOGUES) {
        for (const name of placeholders(lookup(costs, m?.key ?? '') ?? '')) expect(given.has(name), `${locale} ${s.kind}: {{${name}}}`).toBe(true);
      }
    }
  });

  it('names the commonest reason of a failing model and the advice for it', () => {
    const failing = everyKind().find((s) => s.kind === 'failing');
    expect(failing?.errorClass).toBe('rate_limit');
    const m = failing ? suggestionMessage(failing, format) : null;
    expect(m).toMatchObject({ key: 'costs.suggestions.kind.failing', reasonClass: 'rate_limit', adviceKey: 'costs.suggestions.advice.rate_limit' });
    expect(m?.vars).toEqual({ model: 'Model W', share: '40%', failed: '4', calls: '10' });
  });

  it('has advice for every error class, in both languages', () => {
    for (const group of ADVICE_GROUPS) expectTranslated(`costs.suggestions.advice.${group}`, `advice ${group}`);
    for (const cls of Object.keys(CODE_OF_CLASS)) expect(ADVICE_GROUPS.map((g) => `costs.suggestions.advice.${g}`)).toContain(adviceKey(cls));
    expect(adviceKey(null)).toBe('costs.suggestions.advice.default');
    expect(adviceKey('no_such_class')).toBe('costs.suggestions.advice.default');
  });

  it('falls back to the monitor’s English message when a number is missing', () => {
    const s: SuggestionView = { kind: 'rate_limited', modelId: 'r', relatedModelId: null, message: 'English.', numbers: { share: 0.2 } };
    expect(suggestionMessage(s, format)).toBeNull();
    expect(suggestionMessage({ ...s, kind: 'expensive', numbers: { ratio: 3 } }, format)).toBeNull();
    const plain: SuggestionView = { kind: 'failing', modelId: 'w', relatedModelId: null, message: 'm', numbers: { share: 0.5, failedCalls: 5, calls: 10 } };
    expect(suggestionMessage(plain, format)?.key).toBe('costs.suggestions.kind.failingPlain');
  });
});
