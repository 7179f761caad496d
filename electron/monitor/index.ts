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
export { createMonitor, toAttemptView } from './monitor.ts';
export type { CreateMonitorOptions, Monitor, MonitorErrorSource } from './types.ts';
