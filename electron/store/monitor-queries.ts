/**
 * Read-only analyses of the audit trail (api_calls) for the monitor: retry statistics, cost
 * breakdowns and per-model health.
 *
 * Money follows the store's rule: sums are of known costs only, and calls whose cost is
 * unknown are counted beside the sum (`unpricedCalls`), never added as 0.
 * A time range is [from, to) in epoch ms on `started_at`; either end may be left open.
 * A cancelled attempt (error_class 'aborted') is the teacher's doing, not the provider's: it is
 * counted as `cancelled` and left out of failure rates.
 */
import type { CostTotals } from './api-calls.ts';
import type { ReadableDB } from './db-types.ts';
import { sql, sqlJoin, type SqlFragment } from './sql.ts';
import { queryAll, queryOne } from './statements.ts';

// The warm-up read lives with the table's other row reads; named here too for the store's index.
export { recentAttempts } from './api-calls.ts';

export interface TimeRange {
  /** Inclusive, epoch ms. */
  from?: number | undefined;
  /** Exclusive, epoch ms. */
  to?: number | undefined;
  /** Only the demo provider's calls (true), only real ones (false), or both (absent). */
  simulated?: boolean | undefined;
}

/** `column` must be code-authored (e.g. sql`a.started_at`). */
function rangeOn(column: SqlFragment, range: TimeRange, extra: SqlFragment[] = []): SqlFragment {
  const parts = [...extra];
  if (range.from !== undefined) parts.push(sql`${column} >= ${range.from}`);
  if (range.to !== undefined) parts.push(sql`${column} < ${range.to}`);
  if (range.simulated !== undefined) parts.push(sql`simulated = ${range.simulated ? 1 : 0}`);
  return parts.length === 0 ? sql`` : sql`WHERE ${sqlJoin(parts, sql` AND `)}`;
}

const STARTED_AT = sql`started_at`;

/** Calls and what they cost: the known sum, and the calls of unknown cost beside it. */
export type CostLine = CostTotals;

