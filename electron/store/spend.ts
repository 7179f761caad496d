/**
 * The spend ledger (table spend_reservations): one row per attempt that was allowed to spend
 * money. The budget guard (electron/monitor/budget.ts) reads the totals and inserts a
 * reservation in one IMMEDIATE transaction; these functions are its building blocks and do
 * not open transactions themselves.
 *
 * How a row counts toward a cap:
 * - 'reserved': its estimate (the call is in flight, or its process died before settling);
 * - 'settled': its actual cost, or its estimate when the actual stayed unknown;
 * - 'released': nothing (given back explicitly, e.g. a stale reservation after a crash).
 * A row with neither estimate nor actual (an unpriced model) adds nothing to the sum and is
 * counted in `unpriced` instead, so a total is never shown as complete when it is not.
 */
import type { ReadableDB, WritableDB } from './db-types.ts';
import { sql, type SqlFragment } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

export type ReservationStatus = 'reserved' | 'settled' | 'released';

export interface SpendTotals {
  /** What counts against a cap: settledUsd + reservedUsd. */
  committedUsd: number;
  /** Settled actuals (or estimates where the actual stayed unknown). */
  settledUsd: number;
  /** Estimates of reservations not settled yet (in flight, or left by a crashed process). */
  reservedUsd: number;
  /** Reservations not settled yet. */
  outstanding: number;
  /** Reservations with no known amount at all (unpriced model): not in the sums. */
  unpriced: number;
  /** Settled with an unknown actual, counted at their estimate. */
  estimatedOnly: number;
  /** Reservations that count (not released). */
  reservations: number;
}

export interface ReservationRow {
  id: number;
  batchId: string | null;
  day: string;
  estimatedUsd: number | null;
  actualUsd: number | null;
  status: ReservationStatus;
  actualUnknown: boolean;
  createdAt: number;
  settledAt: number | null;
}

/** The local calendar day of `ms` as YYYY-MM-DD: what "today" means for per_day_usd. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function totalsQuery(where: SqlFragment): SqlFragment {
  return sql`
    SELECT
      total(CASE status WHEN 'settled' THEN coalesce(actual_usd, estimated_usd) END) AS settled,
      total(CASE status WHEN 'reserved' THEN estimated_usd END) AS reserved,
      count(CASE status WHEN 'reserved' THEN 1 END) AS outstanding,
      count(CASE WHEN status <> 'released' AND actual_usd IS NULL AND estimated_usd IS NULL THEN 1 END) AS unpriced,
      count(CASE WHEN status = 'settled' AND actual_usd IS NULL AND estimated_usd IS NOT NULL THEN 1 END) AS estimated_only,
      count(CASE WHEN status <> 'released' THEN 1 END) AS reservations
    FROM spend_reservations ${where}`;
}

interface TotalsRow {
  settled: number;
  reserved: number;
  outstanding: number;
  unpriced: number;
  estimated_only: number;
  reservations: number;
}

function toTotals(row: TotalsRow | undefined): SpendTotals {
  const settled = row?.settled ?? 0;
  const reserved = row?.reserved ?? 0;
  return {
    committedUsd: settled + reserved,
    settledUsd: settled,
    reservedUsd: reserved,
    outstanding: row?.outstanding ?? 0,
    unpriced: row?.unpriced ?? 0,
    estimatedOnly: row?.estimated_only ?? 0,
    reservations: row?.reservations ?? 0,
  };
}

/** Totals of one batch, across every run of it. Reads spend_reservations_batch only. */
export function spendForBatch(db: ReadableDB, batchId: string): SpendTotals {
  return toTotals(queryOne<TotalsRow>(db, spendForBatchQuery(batchId)));
}

/** Exported for the query-plan test. */
export function spendForBatchQuery(batchId: string): SqlFragment {
  return totalsQuery(sql`WHERE batch_id = ${batchId}`);
}

/** Totals of one local day (YYYY-MM-DD). Reads spend_reservations_day only. */
export function spendForDay(db: ReadableDB, day: string, options: { simulated?: boolean } = {}): SpendTotals {
  return toTotals(queryOne<TotalsRow>(db, spendForDayQuery(day, options.simulated === true)));
}

