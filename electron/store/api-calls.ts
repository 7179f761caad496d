/**
 * The audit trail of HTTP attempts: one row per attempt, written in batches by the monitor.
 */
import { AppError } from '../../shared/errors.ts';
// Types only: the row stores what the core's port reports, and the store runs none of the core.
import type { CallPurpose, CostSource } from '../api/ports.ts';
import { timeOrderedId } from '../common/time-ordered-id.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import { sql, sqlJoin, type SqlFragment } from './sql.ts';
import { prepareCached, queryAll, queryOne } from './statements.ts';

export type ApiCallStatus = 'ok' | 'error';

/** One recorded HTTP attempt. Times are epoch milliseconds; money is USD; null = unknown. */
export interface ApiCallRow {
  /** Chosen when the attempt happens (a UUID), so a live record and its stored row match. */
  id: string;
  /** Groups the attempts (retries, fallbacks) of one logical request. */
  requestId: string;
  purpose: CallPurpose;
  batchId: string | null;
  jobId: number | null;
  modelId: string;
  endpoint: string;
  startedAt: number;
  /** 1 for the first try of the request. */
  attempt: number;
  status: ApiCallStatus;
  httpStatus: number | null;
  errorClass: string | null;
  errorCode: string | null;
  /** Short and free of prompt text or keys. */
  errorMessage: string | null;
  /** What the retry manager decided after this attempt (e.g. 'retry', 'switch_model'). */
  decision: string | null;
  /** Backoff waited before this attempt. */
  waitedMs: number | null;
  ttftMs: number | null;
  latencyMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  /** null = unknown (unpriced model that reported no cost), never silently 0. */
  costUsd: number | null;
  costSource: CostSource;
  generationId: string | null;
  /** Answered by the demo provider: its cost is not real money. Absent means a real call. */
  simulated?: boolean;
}

type Required_ = 'requestId' | 'purpose' | 'modelId' | 'endpoint' | 'startedAt' | 'attempt' | 'status' | 'costSource';

/** A row to insert: unknown fields may be left out; a missing id gets a fresh UUID. */
export type NewApiCall = Pick<ApiCallRow, Required_> & {
  [K in Exclude<keyof ApiCallRow, Required_>]?: ApiCallRow[K] | undefined;
};

interface DbRow {
  seq: number;
  id: string;
  request_id: string;
  purpose: string;
  batch_id: string | null;
  job_id: number | null;
  model_id: string;
  endpoint: string;
  started_at: number;
  attempt: number;
  status: ApiCallStatus;
  http_status: number | null;
  error_class: string | null;
  error_code: string | null;
  error_message: string | null;
  decision: string | null;
  waited_ms: number | null;
  ttft_ms: number | null;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cached_tokens: number | null;
  cost_usd: number | null;
  cost_source: CostSource;
  generation_id: string | null;
  simulated: number;
}

function fromDb(row: DbRow): ApiCallRow {
  return {
    id: row.id,
    requestId: row.request_id,
    purpose: row.purpose,
    batchId: row.batch_id,
    jobId: row.job_id,
    modelId: row.model_id,
    endpoint: row.endpoint,
    startedAt: row.started_at,
    attempt: row.attempt,
    status: row.status,
    httpStatus: row.http_status,
    errorClass: row.error_class,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    decision: row.decision,
    waitedMs: row.waited_ms,
    ttftMs: row.ttft_ms,
    latencyMs: row.latency_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    costUsd: row.cost_usd,
    costSource: row.cost_source,
    generationId: row.generation_id,
    ...(row.simulated === 1 ? { simulated: true } : {}),
  };
}

/** The insert, with the `simulated` column only for the demo's rows: a real row is written as before it existed. */
function insertSql(simulated: boolean): string {
  return `
  INSERT INTO api_calls (
    id, request_id, purpose, batch_id, job_id, model_id, endpoint, started_at, attempt, status,
    http_status, error_class, error_code, error_message, decision, waited_ms, ttft_ms,
    latency_ms, prompt_tokens, completion_tokens, cached_tokens, cost_usd, cost_source,
    generation_id${simulated ? ', simulated' : ''}
  ) VALUES (
    @id, @requestId, @purpose, @batchId, @jobId, @modelId, @endpoint, @startedAt, @attempt, @status,
    @httpStatus, @errorClass, @errorCode, @errorMessage, @decision, @waitedMs, @ttftMs,
    @latencyMs, @promptTokens, @completionTokens, @cachedTokens, @costUsd, @costSource,
    @generationId${simulated ? ', 1' : ''}
  )
  ON CONFLICT (id) DO NOTHING`;
}
const INSERT = insertSql(false);
const INSERT_SIMULATED = insertSql(true);

