/**
 * Circuit breaker state per model and endpoint, persisted so that an open breaker is still
 * open after a restart (instead of hammering a failing provider again).
 */
import type { BreakerStateView } from '../../shared/ipc/monitor.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import type { JsonValue } from './settings.ts';
import { sql } from './sql.ts';
import { execute, queryAll } from './statements.ts';

export type BreakerStateName = BreakerStateView;

export interface BreakerStateRow {
  modelId: string;
  endpoint: string;
  state: BreakerStateName;
  openedAt: number | null;
  consecutiveFailures: number;
  /** The breaker's own sliding window (e.g. recent failures with times and classes). */
  failures: JsonValue;
  updatedAt: number;
}

/** Every stored breaker. */
export function loadBreakerStates(db: ReadableDB): BreakerStateRow[] {
  return queryAll<{
    model_id: string;
    endpoint: string;
    state: BreakerStateName;
    opened_at: number | null;
    consecutive_failures: number;
    failures_json: string;
    updated_at: number;
  }>(db, sql`SELECT * FROM breaker_state ORDER BY model_id, endpoint`).map((row) => ({
    modelId: row.model_id,
    endpoint: row.endpoint,
    state: row.state,
    openedAt: row.opened_at,
    consecutiveFailures: row.consecutive_failures,
    failures: JSON.parse(row.failures_json) as JsonValue,
    updatedAt: row.updated_at,
  }));
}

/** Inserts or replaces the state of one breaker. */
export function saveBreakerState(db: WritableDB, row: BreakerStateRow): void {
  execute(
    db,
    sql`INSERT INTO breaker_state
          (model_id, endpoint, state, opened_at, consecutive_failures, failures_json, updated_at)
        VALUES (${row.modelId}, ${row.endpoint}, ${row.state}, ${row.openedAt},
                ${row.consecutiveFailures}, ${JSON.stringify(row.failures)}, ${row.updatedAt})
        ON CONFLICT (model_id, endpoint) DO UPDATE SET
          state = excluded.state,
          opened_at = excluded.opened_at,
          consecutive_failures = excluded.consecutive_failures,
          failures_json = excluded.failures_json,
          updated_at = excluded.updated_at`,
  );
}
