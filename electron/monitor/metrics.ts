/**
 * Live metrics: per model and overall, the last N minutes (at most K samples) of attempts,
 * kept in memory and fed synchronously by the recorder. The history views read SQLite; these
 * windows answer "how is it going right now" without touching the disk, and they are what the
 * alert engine watches.
 *
 * One sample per HTTP attempt, stamped with the monitor's clock when it is recorded (that is,
 * when the attempt ended). Rules, shared with the SQL analyses:
 * - latency percentiles are over successful attempts (what an answer took); TTFT over every
 *   attempt that reported one;
 * - a cancelled attempt ('aborted') is counted but is neither a success nor a failure;
 * - a cost that is unknown is counted in `unpricedCalls`, never added as 0.
 */
import { BREAKER_STATES, type BreakerStateView, type ModelMetricsView, type OverviewView, type WindowStatsView } from '../../shared/ipc/monitor.ts';
import type { AttemptFacts } from '../store/api-calls.ts';
import type { CostLine } from '../store/monitor-queries.ts';
import { percentiles } from './percentiles.ts';
import { RollingSum, RollingWindow, type Timed } from './rolling-window.ts';

export type WindowStats = WindowStatsView;

/** One attempt in a window: its facts, with the status read once into success or cancellation. */
interface Sample extends Timed, Pick<AttemptFacts, 'errorClass' | 'ttftMs' | 'latencyMs' | 'promptTokens' | 'completionTokens' | 'cachedTokens' | 'costUsd'> {
  ok: boolean;
  cancelled: boolean;
}

const DEFAULT_WINDOW_MS = 15 * 60_000;
/** Per model: a busy model's 15 minutes; beyond this the window is "the last K samples". */
const DEFAULT_MAX_SAMPLES_PER_MODEL = 5_000;
const DEFAULT_MAX_SAMPLES_OVERALL = 20_000;
const HOUR_MS = 60 * 60_000;

export interface LiveMetricsOptions {
  windowMs?: number;
  maxSamplesPerModel?: number;
  maxSamplesOverall?: number;
}

const EMPTY_TOKENS = { prompt: 0, completion: 0, cached: 0 };

/** The figures of one window's samples. */
function summarize(samples: readonly Sample[], windowMs: number): WindowStats {
  let ok = 0;
  let failed = 0;
  let cancelled = 0;
  let cost = 0;
  let unpriced = 0;
  const tokens = { ...EMPTY_TOKENS };
  const errorsByClass: Record<string, number> = {};
  const latencies: number[] = [];
  const ttfts: number[] = [];
  for (const s of samples) {
    if (s.ok) {
      ok += 1;
      if (s.latencyMs !== null) latencies.push(s.latencyMs);
    } else if (s.cancelled) {
      cancelled += 1;
    } else {
      failed += 1;
      const cls = s.errorClass ?? 'unknown';
      errorsByClass[cls] = (errorsByClass[cls] ?? 0) + 1;
    }
    if (s.ttftMs !== null) ttfts.push(s.ttftMs);
    tokens.prompt += s.promptTokens ?? 0;
    tokens.completion += s.completionTokens ?? 0;
    tokens.cached += s.cachedTokens ?? 0;
    if (s.costUsd === null) unpriced += 1;
    else cost += s.costUsd;
  }
  const decided = ok + failed;
  return {
    windowMs,
    calls: samples.length,
    okCalls: ok,
    failedCalls: failed,
    cancelledCalls: cancelled,
    successRate: decided > 0 ? ok / decided : null,
    errorRate: decided > 0 ? failed / decided : null,
    errorsByClass,
    latencyMs: percentiles(latencies),
    ttftMs: percentiles(ttfts),
    tokens,
    costUsd: cost,
    unpricedCalls: unpriced,
  };
}

function toSample(facts: AttemptFacts, at: number): Sample {
  const num = (v: number | null): number | null => (v !== null && Number.isFinite(v) && v >= 0 ? v : null);
  return {
    at,
    ok: facts.status === 'ok',
    cancelled: facts.status !== 'ok' && facts.errorClass === 'aborted',
    errorClass: facts.status === 'ok' ? null : facts.errorClass,
    ttftMs: num(facts.ttftMs),
    latencyMs: num(facts.latencyMs),
    promptTokens: num(facts.promptTokens),
    completionTokens: num(facts.completionTokens),
    cachedTokens: num(facts.cachedTokens),
    costUsd: num(facts.costUsd),
  };
}