function toParams(row: NewApiCall): Record<string, string | number | null> {
  if (row.costUsd !== undefined && row.costUsd !== null && !(Number.isFinite(row.costUsd) && row.costUsd >= 0)) {
    // SQLite would store NaN as NULL and silently turn a bad number into "unknown".
    throw new AppError('INTERNAL_ERROR', 'A call cost that is not a valid amount was about to be recorded.', {
      costUsd: row.costUsd,
      requestId: row.requestId,
    });
  }
  return {
    id: row.id ?? timeOrderedId(),
    requestId: row.requestId,
    purpose: row.purpose,
    batchId: row.batchId ?? null,
    jobId: row.jobId ?? null,
    modelId: row.modelId,
    endpoint: row.endpoint,
    startedAt: row.startedAt,
    attempt: row.attempt,
    status: row.status,
    httpStatus: row.httpStatus ?? null,
    errorClass: row.errorClass ?? null,
    errorCode: row.errorCode ?? null,
    errorMessage: row.errorMessage ?? null,
    decision: row.decision ?? null,
    waitedMs: row.waitedMs ?? null,
    ttftMs: row.ttftMs ?? null,
    latencyMs: row.latencyMs ?? null,
    promptTokens: row.promptTokens ?? null,
    completionTokens: row.completionTokens ?? null,
    cachedTokens: row.cachedTokens ?? null,
    costUsd: row.costUsd ?? null,
    costSource: row.costSource,
    generationId: row.generationId ?? null,
  };
}

/**
 * Records many attempts in one IMMEDIATE transaction (the monitor buffers and flushes):
 * all rows or none, in the order given. A row whose id is already stored is skipped, so a
 * flush that is retried after an error does not record anything twice.
 * Inside an outer transaction this becomes a savepoint of it.
 */
export function insertApiCalls(db: WritableDB, rows: readonly NewApiCall[]): void {
  if (rows.length === 0) return;
  const params = rows.map((row) => ({ simulated: row.simulated === true, values: toParams(row) })); // validate everything before taking the write lock
  const insert = prepareCached(db, INSERT);
  const insertSimulated = params.some((p) => p.simulated) ? prepareCached(db, INSERT_SIMULATED) : insert;
  db.transaction(() => {
    for (const p of params) (p.simulated ? insertSimulated : insert).run(p.values);
  }).immediate();
}

/**
 * The newest 'check' call of each model (by started_at, then recording order), ordered by
 * model id: each model's last health check, shown again after a reload.
 *
 * A loose index scan over api_calls_purpose_model_started_at: one index seek per model
 * instead of reading every check ever recorded.
 */
export function latestChecks(db: ReadableDB): ApiCallRow[] {
  return queryAll<DbRow>(db, latestChecksQuery()).map(fromDb);
}

/** Exported for the query-plan test. */
export function latestChecksQuery(): SqlFragment {
  const purpose = 'check';
  return sql`
    WITH RECURSIVE models (model_id) AS (
      SELECT (SELECT min(model_id) FROM api_calls WHERE purpose = ${purpose})
      UNION ALL
      SELECT (SELECT min(a.model_id) FROM api_calls AS a
              WHERE a.purpose = ${purpose} AND a.model_id > models.model_id)
      FROM models WHERE models.model_id IS NOT NULL
    )
    SELECT c.* FROM models
    JOIN api_calls AS c ON c.seq = (
      SELECT b.seq FROM api_calls AS b
      WHERE b.purpose = ${purpose} AND b.model_id = models.model_id
      ORDER BY b.started_at DESC, b.seq DESC
      LIMIT 1
    )
    WHERE models.model_id IS NOT NULL
    ORDER BY c.model_id`;
}

/** The facts of one attempt the live windows need. */
export type AttemptFacts = Pick<
  ApiCallRow,
  'modelId' | 'status' | 'errorClass' | 'errorCode' | 'ttftMs' | 'latencyMs' | 'promptTokens' | 'completionTokens' | 'cachedTokens' | 'costUsd'
>;

/**
 * The newest `limit` attempts started at or after `since`, oldest first: what the live windows
 * are warmed with when the app starts, so an overview right after a restart is not empty.
 */
