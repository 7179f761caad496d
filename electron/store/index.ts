/**
 * The SQLite store: open the database (pragmas, migrations), and small query modules that
 * each take the handle they need, ReadableDB or WritableDB.
 */
export type { ReadableDB, WritableDB } from './db-types.ts';
export { BUSY_TIMEOUT_MS, checkIntegrity, closeDatabase, openDatabase, openReadonly, type OpenOptions } from './db.ts';
export {
  GRADEDESK_APPLICATION_ID,
  latestVersionOf,
  migrate,
  readUserVersion,
  type MigrationResult,
} from './migrate.ts';
export { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';
export { STORE_TABLES, type StoreTable } from './tables.ts';
export { sql, sqlIdentifier, sqlJoin, SqlFragment, type SqlValue } from './sql.ts';
export { execute, prepareCached, queryAll, queryOne } from './statements.ts';
export {
  insertApiCalls,
  latestChecks,
  listApiCalls,
  MAX_PAGE_SIZE,
  sumApiCallCosts,
  type ApiCallPurpose,
  type ApiCallRow,
  type ApiCallStatus,
  type CostSource,
  type CostTotals,
  type ListApiCallsOptions,
  type NewApiCall,
} from './api-calls.ts';
export { deleteSetting, getSetting, listSettings, setSetting, type JsonValue, type SettingRow } from './settings.ts';
export { searchSubmissions, toFtsQuery, type SearchOptions, type SubmissionHit } from './search.ts';
export {
  loadBreakerStates,
  saveBreakerState,
  type BreakerStateName,
  type BreakerStateRow,
} from './breaker-state.ts';
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
  type ReservationRow,
  type ReservationStatus,
  type SpendTotals,
} from './spend.ts';
export {
  acknowledgeAlert,
  insertAlert,
  lastAlertTimes,
  listAlerts,
  MAX_ALERT_PAGE,
  openAlerts,
  resolveAlert,
  type AlertKind,
  type AlertRow,
  type AlertSeverity,
  type ListAlertsOptions,
  type NewAlert,
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
  type AttemptFacts,
  type BatchCost,
  type CostLine,
  type DayCost,
  type ModelCost,
  type ModelHealth,
  type RetryByClass,
  type RetryByModel,
  type RetryStats,
  type SubmissionCost,
  type TimeRange,
} from './monitor-queries.ts';
export * from './batches.ts';
export * from './jobs.ts';
