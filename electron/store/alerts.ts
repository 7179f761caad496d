/**
 * Threshold alerts (table alerts): raised by the monitor's alert engine, resolved when the
 * condition clears, listed newest first for the teacher.
 */
import type { ALERT_KINDS, AlertSeverityView } from '../../shared/ipc/monitor.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import type { JsonValue } from './settings.ts';
import { sql, type SqlFragment } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

/** The kinds the engine raises today; the column is open for more (e.g. 'budget'). */
export type AlertKind = (typeof ALERT_KINDS)[number] | (string & {});
export type AlertSeverity = AlertSeverityView;

export interface AlertRow {
  id: number;
  createdAt: number;
  kind: AlertKind;
  severity: AlertSeverity;
  /** null: about the whole system, not one model. */
  modelId: string | null;
  batchId: string | null;
  message: string;
  value: number | null;
  threshold: number | null;
  details: JsonValue | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
}

export type NewAlert = Omit<AlertRow, 'id' | 'acknowledgedAt' | 'resolvedAt'>;

interface DbAlert {
  id: number;
  created_at: number;
  kind: string;
  severity: AlertSeverity;
  model_id: string | null;
  batch_id: string | null;
  message: string;
  value: number | null;
  threshold: number | null;
  details_json: string | null;
  acknowledged_at: number | null;
  resolved_at: number | null;
}

function fromDb(row: DbAlert): AlertRow {
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    severity: row.severity,
    modelId: row.model_id,
    batchId: row.batch_id,
    message: row.message,
    value: row.value,
    threshold: row.threshold,
    details: row.details_json === null ? null : (JSON.parse(row.details_json) as JsonValue),
    acknowledgedAt: row.acknowledged_at,
    resolvedAt: row.resolved_at,
  };
}

/** Stores a raised alert and returns it with its id. */
export function insertAlert(db: WritableDB, alert: NewAlert): AlertRow {
  const details = alert.details === null ? null : JSON.stringify(alert.details);
  const row = queryOne<DbAlert>(
    db,
    sql`INSERT INTO alerts (created_at, kind, severity, model_id, batch_id, message, value, threshold, details_json)
        VALUES (${alert.createdAt}, ${alert.kind}, ${alert.severity}, ${alert.modelId}, ${alert.batchId},
                ${alert.message}, ${finiteOrNull(alert.value)}, ${finiteOrNull(alert.threshold)}, ${details})
        RETURNING *`,
  );
  return fromDb(row!);
}

/** Marks an alert resolved (once); returns whether it was still open. */
export function resolveAlert(db: WritableDB, id: number, at: number): boolean {
  return execute(db, sql`UPDATE alerts SET resolved_at = ${at} WHERE id = ${id} AND resolved_at IS NULL`) > 0;
}

export const MAX_ALERT_PAGE = 200;

export interface ListAlertsOptions {
  /** Page size, 1..200. */
  limit: number;
  /** Only alerts older than this id: pass the last id of the previous page. */
  before?: number | undefined;
}

/** Alerts newest first, one keyset page at a time (walks the rowid: no sort, any depth). */
export function listAlerts(db: ReadableDB, options: ListAlertsOptions): AlertRow[] {
  return queryAll<DbAlert>(db, listAlertsQuery(options)).map(fromDb);
}

/** Exported for the query-plan test. */
export function listAlertsQuery(options: ListAlertsOptions): SqlFragment {
  const limit = Math.min(Math.max(Math.trunc(options.limit) || 1, 1), MAX_ALERT_PAGE);
  const where = options.before !== undefined ? sql`WHERE id < ${options.before}` : sql``;
  return sql`SELECT * FROM alerts ${where} ORDER BY id DESC LIMIT ${limit}`;
}

/** Alerts not resolved yet (uses the partial index alerts_open). */
export function openAlerts(db: ReadableDB): AlertRow[] {
  return queryAll<DbAlert>(db, sql`SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id`).map(fromDb);
}

/**
 * When each kind × model last fired since `since` (epoch ms): restores the cool-down after
 * a restart, so reopening the app does not repeat an alert the teacher just saw.
 */
export function lastAlertTimes(db: ReadableDB, since: number): Array<{ kind: string; modelId: string | null; createdAt: number }> {
  return queryAll<{ kind: string; model_id: string | null; created_at: number }>(
    db,
    sql`SELECT kind, model_id, max(created_at) AS created_at FROM alerts
        WHERE created_at >= ${since} GROUP BY kind, model_id`,
  ).map((r) => ({ kind: r.kind, modelId: r.model_id, createdAt: r.created_at }));
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