/** Exported for the query-plan test. Real spend by default; the demo's made-up spend apart. */
export function spendForDayQuery(day: string, simulated = false): SqlFragment {
  return totalsQuery(sql`WHERE day = ${day} AND simulated = ${simulated ? 1 : 0}`);
}

/**
 * The cap stored with a batch (`batches.budget_usd`, set from the CLI's --budget), or null
 * when the batch has no row or no cap stored. Null means "use the configured per_batch_usd",
 * not "unlimited": a missing value must never lift a cap.
 */
export function storedBatchCap(db: ReadableDB, batchId: string): number | null {
  const row = queryOne<{ budget_usd: number | null }>(db, sql`SELECT budget_usd FROM batches WHERE id = ${batchId}`);
  return row?.budget_usd ?? null;
}

/** Inserts a 'reserved' row and returns its id. Call inside the guard's transaction. */
export function insertReservation(
  db: WritableDB,
  r: { batchId: string | null; day: string; estimatedUsd: number | null; createdAt: number; simulated?: boolean },
): number {
  const row = queryOne<{ id: number }>(
    db,
    sql`INSERT INTO spend_reservations (batch_id, day, estimated_usd, status, created_at, simulated)
        VALUES (${r.batchId}, ${r.day}, ${r.estimatedUsd}, 'reserved', ${r.createdAt}, ${r.simulated ? 1 : 0})
        RETURNING id`,
  );
  return row!.id;
}

/**
 * Replaces the estimate with the actual cost. `actualUsd` null = unknown: the row is marked
 * `actual_unknown` and keeps counting at its estimate. A second settle is a no-op; a row
 * released as stale while its call was still running is settled after all (the call ran, its
 * cost is real). Returns whether this one applied.
 */
export function settleReservation(db: WritableDB, id: number, actualUsd: number | null, at: number): boolean {
  return (
    execute(
      db,
      sql`UPDATE spend_reservations
          SET status = 'settled', actual_usd = ${actualUsd}, actual_unknown = ${actualUsd === null ? 1 : 0},
              settled_at = ${at}
          WHERE id = ${id} AND status IN ('reserved', 'released')`,
    ) > 0
  );
}

/** Gives back a reservation that never spent anything. Only a 'reserved' row changes. */
export function releaseReservation(db: WritableDB, id: number, at: number): boolean {
  return (
    execute(db, sql`UPDATE spend_reservations SET status = 'released', settled_at = ${at} WHERE id = ${id} AND status = 'reserved'`) > 0
  );
}

/**
 * Releases every reservation still 'reserved' that was made before `before` (epoch ms), e.g.
 * ones left by a crashed process, and returns how many. Releasing says "this call cost
 * nothing": only do it when that is known (the provider's ledger, or a teacher's decision).
 */
export function releaseReservationsBefore(db: WritableDB, before: number, at: number): number {
  return execute(
    db,
    sql`UPDATE spend_reservations SET status = 'released', settled_at = ${at}
        WHERE status = 'reserved' AND created_at < ${before}`,
  );
}

interface DbReservation {
  id: number;
  batch_id: string | null;
  day: string;
  estimated_usd: number | null;
  actual_usd: number | null;
  status: ReservationStatus;
  actual_unknown: number;
  created_at: number;
  settled_at: number | null;
}

function fromDb(row: DbReservation): ReservationRow {
  return {
    id: row.id,
    batchId: row.batch_id,
    day: row.day,
    estimatedUsd: row.estimated_usd,
    actualUsd: row.actual_usd,
    status: row.status,
    actualUnknown: row.actual_unknown === 1,
    createdAt: row.created_at,
    settledAt: row.settled_at,
  };
}

export function getReservation(db: ReadableDB, id: number): ReservationRow | null {
  const row = queryOne<DbReservation>(db, sql`SELECT * FROM spend_reservations WHERE id = ${id}`);
  return row ? fromDb(row) : null;
}

/** Reservations still outstanding, oldest first (at most `limit`). */
export function outstandingReservations(db: ReadableDB, limit = 1000): ReservationRow[] {
  return queryAll<DbReservation>(
    db,
    sql`SELECT * FROM spend_reservations WHERE status = 'reserved' ORDER BY created_at LIMIT ${limit}`,
  ).map(fromDb);
}
