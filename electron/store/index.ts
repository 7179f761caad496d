/**
 * The SQLite store: open the database (pragmas, migrations), and small query modules that
 * each take the handle they need, ReadableDB or WritableDB.
 */
export type { ReadableDB, WritableDB } from './db-types.ts';
export { checkIntegrity, closeDatabase, openDatabase, openReadonly } from './db.ts';
export { GRADEDESK_APPLICATION_ID, migrate, readUserVersion } from './migrate.ts';
export { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';
export { STORE_TABLES } from './tables.ts';
export { sql, sqlIdentifier, sqlJoin } from './sql.ts';
export { queryAll, queryOne } from './statements.ts';
export {
  insertApiCalls,
  latestChecks,
  listApiCalls,
  sumApiCallCosts,
  type ApiCallRow,
  type ListApiCallsOptions,
  type NewApiCall,
} from './api-calls.ts';
export { deleteSetting, getSetting, listSettings, setSetting } from './settings.ts';
export { searchSubmissions, toFtsQuery } from './search.ts';
export { loadBreakerStates, saveBreakerState, type BreakerStateRow } from './breaker-state.ts';
export {
  getReservation,
  insertReservation,
  localDay,
  outstandingReservations,
  releaseReservation,
  releaseReservationsBefore,
  settleReservation,
  spendForBatch,
  spendForDay,
  storedBatchCap,
  type SpendTotals,
} from './spend.ts';
export {
  insertAlert,
  lastAlertTimes,
  listAlerts,
  openAlerts,
  resolveAlert,
  type AlertRow,
  type AlertSeverity,
  type ListAlertsOptions,
} from './alerts.ts';
export {
  costByBatch,
  costByDay,
  costByModel,
  costBySubmission,
  modelHealth,
  recentAttempts,
  retryStats,
  sumCostBetween,
  type ModelCost,
  type ModelHealth,
  type RetryStats,
  type TimeRange,
} from './monitor-queries.ts';
export * from './batches.ts';
export * from './jobs.ts';
export * from './preparation.ts';
export { heldSubmission, releaseHeldPages, type HeldImagesDecision } from './held-images.ts';