export function recentAttempts(db: ReadableDB, since: number, limit: number): Array<AttemptFacts & { startedAt: number }> {
  const rows = queryAll<AttemptFacts & { startedAt: number }>(
    db,
    sql`SELECT model_id AS modelId, status, error_class AS errorClass, error_code AS errorCode,
               ttft_ms AS ttftMs, latency_ms AS latencyMs, prompt_tokens AS promptTokens,
               completion_tokens AS completionTokens, cached_tokens AS cachedTokens,
               cost_usd AS costUsd, started_at AS startedAt
        FROM api_calls WHERE started_at >= ${since}
        ORDER BY started_at DESC, seq DESC LIMIT ${Math.max(0, Math.trunc(limit))}`,
  );
  return rows.reverse();
}

export interface ListApiCallsOptions {
  /** Page size, 1..1000. */
  limit: number;
  /**
   * Only rows recorded before this one: pass the last row's id of the previous page. An id
   * that is not stored (e.g. removed by retention) gives an empty page.
   */
  beforeId?: string | undefined;
  modelId?: string | undefined;
  /** More conditions on api_calls' columns, code-authored (the costs screen's filters). */
  where?: readonly SqlFragment[] | undefined;
}

export const MAX_PAGE_SIZE = 1000;

/**
 * Recorded calls, newest first (in the order they were recorded), one page at a time.
 * Keyset paging: page N costs the same as page 1, even over a million rows.
 */
export function listApiCalls(db: ReadableDB, options: ListApiCallsOptions): ApiCallRow[] {
  return queryAll<DbRow>(db, listApiCallsQuery(options)).map(fromDb);
}

/** Exported for the query-plan test. */
export function listApiCallsQuery(options: ListApiCallsOptions): SqlFragment {
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_PAGE_SIZE);
  if (!Number.isFinite(limit)) {
    throw new AppError('INVALID_INPUT', 'The page size must be a number.', { limit: options.limit });
  }
  const where: SqlFragment[] = [];
  if (options.modelId !== undefined) where.push(sql`model_id = ${options.modelId}`);
  if (options.where) where.push(...options.where);
  if (options.beforeId !== undefined) {
    where.push(sql`seq < (SELECT cursor.seq FROM api_calls AS cursor WHERE cursor.id = ${options.beforeId})`);
  }
  const filter = where.length > 0 ? sql`WHERE ${sqlJoin(where, sql` AND `)}` : sql``;
  return sql`SELECT * FROM api_calls ${filter} ORDER BY seq DESC LIMIT ${limit}`;
}

export interface CostTotals {
  calls: number;
  /** Sum of the known costs, USD. */
  costUsd: number;
  /** Calls whose cost is unknown: costUsd does not include them. */
  unpricedCalls: number;
}

/** A total as DESIGN §6 reports it: what it holds, what it estimated, and what it leaves out. */
export interface CostAccount extends CostTotals {
  /** Calls the client priced itself, without the provider's usage (a broken answer). */
  estimatedCalls: number;
  /** Answers (not failures) of unknown cost: without them a total would not be one. */
  unpricedAnswers: number;
}

/**
 * What recorded calls cost, overall or for one batch (across every run of it). An estimated
 * call is one priced without the provider's token counts (they are null) that cost something:
 * a refusal's certain $0 is recorded with the same source but is no estimate.
 */
export function sumApiCallCosts(db: ReadableDB, filter: { batchId?: string | undefined; simulated?: boolean } = {}): CostAccount {
  const parts: SqlFragment[] = [];
  if (filter.batchId !== undefined) parts.push(sql`batch_id = ${filter.batchId}`);
  if (filter.simulated !== undefined) parts.push(sql`simulated = ${filter.simulated ? 1 : 0}`);
  const where = parts.length > 0 ? sql`WHERE ${sqlJoin(parts, sql` AND `)}` : sql``;
  const row = queryOne<{ calls: number; cost: number; unpriced: number; estimated: number | null; unpriced_answers: number | null }>(
    db,
    sql`SELECT count(*) AS calls, total(cost_usd) AS cost,
               count(*) - count(cost_usd) AS unpriced,
               sum(cost_source = 'estimate' AND prompt_tokens IS NULL AND cost_usd > 0) AS estimated,
               sum(cost_usd IS NULL AND status = 'ok') AS unpriced_answers
        FROM api_calls ${where}`,
  );
  return {
    calls: row?.calls ?? 0,
    costUsd: row?.cost ?? 0,
    unpricedCalls: row?.unpriced ?? 0,
    estimatedCalls: row?.estimated ?? 0,
    unpricedAnswers: row?.unpriced_answers ?? 0,
  };
}
