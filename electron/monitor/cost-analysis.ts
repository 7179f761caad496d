/**
 * Cost analysis over the audit trail: by model, by local day, by batch and by submission, with
 * unpriced calls counted beside every sum; quality per cost; and the suggestions derived from
 * them. All reads, so it can run on a read-only handle.
 */
import type { CostAnalysisView } from '../../shared/ipc/monitor.ts';
import {
  costByBatch,
  costByDay,
  costByModel,
  costBySubmission,
  modelHealth,
  retryStats,
  sumCostBetween,
  type ModelCost,
  type ReadableDB,
  type TimeRange,
} from '../store/index.ts';
import type { NameLookup } from './metrics.ts';
import { suggest, type SuggestionRules } from './suggestions.ts';

/** Teacher agreement per model, 0..1 (from reviews, once they exist). */
export type QualityMap = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface CostAnalysisOptions {
  range?: TimeRange;
  now: number;
  name?: NameLookup;
  quality?: QualityMap | undefined;
  rules?: Partial<SuggestionRules>;
}

function qualityOf(map: QualityMap | undefined, modelId: string): number | null {
  if (!map) return null;
  const v = map instanceof Map ? map.get(modelId) : Object.hasOwn(map, modelId) ? (map as Record<string, number>)[modelId] : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : null;
}

/**
 * Quality per dollar: quality (agreement with the teacher, or the success rate until reviews
 * exist) divided by the cost of one successful call. Null when either is unknown or the cost
 * is 0 (a free model's ratio would be infinite, which sorts nothing usefully).
 */
export function qualityPerCost(byModel: readonly ModelCost[], quality?: QualityMap): CostAnalysisView['qualityPerCost'] {
  return byModel.map((m) => {
    const agreement = qualityOf(quality, m.modelId);
    const q = agreement ?? m.successRate;
    const cost = m.costPerSuccessUsd;
    return {
      modelId: m.modelId,
      quality: q,
      qualitySource: agreement !== null ? 'agreement' : 'success_rate',
      costPerSuccessUsd: cost,
      qualityPerUsd: q !== null && cost !== null && cost > 0 ? q / cost : null,
    };
  });
}

const HOUR_MS = 60 * 60_000;

export function analyzeCosts(db: ReadableDB, options: CostAnalysisOptions): CostAnalysisView {
  const range = options.range ?? {};
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  const byModel = costByModel(db, range);
  const retry = retryStats(db, range);
  const lastHour = modelHealth(db, { from: options.now - HOUR_MS });
  return {
    from: iso(range.from),
    to: iso(range.to),
    total: sumCostBetween(db, range),
    byModel,
    byDay: costByDay(db, range),
    byBatch: costByBatch(db, range).map((b) => ({
      ...b,
      firstCallAt: new Date(b.firstCallAt).toISOString(),
      lastCallAt: new Date(b.lastCallAt).toISOString(),
    })),
    bySubmission: costBySubmission(db, range),
    qualityPerCost: qualityPerCost(byModel, options.quality),
    suggestions: suggest({
      byModel,
      retry,
      lastHour,
      ...(options.name ? { name: options.name } : {}),
      ...(options.rules ? { rules: options.rules } : {}),
    }),
  };
}
