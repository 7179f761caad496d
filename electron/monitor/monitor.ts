/**
 * createMonitor: the monitor's parts (parts.ts) plus the dashboards' queries. Every query that
 * reads the audit trail flushes the recorder first, so the answer includes the last attempts.
 * The monitor does not own the database handle: close() flushes, the app closes the db.
 */
import type { AttemptView } from '../../shared/ipc/monitor.ts';
import { listApiCalls, openAlerts, retryStats, sumCostBetween, type ApiCallRow } from '../store/index.ts';
import { analyzeCosts } from './cost-analysis.ts';
import { buildModelMetrics, buildOverview, modelOrder, type BreakerLookup } from './metrics.ts';
import { HOUR_MS, monitorParts, type MonitorParts } from './parts.ts';
import { startOfLocalDay } from './range.ts';
import type { CreateMonitorOptions, Monitor } from './types.ts';

type MonitorQueries = Pick<Monitor, 'overview' | 'modelMetrics' | 'costAnalysis' | 'retryStats' | 'listAlerts' | 'listAttempts'>;

export function toAttemptView(row: ApiCallRow): AttemptView {
  return { ...row, startedAt: new Date(row.startedAt).toISOString() };
}

function monitorQueries(parts: MonitorParts, options: CreateMonitorOptions, breakerLookup: () => BreakerLookup | undefined): MonitorQueries {
  const { db, now, name, metrics, alerts, recorder } = parts;
  const ids = (): string[] => modelOrder(Object.keys(options.config?.models ?? {}), metrics.modelIds());
  return {
    overview() {
      recorder.flush();
      const t = now();
      return buildOverview(metrics, {
        now: t,
        ids: ids(),
        name,
        breaker: breakerLookup(),
        costLastHour: sumCostBetween(db, { from: t - HOUR_MS }),
        costToday: sumCostBetween(db, { from: startOfLocalDay(t) }),
        openAlerts: openAlerts(db).length,
      });
    },
    modelMetrics(modelId) {
      const list = modelId === undefined ? ids() : [modelId];
      return buildModelMetrics(metrics, list, now(), name, breakerLookup());
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
  };
}

/** Re-evaluates alerts on a slow tick, so an alert also clears when traffic stops; returns the stop. */
function startIdleTick(evaluate: () => void, idleTickMs: number): () => void {
  if (idleTickMs <= 0) return () => {};
  const tick = setInterval(evaluate, idleTickMs);
  tick.unref();
  return () => clearInterval(tick);
}

export function createMonitor(options: CreateMonitorOptions): Monitor {
  const parts = monitorParts(options);
  const { recorder, budget, breakers, metrics, alerts } = parts;
  let breakerLookup = options.breakerState;
  const stopIdleTick = startIdleTick(() => alerts.evaluate(), options.idleTickMs ?? 30_000);
  let closed = false;

  return {
    recorder,
    budget,
    breakers,
    metrics,
    alerts,
    setBreakerLookup(lookup) {
      breakerLookup = lookup;
    },
    ...monitorQueries(parts, options, () => breakerLookup),
    flush() {
      recorder.flush();
      breakers.flush();
    },
    close() {
      if (closed) return;
      closed = true;
      stopIdleTick();
      alerts.close();
      recorder.close();
      breakers.close();
    },
  };
}
