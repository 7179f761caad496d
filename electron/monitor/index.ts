/**
 * The monitor: records every attempt (audit trail + live windows), watches thresholds, guards
 * budgets, persists circuit breakers, and answers the dashboards' questions.
 *
 * Composition (see createMonitor): the call manager gets `recorder` as its AttemptSink,
 * `budget` as its BudgetGuard and `breakers` as its BreakerPersistence; the recorder feeds the
 * live windows synchronously and pokes the alert engine, which evaluates at most once a
 * second (and on a slow idle tick, so alerts also clear when traffic stops).
 * The monitor does not own the database handle: close() flushes, the app closes the db.
 */
import type { Config } from '../../shared/config.ts';
import type { AlertView, AttemptView, CostAnalysisView, ModelMetricsView, OverviewView } from '../../shared/ipc/monitor.ts';
import {
  listApiCalls,
  openAlerts,
  recentAttempts,
  retryStats,
  sumCostBetween,
  type ApiCallRow,
  type ListAlertsOptions,
  type ListApiCallsOptions,
  type RetryStats,
  type TimeRange,
  type WritableDB,
} from '../store/index.ts';
import { AlertEngine, type AlertEngineOptions } from './alerts.ts';
import { AttemptRecorder, type AuditRecorder } from './attempt-recorder.ts';
import { ThreadedAttemptRecorder } from './threaded-recorder.ts';
import { BreakerStore } from './breaker-store.ts';
import { SpendGuard } from './budget.ts';
import { analyzeCosts, type QualityMap } from './cost-analysis.ts';
import { buildModelMetrics, buildOverview, LiveMetrics, modelOrder, type BreakerLookup, type LiveMetricsOptions } from './metrics.ts';
import { startOfLocalDay } from './range.ts';
import type { SuggestionRules } from './suggestions.ts';

export { AlertEngine, toAlertView, type AlertThresholds } from './alerts.ts';
export { AttemptRecorder, type AuditRecorder } from './attempt-recorder.ts';
export { ThreadedAttemptRecorder } from './threaded-recorder.ts';
export { BreakerStore } from './breaker-store.ts';
export { SpendGuard, SpendReservation, type BudgetCaps, type BudgetStatus } from './budget.ts';
export { analyzeCosts, qualityPerCost, type QualityMap } from './cost-analysis.ts';
export { createMonitorHandlers, type MonitorHandlers, type MonitorRouteName } from './handlers.ts';
export { LiveMetrics, type BreakerLookup, type WindowStats } from './metrics.ts';
export { percentiles, type Percentiles } from './percentiles.ts';
export { toTimeRange } from './range.ts';
export { suggest, type Suggestion } from './suggestions.ts';

export type MonitorErrorSource = 'recorder' | 'alerts' | 'budget' | 'breakers';

export interface CreateMonitorOptions {
  db: WritableDB;
  /**
   * A second connection to the same file for the audit trail, opened with synchronous=NORMAL:
   * its commits then wait for no fsync on the call path (DESIGN asks FULL only for jobs and the
   * spend ledger). An OS crash may lose the last audit rows; the spend ledger keeps the money.
   * Defaults to `db`.
   */
  auditDb?: WritableDB;
  /**
   * Write the audit trail on its own thread, with its own connection to this file, instead of
   * on `auditDb`: the call path then never waits for SQLite (threaded-recorder.ts).
   */
  auditThread?: { dbPath: string };
  /** The loaded config (models for names, `monitoring` thresholds, `budget` caps); null = none. */
  config: Pick<Config, 'models' | 'monitoring' | 'budget'> | null;
  /** Wall clock, epoch ms; injectable for tests. */
  now?: () => number;
  /** A new alert (send it to the renderer as the `alertRaised` event). */
  onAlert?: (alert: AlertView) => void;
  /** The call manager's breaker state per model; can also be set later with setBreakerLookup. */
  breakerState?: BreakerLookup;
  /** Errors the monitor swallowed to protect the call path (for the log). */
  onError?: (error: unknown, source: MonitorErrorSource) => void;
  /** Teacher agreement per model for quality per cost, once reviews exist. */
  quality?: () => QualityMap | undefined;
  /** Tuning, mostly for tests. */
  windows?: LiveMetricsOptions;
  flushMs?: number;
  alertSettings?: Partial<Pick<AlertEngineOptions, 'minCalls' | 'minLatencySamples' | 'clearRatio' | 'cooldownMs' | 'evaluateEveryMs'>>;
  /** Re-evaluate alerts this often while idle, ms; 0 = never (default 30 s). */
  idleTickMs?: number;
  suggestionRules?: Partial<SuggestionRules>;
}

