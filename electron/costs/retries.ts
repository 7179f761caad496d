/**
 * Retry statistics by error class and model, and the monitor's suggestions, from the rollups.
 * Only the "failing in the last hour" rule reads the audit trail, over that one hour.
 */
import type { CostsRetries } from '../../shared/ipc/costs.ts';
import { suggest, type SuggestionRules } from '../monitor/suggestions.ts';
import { modelHealth, type ModelCost, type RetryStats } from '../store/monitor-queries.ts';
import type { ReadableDB } from '../store/db-types.ts';
import { rollupByDayModel, rollupErrors, type DayRange, type RollupFigures } from './rollup-queries.ts';
import type { NameOf } from './summary.ts';

const HOUR_MS = 60 * 60_000;

type ModelFigures = RollupFigures & { modelId: string };

function perModel(db: ReadableDB, range: DayRange): ModelFigures[] {
  const out = new Map<string, ModelFigures>();
  for (const r of rollupByDayModel(db, range)) {
    const m = out.get(r.modelId);
    if (!m) {
      const { day: _day, simulated: _simulated, ...figures } = r;
      out.set(r.modelId, { ...figures });
      continue;
    }
    for (const k of Object.keys(m) as Array<keyof ModelFigures>) {
      if (k !== 'modelId') m[k] += r[k];
    }
  }
  return [...out.values()].sort((a, b) => b.calls - a.calls || a.modelId.localeCompare(b.modelId));
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function asModelCost(m: ModelFigures): ModelCost {
  return {
    modelId: m.modelId,
    calls: m.calls,
    costUsd: m.costUsd,
    unpricedCalls: m.unpricedCalls,
    unpricedAnswers: m.unpricedAnswers,
    okCalls: m.okCalls,
    failedCalls: m.failedCalls,
    cancelledCalls: m.cancelledCalls,
    successRate: ratio(m.okCalls, m.calls - m.cancelledCalls),
    costPerSuccessUsd: m.unpricedCalls > 0 ? null : ratio(m.costUsd, m.okCalls),
    promptTokens: m.promptTokens,
    completionTokens: m.completionTokens,
    cachedTokens: m.cachedTokens,
  };
}

/** The per-model part of the retry statistics the suggestion rules read. */
function asRetryStats(models: readonly ModelFigures[]): RetryStats {
  const byModel = models.map((m) => ({
    modelId: m.modelId,
    attempts: m.calls,
    okAttempts: m.okCalls,
    failedAttempts: m.calls - m.okCalls,
    requests: m.firstAttempts,
    attemptsPerSuccess: ratio(m.calls, m.okCalls),
    successAfterRetryRate: ratio(m.okAfterRetry, m.okCalls),
    rateLimitedAttempts: m.rateLimited,
    wastedCostUsd: m.wastedCostUsd,
    wastedUnpricedAttempts: m.wastedUnpriced,
    costUsd: m.costUsd,
  }));
  const sum = (f: (m: ModelFigures) => number): number => models.reduce((s, m) => s + f(m), 0);
  return {
    requests: sum((m) => m.firstAttempts),
    succeeded: sum((m) => m.okCalls),
    failed: sum((m) => m.failedCalls),
    attempts: sum((m) => m.calls),
    attemptsPerSuccess: ratio(sum((m) => m.calls), sum((m) => m.okCalls)),
    successAfterRetryRate: ratio(sum((m) => m.okAfterRetry), sum((m) => m.okCalls)),
    succeededAfterRetry: sum((m) => m.okAfterRetry),
    wastedCostUsd: sum((m) => m.wastedCostUsd),
    wastedUnpricedAttempts: sum((m) => m.wastedUnpriced),
    byErrorClass: [],
    byModel,
  };
}

function byClass(db: ReadableDB, range: DayRange): CostsRetries['byClass'] {
  const out = new Map<string, CostsRetries['byClass'][number]>();
  for (const e of rollupErrors(db, range)) {
    if (e.errorClass === 'aborted') continue;
    const c = out.get(e.errorClass) ?? { errorClass: e.errorClass, errorCode: null, attempts: 0, wastedCostUsd: 0, unpricedAttempts: 0, waitedMs: 0 };
    c.errorCode ??= e.errorCode;
    c.attempts += e.attempts;
    c.wastedCostUsd += e.costUsd;
    c.unpricedAttempts += e.unpriced;
    c.waitedMs += e.waitedMs;
    out.set(e.errorClass, c);
  }
  return [...out.values()].sort((a, b) => b.attempts - a.attempts || a.errorClass.localeCompare(b.errorClass)).slice(0, 50);
}

export interface RetryOptions {
  now: number;
  name: NameOf;
  rules?: Partial<SuggestionRules> | undefined;
}

export function costsRetries(db: ReadableDB, range: DayRange, options: RetryOptions): CostsRetries {
  const models = perModel(db, range);
  return {
    byClass: byClass(db, range),
    byModel: models.map((m) => ({
      modelId: m.modelId,
      name: options.name(m.modelId),
      attempts: m.calls,
      okCalls: m.okCalls,
      failedCalls: m.failedCalls,
      retryAttempts: m.retryAttempts,
      okAfterRetry: m.okAfterRetry,
      rateLimited: m.rateLimited,
      waitedMs: m.waitedMs,
      wastedCostUsd: m.wastedCostUsd,
      attemptsPerSuccess: ratio(m.calls, m.okCalls),
    })),
    suggestions: suggest({
      byModel: models.map(asModelCost),
      retry: asRetryStats(models),
      lastHour: modelHealth(db, { from: options.now - HOUR_MS }),
      name: options.name,
      ...(options.rules ? { rules: options.rules } : {}),
    }),
  };
}
