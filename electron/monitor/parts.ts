/**
 * The monitor's moving parts, built and wired together: the live windows (warmed from the last
 * hour of the audit trail), the alert engine that watches them, the recorder that feeds both,
 * the spend guard and the breaker store. createMonitor (monitor.ts) puts the dashboards'
 * queries on top.
 */
import type { ApiCallRow, WritableDB } from '../store/index.ts';
import { recentAttempts } from '../store/index.ts';
import { AlertEngine } from './alerts.ts';
import { AttemptRecorder, type AuditRecorder } from './attempt-recorder.ts';
import { BreakerStore } from './breaker-store.ts';
import { SpendGuard } from './budget.ts';
import { LiveMetrics, type NameLookup } from './metrics.ts';
import { ThreadedAttemptRecorder } from './threaded-recorder.ts';
import type { CreateMonitorOptions, MonitorErrorSource } from './types.ts';

export const HOUR_MS = 60 * 60_000;
/** Rows read at startup to warm the windows (the last hour, at most this many). */
const WARM_ROWS = 20_000;

type ErrorReporter = (source: MonitorErrorSource) => (error: unknown) => void;

export interface MonitorParts {
  db: WritableDB;
  now: () => number;
  name: NameLookup;
  metrics: LiveMetrics;
  alerts: AlertEngine;
  recorder: AuditRecorder;
  budget: SpendGuard;
  breakers: BreakerStore;
}

/** Hands swallowed errors to `onError`; a logger that throws must not reach the call path. */
function errorReporter(onError: CreateMonitorOptions['onError']): ErrorReporter {
  return (source) => (error) => {
    try {
      onError?.(error, source);
    } catch {
      // the logger failed; nothing more to do
    }
  };
}

/** The live windows, filled with the recent audit trail so a restart does not blank the dashboards. */
function warmMetrics(options: CreateMonitorOptions, now: () => number, report: ErrorReporter): LiveMetrics {
  const metrics = new LiveMetrics(options.windows);
  try {
    for (const row of recentAttempts(options.db, now() - Math.max(metrics.windowMs, HOUR_MS), WARM_ROWS)) {
      metrics.record(row, row.startedAt);
    }
  } catch (error) {
    report('recorder')(error);
  }
  return metrics;
}

function alertEngine(options: CreateMonitorOptions, parts: Pick<MonitorParts, 'metrics' | 'now' | 'name'>, report: ErrorReporter): AlertEngine {
  const monitoring = options.config?.monitoring;
  return new AlertEngine({
    db: options.db,
    metrics: parts.metrics,
    thresholds: {
      responseTimeSeconds: monitoring?.response_time_threshold,
      errorRate: monitoring?.error_rate_threshold,
      costPerHourUsd: monitoring?.cost_threshold_per_hour,
    },
    now: parts.now,
    name: parts.name,
    ...(options.onAlert ? { onAlert: options.onAlert } : {}),
    onError: report('alerts'),
    ...options.alertSettings,
  });
}

/** The audit writer: on its own thread when asked, else on `auditDb`; each row also feeds the windows. */
function auditRecorder(options: CreateMonitorOptions, onRecord: (row: ApiCallRow) => void, report: ErrorReporter): AuditRecorder {
  const flushMs = options.flushMs !== undefined ? { flushMs: options.flushMs } : {};
  return options.auditThread
    ? new ThreadedAttemptRecorder({ dbPath: options.auditThread.dbPath, ...flushMs, onRecord, onError: report('recorder') })
    : new AttemptRecorder({ db: options.auditDb ?? options.db, ...flushMs, onRecord, onError: report('recorder') });
}

export function monitorParts(options: CreateMonitorOptions): MonitorParts {
  const { db, config } = options;
  const now = options.now ?? Date.now;
  const report = errorReporter(options.onError);
  const models = config?.models ?? {};
  const name = (id: string): string => (Object.hasOwn(models, id) ? (models[id]?.name ?? id) : id);

  const metrics = warmMetrics(options, now, report);
  const alerts = alertEngine(options, { metrics, now, name }, report);
  const onRecord = (row: ApiCallRow): void => {
    metrics.record(row, now());
    alerts.onAttempt();
  };
  const recorder = auditRecorder(options, onRecord, report);
  const budget = new SpendGuard({
    db,
    caps: { perBatchUsd: config?.budget?.per_batch_usd, perDayUsd: config?.budget?.per_day_usd },
    now,
    onError: report('budget'),
  });
  const breakers = new BreakerStore({ db, now, onError: report('breakers') });
  return { db, now, name, metrics, alerts, recorder, budget, breakers };
}