export interface Monitor {
  /** The call manager's AttemptSink. */
  readonly recorder: AuditRecorder;
  /** The call manager's BudgetGuard. */
  readonly budget: SpendGuard;
  /** The call manager's BreakerPersistence. */
  readonly breakers: BreakerStore;
  readonly metrics: LiveMetrics;
  readonly alerts: AlertEngine;
  setBreakerLookup(lookup: BreakerLookup | undefined): void;
  overview(): OverviewView;
  modelMetrics(modelId?: string): ModelMetricsView[];
  costAnalysis(range?: TimeRange, quality?: QualityMap): CostAnalysisView;
  retryStats(range?: TimeRange): RetryStats;
  listAlerts(options: ListAlertsOptions): AlertView[];
  listAttempts(options: ListApiCallsOptions): AttemptView[];
  /** Writes buffered attempts and breaker changes now. */
  flush(): void;
  /** Flushes and stops the timers; idempotent. Does not close the database. */
  close(): void;
}

const HOUR_MS = 60 * 60_000;
/** Rows read at startup to warm the windows (the last hour, at most this many). */
const WARM_ROWS = 20_000;

export function toAttemptView(row: ApiCallRow): AttemptView {
  return { ...row, startedAt: new Date(row.startedAt).toISOString() };
}

export function createMonitor(options: CreateMonitorOptions): Monitor {
  const { db, config } = options;
  const now = options.now ?? Date.now;
  const report = (source: MonitorErrorSource) => (error: unknown) => {
    try {
      options.onError?.(error, source);
    } catch {
      // the logger failed; nothing more to do
    }
  };
  const models = config?.models ?? {};
  const name = (id: string): string => (Object.hasOwn(models, id) ? (models[id]?.name ?? id) : id);
  let breakerLookup = options.breakerState;

  const metrics = new LiveMetrics(options.windows);
  try {
    for (const row of recentAttempts(db, now() - Math.max(metrics.windowMs, HOUR_MS), WARM_ROWS)) {
      metrics.record(row, row.startedAt);
    }
  } catch (error) {
    report('recorder')(error);
  }

  const monitoring = config?.monitoring;
  const alerts = new AlertEngine({
    db,
    metrics,
    thresholds: {
      responseTimeSeconds: monitoring?.response_time_threshold,
      errorRate: monitoring?.error_rate_threshold,
      costPerHourUsd: monitoring?.cost_threshold_per_hour,
    },
    now,
    name,
    ...(options.onAlert ? { onAlert: options.onAlert } : {}),
    onError: report('alerts'),
    ...options.alertSettings,
  });

  const onRecord = (row: ApiCallRow): void => {
    metrics.record(row, now());
    alerts.onAttempt();
  };
  const flushMs = options.flushMs !== undefined ? { flushMs: options.flushMs } : {};
  const recorder: AuditRecorder = options.auditThread
    ? new ThreadedAttemptRecorder({ dbPath: options.auditThread.dbPath, ...flushMs, onRecord, onError: report('recorder') })
    : new AttemptRecorder({ db: options.auditDb ?? db, ...flushMs, onRecord, onError: report('recorder') });

  const budget = new SpendGuard({
    db,
    caps: { perBatchUsd: config?.budget?.per_batch_usd, perDayUsd: config?.budget?.per_day_usd },
    now,
    onError: report('budget'),
  });

  const breakers = new BreakerStore({ db, now, onError: report('breakers') });

  const idleTickMs = options.idleTickMs ?? 30_000;
  let tick: NodeJS.Timeout | null = null;
  if (idleTickMs > 0) {
    tick = setInterval(() => alerts.evaluate(), idleTickMs);
    tick.unref();
  }
  let closed = false;

  const ids = (): string[] => modelOrder(Object.keys(models), metrics.modelIds());

  return {
    recorder,
    budget,
    breakers,
    metrics,
    alerts,
    setBreakerLookup(lookup) {
      breakerLookup = lookup;
    },
    overview() {
      recorder.flush();
      const t = now();
      return buildOverview(metrics, {
        now: t,
        ids: ids(),
        name,
        breaker: breakerLookup,
        costLastHour: sumCostBetween(db, { from: t - HOUR_MS }),
        costToday: sumCostBetween(db, { from: startOfLocalDay(t) }),
        openAlerts: openAlerts(db).length,
      });
    },
    modelMetrics(modelId) {
      const list = modelId === undefined ? ids() : [modelId];
      return buildModelMetrics(metrics, list, now(), name, breakerLookup);
    },
    costAnalysis(range = {}, quality) {
      recorder.flush();
      const q = quality ?? options.quality?.();
      return analyzeCosts(db, {
        range,
        now: now(),
        name,
        ...(q ? { quality: q } : {}),
        ...(options.suggestionRules ? { rules: options.suggestionRules } : {}),
      });
    },
    retryStats(range = {}) {
      recorder.flush();
      return retryStats(db, range);
    },
    listAlerts(opts) {
      return alerts.list(opts);
    },
    listAttempts(opts) {
      recorder.flush();
      return listApiCalls(db, opts).map(toAttemptView);
    },
    flush() {
      recorder.flush();
      breakers.flush();
    },
    close() {
      if (closed) return;
      closed = true;
      if (tick !== null) clearInterval(tick);
      alerts.close();
      recorder.close();
      breakers.close();
    },
  };
}