/** Calls and what they cost in a time range (e.g. the last hour, today). */
export function sumCostBetween(db: ReadableDB, range: TimeRange): CostLine {
  const row = queryOne<{ calls: number; cost: number; unpriced: number }>(
    db,
    sql`SELECT count(*) AS calls, total(cost_usd) AS cost, count(*) - count(cost_usd) AS unpriced
        FROM api_calls ${rangeOn(STARTED_AT, range)}`,
  );
  return { calls: row?.calls ?? 0, costUsd: row?.cost ?? 0, unpricedCalls: row?.unpriced ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// Retry statistics

export interface RetryByClass {
  errorClass: string;
  errorCode: string | null;
  /** Failed attempts of this class. */
  attempts: number;
  /** Requests that had at least one such failure. */
  requests: number;
  /** Of those, how many still succeeded (on a retry or another model). */
  recoveredRequests: number;
  /** Known cost of these failed attempts. */
  wastedCostUsd: number;
  unpricedAttempts: number;
}

export interface RetryByModel {
  modelId: string;
  attempts: number;
  okAttempts: number;
  failedAttempts: number;
  /** Requests that touched this model. */
  requests: number;
  /** attempts / okAttempts; null when nothing succeeded. */
  attemptsPerSuccess: number | null;
  /** Successes on this model that were not the request's first attempt / okAttempts. */
  successAfterRetryRate: number | null;
  rateLimitedAttempts: number;
  /** Known cost of this model's failed attempts. */
  wastedCostUsd: number;
  wastedUnpricedAttempts: number;
  /** Known cost of all this model's attempts. */
  costUsd: number;
}

export interface RetryStats {
  /** Logical requests (distinct request_id). */
  requests: number;
  succeeded: number;
  failed: number;
  attempts: number;
  /** Attempts over successful requests: how many tries one answer takes. Null: no success. */
  attemptsPerSuccess: number | null;
  /** Requests that succeeded on attempt > 1 / requests that succeeded. */
  successAfterRetryRate: number | null;
  succeededAfterRetry: number;
  /**
   * Known cost of every failed attempt: the failed tries of requests that later succeeded plus
   * every attempt of requests that failed (all of which are failed attempts).
   */
  wastedCostUsd: number;
  wastedUnpricedAttempts: number;
  byErrorClass: RetryByClass[];
  byModel: RetryByModel[];
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/**
 * Retry statistics over the audit trail, requests grouped by request_id. A request whose
 * attempts straddle the range's edge is counted with the attempts inside it.
 */
export function retryStats(db: ReadableDB, range: TimeRange = {}): RetryStats {
  const where = rangeOn(STARTED_AT, range);
  const summary = queryOne<{ requests: number; succeeded: number; attempts: number; after_retry: number }>(
    db,
    sql`WITH req AS (
          SELECT request_id, count(*) AS attempts, max(status = 'ok') AS succeeded,
                 min(CASE WHEN status = 'ok' THEN attempt END) AS ok_attempt
          FROM api_calls ${where} GROUP BY request_id)
        SELECT count(*) AS requests, total(succeeded) AS succeeded, total(attempts) AS attempts,
               total(succeeded AND ok_attempt > 1) AS after_retry
        FROM req`,
  );
  const wasted = queryOne<{ wasted: number; unpriced: number }>(
    db,
    sql`SELECT total(cost_usd) AS wasted, count(*) - count(cost_usd) AS unpriced
        FROM api_calls ${rangeOn(STARTED_AT, range, [sql`status = 'error'`])}`,
  );
  const requests = summary?.requests ?? 0;
  const succeeded = summary?.succeeded ?? 0;
  const attempts = summary?.attempts ?? 0;
  const afterRetry = summary?.after_retry ?? 0;
  return {
    requests,
    succeeded,
    failed: requests - succeeded,
    attempts,
    attemptsPerSuccess: ratio(attempts, succeeded),
    successAfterRetryRate: ratio(afterRetry, succeeded),
    succeededAfterRetry: afterRetry,
    wastedCostUsd: wasted?.wasted ?? 0,
    wastedUnpricedAttempts: wasted?.unpriced ?? 0,
    byErrorClass: retriesByClass(db, where),
    byModel: retriesByModel(db, where),
  };
}

function retriesByClass(db: ReadableDB, where: SqlFragment): RetryByClass[] {
  return queryAll<{ error_class: string; error_code: string | null; attempts: number; requests: number; recovered: number; wasted: number; unpriced: number }>(
    db,
    sql`WITH scope AS (
          SELECT request_id, status, error_class, error_code, cost_usd FROM api_calls ${where}),
        req AS (SELECT request_id, max(status = 'ok') AS succeeded FROM scope GROUP BY request_id)
        SELECT coalesce(s.error_class, 'unknown') AS error_class, max(s.error_code) AS error_code,
               count(*) AS attempts, count(DISTINCT s.request_id) AS requests,
               count(DISTINCT CASE WHEN r.succeeded THEN s.request_id END) AS recovered,
               total(s.cost_usd) AS wasted, count(*) - count(s.cost_usd) AS unpriced
        FROM scope AS s JOIN req AS r ON r.request_id = s.request_id
        WHERE s.status = 'error'
        GROUP BY 1 ORDER BY attempts DESC, error_class`,
  ).map((r) => ({
    errorClass: r.error_class,
    errorCode: r.error_code,
    attempts: r.attempts,
    requests: r.requests,
    recoveredRequests: r.recovered,
    wastedCostUsd: r.wasted,
    unpricedAttempts: r.unpriced,
  }));
}

function retriesByModel(db: ReadableDB, where: SqlFragment): RetryByModel[] {
  return queryAll<{
    model_id: string;
    attempts: number;
    ok_attempts: number;
    ok_after_retry: number;
    requests: number;
    rate_limited: number;
    wasted: number;
    wasted_unpriced: number;
    cost: number;
  }>(
    db,
    sql`SELECT model_id, count(*) AS attempts,
               count(CASE WHEN status = 'ok' THEN 1 END) AS ok_attempts,
               count(CASE WHEN status = 'ok' AND attempt > 1 THEN 1 END) AS ok_after_retry,
               count(DISTINCT request_id) AS requests,
               count(CASE WHEN error_class = 'rate_limit' THEN 1 END) AS rate_limited,
               total(CASE WHEN status = 'error' THEN cost_usd END) AS wasted,
               count(CASE WHEN status = 'error' AND cost_usd IS NULL THEN 1 END) AS wasted_unpriced,
               total(cost_usd) AS cost
        FROM api_calls ${where} GROUP BY model_id ORDER BY attempts DESC, model_id`,
  ).map((r) => ({
    modelId: r.model_id,
    attempts: r.attempts,
    okAttempts: r.ok_attempts,
    failedAttempts: r.attempts - r.ok_attempts,
    requests: r.requests,
    attemptsPerSuccess: ratio(r.attempts, r.ok_attempts),
    successAfterRetryRate: ratio(r.ok_after_retry, r.ok_attempts),
    rateLimitedAttempts: r.rate_limited,
    wastedCostUsd: r.wasted,
    wastedUnpricedAttempts: r.wasted_unpriced,
    costUsd: r.cost,
  }));
}

// ---------------------------------------------------------------------------------------------
// Cost breakdowns

/**
 * Answered calls of a model with no price that reported none: what DESIGN §6 makes a JSON total
 * null. Broken or cancelled calls of unknown cost count in unpricedCalls only.
 */
interface UnpricedAnswers {
  unpricedAnswers: number;
}

export interface ModelCost extends CostLine, UnpricedAnswers {
  modelId: string;
  okCalls: number;
  /** Failed calls, cancellations not included. */
  failedCalls: number;
  cancelledCalls: number;
  /** okCalls / (calls - cancelledCalls); null without such calls. */
  successRate: number | null;
  /**
   * Known cost of all the model's calls (failed ones too) per successful call. Null when
   * nothing succeeded or when any call's cost is unknown: a figure that silently left out
   * unknown costs would make an unpriced model look cheap.
   */
  costPerSuccessUsd: number | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export interface DayCost extends CostLine, UnpricedAnswers {
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
}

export interface BatchCost extends CostLine {
  batchId: string;
  firstCallAt: number;
  lastCallAt: number;
}

export interface SubmissionCost extends CostLine {
  submissionId: number;
  batchId: string;
  /** The file as given; null if the submission row is gone. */
  file: string | null;
}

export function costByModel(db: ReadableDB, range: TimeRange = {}): ModelCost[] {
  return queryAll<{
    model_id: string;
    calls: number;
    ok_calls: number;
    failed: number;
    cancelled: number;
    cost: number;
    unpriced: number;
    unpriced_answers: number;
    prompt: number;
    completion: number;
    cached: number;
  }>(
    db,
    sql`SELECT model_id, count(*) AS calls,
               count(CASE WHEN status = 'ok' THEN 1 END) AS ok_calls,
               count(CASE WHEN status = 'error' AND coalesce(error_class, '') <> 'aborted' THEN 1 END) AS failed,
               count(CASE WHEN status = 'error' AND error_class = 'aborted' THEN 1 END) AS cancelled,
               total(cost_usd) AS cost, count(*) - count(cost_usd) AS unpriced,
               sum(cost_usd IS NULL AND status = 'ok') AS unpriced_answers,
               total(prompt_tokens) AS prompt, total(completion_tokens) AS completion,
               total(cached_tokens) AS cached
        FROM api_calls ${rangeOn(STARTED_AT, range)}
        GROUP BY model_id ORDER BY cost DESC, model_id`,
  ).map((r) => ({
    modelId: r.model_id,
    calls: r.calls,
    costUsd: r.cost,
    unpricedCalls: r.unpriced,
    unpricedAnswers: r.unpriced_answers,
    okCalls: r.ok_calls,
    failedCalls: r.failed,
    cancelledCalls: r.cancelled,
    successRate: ratio(r.ok_calls, r.calls - r.cancelled),
    costPerSuccessUsd: r.unpriced > 0 ? null : ratio(r.cost, r.ok_calls),
    promptTokens: r.prompt,
    completionTokens: r.completion,
    cachedTokens: r.cached,
  }));
}

/** Newest day first, at most `limit` days. Days are local (the machine's time zone). */
export function costByDay(db: ReadableDB, range: TimeRange = {}, limit = 400): DayCost[] {
  return queryAll<{ day: string; calls: number; cost: number; unpriced: number; unpriced_answers: number }>(
    db,
    sql`SELECT date(started_at / 1000, 'unixepoch', 'localtime') AS day, count(*) AS calls,
               total(cost_usd) AS cost, count(*) - count(cost_usd) AS unpriced,
               sum(cost_usd IS NULL AND status = 'ok') AS unpriced_answers
        FROM api_calls ${rangeOn(STARTED_AT, range)}
        GROUP BY day ORDER BY day DESC LIMIT ${limit}`,
  ).map((r) => ({ day: r.day, calls: r.calls, costUsd: r.cost, unpricedCalls: r.unpriced, unpricedAnswers: r.unpriced_answers }));
}

/** Most recently active batch first, at most `limit`. */
export function costByBatch(db: ReadableDB, range: TimeRange = {}, limit = 200): BatchCost[] {
  return queryAll<{ batch_id: string; calls: number; cost: number; unpriced: number; first_at: number; last_at: number }>(
    db,
    sql`SELECT batch_id, count(*) AS calls, total(cost_usd) AS cost, count(*) - count(cost_usd) AS unpriced,
               min(started_at) AS first_at, max(started_at) AS last_at
        FROM api_calls ${rangeOn(STARTED_AT, range, [sql`batch_id IS NOT NULL`])}
        GROUP BY batch_id ORDER BY last_at DESC, batch_id LIMIT ${limit}`,
  ).map((r) => ({
    batchId: r.batch_id,
    calls: r.calls,
    costUsd: r.cost,
    unpricedCalls: r.unpriced,
    firstCallAt: r.first_at,
    lastCallAt: r.last_at,
  }));
}

/**
 * The most expensive submissions first, at most `limit`. A call reaches its submission through
 * its job (api_calls.job_id → jobs.submission_id); calls without a job are not included.
 */
export function costBySubmission(db: ReadableDB, range: TimeRange = {}, limit = 200): SubmissionCost[] {
  return queryAll<{ submission_id: number; batch_id: string; file: string | null; calls: number; cost: number; unpriced: number }>(
    db,
    sql`SELECT j.submission_id, j.batch_id, s.file, count(*) AS calls, total(a.cost_usd) AS cost,
               count(*) - count(a.cost_usd) AS unpriced
        FROM api_calls AS a
        JOIN jobs AS j ON j.id = a.job_id
        LEFT JOIN submissions AS s ON s.id = j.submission_id
        ${rangeOn(sql`a.started_at`, range, [sql`a.job_id IS NOT NULL`])}
        GROUP BY j.submission_id ORDER BY cost DESC, j.submission_id LIMIT ${limit}`,
  ).map((r) => ({
    submissionId: r.submission_id,
    batchId: r.batch_id,
    file: r.file,
    calls: r.calls,
    costUsd: r.cost,
    unpricedCalls: r.unpriced,
  }));
}

// ---------------------------------------------------------------------------------------------
// Per-model health

export interface ModelHealth {
  modelId: string;
  calls: number;
  okCalls: number;
  /** Failures, cancellations not included. */
  failedCalls: number;
  cancelledCalls: number;
  /** failedCalls / (calls - cancelledCalls); null without such calls. */
  errorRate: number | null;
  /** Failures per error class, with the code a teacher sees; most frequent first. */
  errors: Array<{ errorClass: string; errorCode: string | null; count: number }>;
}

/** Calls and failures per model and error class in a range (e.g. the last hour). */
export function modelHealth(db: ReadableDB, range: TimeRange = {}): ModelHealth[] {
  const rows = queryAll<{ model_id: string; status: string; error_class: string | null; error_code: string | null; n: number }>(
    db,
    sql`SELECT model_id, status, error_class, max(error_code) AS error_code, count(*) AS n
        FROM api_calls ${rangeOn(STARTED_AT, range)}
        GROUP BY model_id, status, error_class`,
  );
  const byModel = new Map<string, ModelHealth>();
  for (const r of rows) {
    let h = byModel.get(r.model_id);
    if (!h) {
      h = { modelId: r.model_id, calls: 0, okCalls: 0, failedCalls: 0, cancelledCalls: 0, errorRate: null, errors: [] };
      byModel.set(r.model_id, h);
    }
    h.calls += r.n;
    if (r.status === 'ok') h.okCalls += r.n;
    else if (r.error_class === 'aborted') h.cancelledCalls += r.n;
    else {
      h.failedCalls += r.n;
      h.errors.push({ errorClass: r.error_class ?? 'unknown', errorCode: r.error_code, count: r.n });
    }
  }
  for (const h of byModel.values()) {
    h.errorRate = ratio(h.failedCalls, h.calls - h.cancelledCalls);
    h.errors.sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass));
  }
  return [...byModel.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
}
