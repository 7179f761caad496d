/**
 * Reads of the rollups of migration 012: what the costs screen shows, per local day × model,
 * bounded by the days on screen. Every query reads the rollup tables' primary keys, never
 * api_calls (see the query-plan test), so its cost follows the days shown, not the calls made.
 */
import type { ReadableDB } from '../store/db-types.ts';
import { sql, type SqlFragment } from '../store/sql.ts';
import { queryAll } from '../store/statements.ts';
import type { BucketCount } from './latency-buckets.ts';

/** Local calendar days, YYYY-MM-DD, both ends included. */
export interface DayRange {
  fromDay: string;
  toDay: string;
}

export interface RollupFigures {
  calls: number;
  okCalls: number;
  failedCalls: number;
  cancelledCalls: number;
  costUsd: number;
  unpricedCalls: number;
  unpricedAnswers: number;
  estimatedCalls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  firstAttempts: number;
  retryAttempts: number;
  okAfterRetry: number;
  waits: number;
  waitedMs: number;
  rateLimited: number;
  wastedCostUsd: number;
  wastedUnpriced: number;
  jobCostUsd: number;
  jobUnpriced: number;
  jobs: number;
}

export interface RollupRow extends RollupFigures {
  day: string;
  modelId: string;
  simulated: boolean;
}

/** One row per key already: the columns as they are, named for TypeScript. */
const FIGURES = sql`
  calls, ok_calls AS okCalls, failed_calls AS failedCalls, cancelled_calls AS cancelledCalls, cost_usd AS costUsd,
  unpriced_calls AS unpricedCalls, unpriced_answers AS unpricedAnswers, estimated_calls AS estimatedCalls,
  prompt_tokens AS promptTokens, completion_tokens AS completionTokens, cached_tokens AS cachedTokens,
  first_attempts AS firstAttempts, retry_attempts AS retryAttempts, ok_after_retry AS okAfterRetry, waits,
  waited_ms AS waitedMs, rate_limited AS rateLimited, wasted_cost_usd AS wastedCostUsd, wasted_unpriced AS wastedUnpriced,
  job_cost_usd AS jobCostUsd, job_unpriced AS jobUnpriced, jobs`;

function inDays(range: DayRange): SqlFragment {
  return sql`day >= ${range.fromDay} AND day <= ${range.toDay}`;
}

type Raw<T> = Omit<T, 'simulated'> & { simulated: number };
const withFlag = <T>(r: Raw<T>): T => ({ ...r, simulated: r.simulated === 1 }) as T;

/** Exported for the query-plan test. */
export function rollupByDayModelQuery(range: DayRange): SqlFragment {
  return sql`SELECT day, model_id AS modelId, simulated, ${FIGURES}
             FROM call_rollups WHERE ${inDays(range)}`;
}

/** One row per day × model × real-or-simulated in the range, oldest day first. */
export function rollupByDayModel(db: ReadableDB, range: DayRange): RollupRow[] {
  return queryAll<Raw<RollupRow>>(db, rollupByDayModelQuery(range)).map(withFlag<RollupRow>);
}

export interface ErrorRollupRow {
  day: string;
  modelId: string;
  simulated: boolean;
  errorClass: string;
  errorCode: string | null;
  attempts: number;
  costUsd: number;
  unpriced: number;
  waitedMs: number;
}

/** Exported for the query-plan test. */
export function rollupErrorsQuery(range: DayRange): SqlFragment {
  return sql`SELECT day, model_id AS modelId, simulated, error_class AS errorClass, error_code AS errorCode,
                    attempts, cost_usd AS costUsd, unpriced, waited_ms AS waitedMs
             FROM call_rollup_errors WHERE ${inDays(range)} ORDER BY day, error_class`;
}

export function rollupErrors(db: ReadableDB, range: DayRange): ErrorRollupRow[] {
  return queryAll<Raw<ErrorRollupRow>>(db, rollupErrorsQuery(range)).map(withFlag<ErrorRollupRow>);
}

export interface LatencyRollupRow extends BucketCount {
  day: string;
}

/** The histogram of each day, all models together. Exported for the query-plan test. */
export function rollupLatencyQuery(range: DayRange): SqlFragment {
  return sql`SELECT day, bucket, total(n) AS n
             FROM call_rollup_latency WHERE ${inDays(range)} GROUP BY day, bucket`;
}

export function rollupLatency(db: ReadableDB, range: DayRange): LatencyRollupRow[] {
  return queryAll<LatencyRollupRow>(db, rollupLatencyQuery(range));
}

export interface SubmissionCostRow {
  submissionId: number;
  batchId: string;
  file: string | null;
  calls: number;
  costUsd: number;
  unpricedCalls: number;
  simulated: boolean;
}

/** The submission's costs, whenever its calls were made. */
export function costsOfSubmission(db: ReadableDB, submissionId: number): SubmissionCostRow | null {
  const rows = queryAll<Raw<SubmissionCostRow>>(
    db,
    sql`SELECT j.submission_id AS submissionId, j.batch_id AS batchId, s.file AS file,
               total(r.calls) AS calls, total(r.cost_usd) AS costUsd, total(r.unpriced) AS unpricedCalls,
               max(r.simulated) AS simulated
        FROM jobs AS j
        JOIN job_cost_rollups AS r ON r.job_id = j.id
        LEFT JOIN submissions AS s ON s.id = j.submission_id
        WHERE j.submission_id = ${submissionId}
        GROUP BY j.submission_id`,
  );
  const row = rows[0];
  return row ? withFlag<SubmissionCostRow>(row) : null;
}