/** The live windows. Not thread-safe, not persistent: a view over recent attempts. */
export class LiveMetrics {
  readonly windowMs: number;
  private readonly maxPerModel: number;
  private readonly overall: RollingWindow<Sample>;
  private readonly perModel = new Map<string, RollingWindow<Sample>>();
  private readonly hourCost = new RollingSum(HOUR_MS);

  constructor(options: LiveMetricsOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.maxPerModel = options.maxSamplesPerModel ?? DEFAULT_MAX_SAMPLES_PER_MODEL;
    this.overall = new RollingWindow(this.windowMs, options.maxSamplesOverall ?? DEFAULT_MAX_SAMPLES_OVERALL);
  }

  /** Adds one attempt at time `at` (epoch ms, not earlier than the previous one). O(1) amortized. */
  record(facts: AttemptFacts, at: number): void {
    const sample = toSample(facts, at);
    this.overall.push(sample);
    let w = this.perModel.get(facts.modelId);
    if (!w) {
      w = new RollingWindow(this.windowMs, this.maxPerModel);
      this.perModel.set(facts.modelId, w);
    }
    w.push(sample);
    this.hourCost.add(at, sample.costUsd);
  }

  /** The window of one model, or of everything when `modelId` is null. */
  window(modelId: string | null, now: number): WindowStats {
    const w = modelId === null ? this.overall : this.perModel.get(modelId);
    return summarize(w ? w.values(now) : [], this.windowMs);
  }

  /** Models that have had an attempt since the app started (or in the warmed history). */
  modelIds(): string[] {
    return [...this.perModel.keys()];
  }

  /** Dollars of the attempts recorded in the last 60 minutes (this process only), O(1). */
  costLastHour(now: number): CostLine {
    const t = this.hourCost.total(now);
    return { calls: t.count, costUsd: t.sum, unpricedCalls: t.unknown };
  }
}

export type BreakerLookup = (modelId: string) => string | null | undefined;
export type NameLookup = (modelId: string) => string;

function breakerOf(lookup: BreakerLookup | undefined, modelId: string): ModelMetricsView['breaker'] {
  const state = lookup?.(modelId);
  return (BREAKER_STATES as readonly unknown[]).includes(state) ? (state as BreakerStateView) : null;
}

/** Configured models first (in config order), then any others seen in the windows. */
export function modelOrder(configured: readonly string[], seen: readonly string[]): string[] {
  const out = [...configured];
  for (const id of [...seen].sort()) if (!configured.includes(id)) out.push(id);
  return out;
}

export function buildModelMetrics(
  metrics: LiveMetrics,
  ids: readonly string[],
  now: number,
  name: NameLookup,
  breaker?: BreakerLookup,
): ModelMetricsView[] {
  return ids.map((modelId) => ({
    modelId,
    name: name(modelId),
    breaker: breakerOf(breaker, modelId),
    window: metrics.window(modelId, now),
  }));
}

export interface OverviewInputs {
  now: number;
  ids: readonly string[];
  name: NameLookup;
  breaker?: BreakerLookup | undefined;
  /** From SQLite, so calls made by other processes (the CLI) count too. */
  costLastHour: CostLine;
  costToday: CostLine;
  openAlerts: number;
}

/** The whole system at a glance. */
export function buildOverview(metrics: LiveMetrics, inputs: OverviewInputs): OverviewView {
  return {
    at: new Date(inputs.now).toISOString(),
    window: metrics.window(null, inputs.now),
    costLastHour: inputs.costLastHour,
    costToday: inputs.costToday,
    models: inputs.ids.map((modelId) => {
      const w = metrics.window(modelId, inputs.now);
      return {
        modelId,
        name: inputs.name(modelId),
        breaker: breakerOf(inputs.breaker, modelId),
        calls: w.calls,
        successRate: w.successRate,
        errorRate: w.errorRate,
        latencyP95Ms: w.latencyMs?.p95 ?? null,
      };
    }),
    openAlerts: inputs.openAlerts,
  };
}
