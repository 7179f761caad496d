/**
 * The monitor's shapes: what createMonitor takes and what it answers. Kept apart from the
 * implementation so the IPC handlers can depend on the Monitor interface alone.
 */
import type { Config } from '../../shared/config.ts';
import type { AlertView, AttemptView, CostAnalysisView, ModelMetricsView, OverviewView } from '../../shared/ipc/monitor.ts';
import type { ListAlertsOptions, ListApiCallsOptions, RetryStats, TimeRange, WritableDB } from '../store/index.ts';
import type { AlertEngine, AlertEngineOptions } from './alerts.ts';
import type { AuditRecorder } from './attempt-recorder.ts';
import type { BreakerStore } from './breaker-store.ts';
import type { SpendGuard } from './budget.ts';
import type { QualityMap } from './cost-analysis.ts';
import type { BreakerLookup, LiveMetrics, LiveMetricsOptions } from './metrics.ts';
import type { SuggestionRules } from './suggestions.ts';

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
