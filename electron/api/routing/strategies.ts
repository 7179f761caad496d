import type { ModelEntry } from './model-registry.ts';

export const STRATEGIES = ['round_robin', 'weighted_random', 'least_busy', 'latency', 'cost', 'performance', 'fallback'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type Priority = 'cost' | 'speed' | 'quality' | 'balanced';

/** The original design's `priority` maps onto a strategy. */
export const STRATEGY_OF_PRIORITY: Readonly<Record<Priority, Strategy>> = {
  cost: 'cost',
  speed: 'latency',
  quality: 'performance',
  balanced: 'performance',
};

export function isStrategy(value: unknown): value is Strategy {
  return typeof value === 'string' && (STRATEGIES as readonly string[]).includes(value);
}

/** What the router knows about each model from recent calls. */
export interface ModelStats {
  inFlight: number;
  /** EWMA of total latency and of time to first token, ms; null before the first success. */
  latencyMs: number | null;
  ttftMs: number | null;
  /** EWMA of success (1) and failure (0), starting optimistic at 1. */
  successRate: number;
  /** Agreement with the teacher, 0..1, once reviews exist; null until then. */
  quality: number | null;
}

export const freshStats = (): ModelStats => ({ inFlight: 0, latencyMs: null, ttftMs: null, successRate: 1, quality: null });

const ALPHA = 0.3;
export function recordOutcome(stats: ModelStats, ok: boolean, latencyMs: number | null, ttftMs: number | null): void {
  stats.successRate = stats.successRate * (1 - ALPHA) + (ok ? 1 : 0) * ALPHA;
  if (ok && latencyMs !== null) stats.latencyMs = stats.latencyMs === null ? latencyMs : stats.latencyMs * (1 - ALPHA) + latencyMs * ALPHA;
  if (ok && ttftMs !== null) stats.ttftMs = stats.ttftMs === null ? ttftMs : stats.ttftMs * (1 - ALPHA) + ttftMs * ALPHA;
}

interface RequestEstimate {
  promptTokens: number;
  outputTokens: number;
}

/** Expected cost of this request on this model; unpriced models are Infinity (tried last). */
function expectedCost(model: ModelEntry, est: RequestEstimate): number {
  if (model.prices.input === null || model.prices.output === null) return Number.POSITIVE_INFINITY;
  return est.promptTokens * model.prices.input + est.outputTokens * model.prices.output;
}

export interface OrderContext {
  stats: (modelId: string) => ModelStats;
  estimate: RequestEstimate;
  random: () => number;
  /**
   * For round robin: when each model was last chosen (a counter; -1 for never). Going by the
   * least recently chosen stays fair when requests with different eligible sets interleave.
   */
  lastPicked: (modelId: string) => number;
  /** For `fallback`: the configured order. */
  fallbackOrder?: readonly string[];
  /** Share of picks that try a random model, so a recovered or unmeasured model gets noticed. */
  exploration?: number;
}

const byKey = <T>(items: readonly T[], key: (item: T) => number): T[] =>
  items
    .map((item, index) => ({ item, index, k: key(item) }))
    .sort((a, b) => a.k - b.k || a.index - b.index)
    .map((x) => x.item);

/**
 * Orders the eligible models for one request: the first is tried first, the rest are the
 * fallback order. Filters (task, vision, context, breakers) have already run.
 */
export function orderModels(strategy: Strategy, models: readonly ModelEntry[], ctx: OrderContext): ModelEntry[] {
  if (models.length <= 1) return [...models];
  switch (strategy) {
    case 'round_robin':
      return byKey(models, (m) => ctx.lastPicked(m.id));
    case 'weighted_random': {
      const pool = [...models];
      const out: ModelEntry[] = [];
      while (pool.length > 0) {
        const total = pool.reduce((sum, m) => sum + Math.max(0, m.weight), 0);
        let r = ctx.random() * total;
        let i = pool.findIndex((m) => (r -= Math.max(0, m.weight)) < 0);
        if (i < 0 || total === 0) i = 0;
        out.push(...pool.splice(i, 1));
      }
      return out;
    }
    case 'least_busy':
      return byKey(models, (m) => ctx.stats(m.id).inFlight / Math.max(1, m.maxConcurrency));
    case 'latency': {
      // The expected time to an answer: latency over success rate. A model not yet measured goes
      // first (to be measured) while it has not failed; one that only ever failed counts as the
      // slowest measured, so errors that do not open its breaker cannot keep it first.
      let slowest = 0;
      for (const m of models) slowest = Math.max(slowest, ctx.stats(m.id).latencyMs ?? 0);
      const ordered = byKey(models, (m) => {
        const s = ctx.stats(m.id);
        const latency = s.latencyMs ?? (s.successRate >= 1 ? 0 : slowest || 1000);
        return latency / Math.max(0.05, s.successRate);
      });
      return explore(ordered, ctx);
    }
    case 'cost':
      return byKey(models, (m) => expectedCost(m, ctx.estimate));
    case 'performance': {
      const ordered = byKey(models, (m) => -performanceScore(m, ctx.stats(m.id), ctx.estimate));
      return explore(ordered, ctx);
    }
    case 'fallback': {
      const order = ctx.fallbackOrder ?? [];
      const rank = (m: ModelEntry): number => {
        const i = order.indexOf(m.id);
        return i < 0 ? order.length : i;
      };
      return byKey(models, rank);
    }
  }
}

/**
 * Success rate and quality per cost and per second. Success counts twice (a failed call costs
 * a retry), quality falls back to the success rate until the teacher's reviews give agreement.
 */
function performanceScore(model: ModelEntry, stats: ModelStats, est: RequestEstimate): number {
  const quality = stats.quality ?? stats.successRate;
  const cost = expectedCost(model, est);
  const costFactor = Number.isFinite(cost) ? 1 / Math.sqrt(cost * 1000 + 0.001) : 0.01;
  const latencyFactor = 1 / Math.sqrt((stats.latencyMs ?? 1000) / 1000 + 0.1);
  return stats.successRate ** 2 * quality * costFactor * latencyFactor;
}

function explore(ordered: ModelEntry[], ctx: OrderContext): ModelEntry[] {
  const rate = ctx.exploration ?? 0.05;
  if (ordered.length > 1 && ctx.random() < rate) {
    const i = 1 + Math.floor(ctx.random() * (ordered.length - 1));
    const [picked] = ordered.splice(i, 1);
    if (picked) ordered.unshift(picked);
  }
  return ordered;
}
