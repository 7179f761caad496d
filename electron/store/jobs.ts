/**
 * The durable grading queue (jobs) and what it produces (gradings). The shape of every write
 * follows STYLE §8: the HTTP call happens outside any transaction; claiming, marking a job as
 * sent, and saving its result are each one short synchronous transaction, and the first
 * terminal write of a job wins (a late duplicate answer changes nothing).
 */
import type { ReadableDB, WritableDB } from './db-types.ts';
import { sql } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'in_doubt' | 'cancelled';

export interface JobRow {
  id: number;
  batchId: string;
  submissionId: number;
  modelId: string;
  status: JobStatus;
  attempt: number;
  idempotencyKey: string;
  sentAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

interface JobDbRow {
  id: number;
  batch_id: string;
  submission_id: number;
  model_id: string;
  status: JobStatus;
  attempt: number;
  idempotency_key: string;
  sent_at: number | null;
  error_code: string | null;
  error_message: string | null;
}

const toJob = (r: JobDbRow): JobRow => ({
  id: r.id,
  batchId: r.batch_id,
  submissionId: r.submission_id,
  modelId: r.model_id,
  status: r.status,
  attempt: r.attempt,
  idempotencyKey: r.idempotency_key,
  sentAt: r.sent_at,
  errorCode: r.error_code,
  errorMessage: r.error_message,
});

const JOB_COLUMNS = sql`id, batch_id, submission_id, model_id, status, attempt, idempotency_key, sent_at, error_code, error_message`;

/** Adds a job unless one with the same idempotency key exists; returns its id either way. */
export function enqueueJob(
  db: WritableDB,
  job: { batchId: string; submissionId: number; modelId: string; idempotencyKey: string; now: number },
): number {
  execute(
    db,
    sql`INSERT INTO jobs (batch_id, submission_id, model_id, status, idempotency_key, created_at, updated_at)
        VALUES (${job.batchId}, ${job.submissionId}, ${job.modelId}, 'queued', ${job.idempotencyKey}, ${job.now}, ${job.now})
        ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  const row = queryOne<{ id: number }>(db, sql`SELECT id FROM jobs WHERE idempotency_key = ${job.idempotencyKey}`);
  return row?.id ?? -1;
}

/**
 * Claims up to `limit` queued jobs of a batch for `owner`: status 'running', a lease, and the
 * attempt counted at claim time (so a crash mid-call still shows the attempt).
 */
export function claimJobs(db: WritableDB, opts: { batchId: string; owner: string; leaseMs: number; limit: number; now: number }): JobRow[] {
  return db.transaction(() => {
    const rows = queryAll<JobDbRow>(
      db,
      sql`SELECT ${JOB_COLUMNS} FROM jobs WHERE batch_id = ${opts.batchId} AND status = 'queued' ORDER BY id LIMIT ${opts.limit}`,
    );
    for (const row of rows) {
      execute(
        db,
        sql`UPDATE jobs SET status = 'running', attempt = attempt + 1, lease_owner = ${opts.owner},
            lease_until = ${opts.now + opts.leaseMs}, sent_at = NULL, updated_at = ${opts.now}
            WHERE id = ${row.id} AND status = 'queued'`,
      );
    }
    return rows.map((r) => toJob({ ...r, status: 'running', attempt: r.attempt + 1, sent_at: null }));
  }).immediate();
}

/** Committed right before the request goes out: after a crash, this is what makes a job "in doubt". */
export function markJobSent(db: WritableDB, jobId: number, now: number): void {
  execute(db, sql`UPDATE jobs SET sent_at = ${now}, updated_at = ${now} WHERE id = ${jobId} AND status = 'running'`);
}

export interface GradingInsert {
  submissionId: number;
  modelId: string;
  criteria: unknown;
  score: number;
  maxScore: number;
  rawOutput: string | null;
  flags: readonly string[];
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  latencyMs: number | null;
  costUsd: number | null;
  /** The whole structured answer, for the compare view. */
  value: unknown;
}

/**
 * Saves a job's grading and closes the job in one transaction. Returns false when the job had
 * already ended (the first terminal write wins) — then nothing is written.
 */
export function completeJob(db: WritableDB, jobId: number, grading: GradingInsert, now: number): boolean {
  return db.transaction(() => {
    const closed = execute(
      db,
      sql`UPDATE jobs SET status = 'done', settled_cost_usd = ${grading.costUsd}, finished_at = ${now}, updated_at = ${now},
          lease_owner = NULL, lease_until = NULL, error_code = NULL, error_message = NULL
          WHERE id = ${jobId} AND status IN ('running', 'in_doubt', 'queued')`,
    );
    if (closed === 0) return false;
    execute(
      db,
      sql`INSERT INTO gradings (submission_id, model_id, job_id, criteria_json, score, max_score, raw_output, flags_json,
            prompt_tokens, completion_tokens, cached_tokens, latency_ms, cost_usd, value_json, created_at)
          VALUES (${grading.submissionId}, ${grading.modelId}, ${jobId}, ${JSON.stringify(grading.criteria)}, ${grading.score},
            ${grading.maxScore}, ${grading.rawOutput}, ${JSON.stringify(grading.flags)}, ${grading.promptTokens},
            ${grading.completionTokens}, ${grading.cachedTokens}, ${grading.latencyMs}, ${grading.costUsd},
            ${JSON.stringify(grading.value ?? null)}, ${now})
          ON CONFLICT (submission_id, model_id) DO NOTHING`,
    );
    return true;
  }).immediate();
}

/** Ends a job as failed, unless it already ended. */
export function failJob(db: WritableDB, jobId: number, error: { code: string; message: string; costUsd: number | null }, now: number): boolean {
  return (
    execute(
      db,
      sql`UPDATE jobs SET status = 'failed', error_code = ${error.code}, error_message = ${error.message},
          settled_cost_usd = ${error.costUsd}, finished_at = ${now}, updated_at = ${now}, lease_owner = NULL, lease_until = NULL
          WHERE id = ${jobId} AND status IN ('running', 'in_doubt', 'queued')`,
    ) > 0
  );
}

/** Puts a claimed job back (interrupted before anything was sent). */
export function requeueJob(db: WritableDB, jobId: number, now: number): void {
  execute(
    db,
    sql`UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, sent_at = NULL, updated_at = ${now}
        WHERE id = ${jobId} AND status = 'running'`,
  );
}

/**
 * Gives a claimed job back after its run failed: queued if its request never left, in doubt
 * (it may have been paid) if it did.
 */
export function releaseRunningJob(db: WritableDB, jobId: number, now: number): void {
  execute(
    db,
    sql`UPDATE jobs SET status = CASE WHEN sent_at IS NULL THEN 'queued' ELSE 'in_doubt' END,
          lease_owner = NULL, lease_until = NULL, updated_at = ${now}
        WHERE id = ${jobId} AND status = 'running'`,
  );
}

/**
 * Owners of a batch's running jobs whose leases have not run out, and the process reading its
 * files while it is prepared (preparation.ts): that one has no lease to run out, so callers
 * judge every owner by whether its process lives (ownerIsAlive), as they do anyway.
 */
export function liveLeaseOwners(db: ReadableDB, batchId: string, now: number): string[] {
  return queryAll<{ lease_owner: string }>(
    db,
    sql`SELECT DISTINCT lease_owner FROM jobs
        WHERE batch_id = ${batchId} AND status = 'running' AND lease_owner IS NOT NULL AND lease_until > ${now}
        UNION SELECT preparer FROM batches WHERE id = ${batchId} AND preparer IS NOT NULL`,
  ).map((r) => r.lease_owner);
}

/** Extends the leases of the jobs an owner is still working on. */
export function renewLeases(db: WritableDB, owner: string, until: number, now: number): void {
  execute(db, sql`UPDATE jobs SET lease_until = ${until}, updated_at = ${now} WHERE lease_owner = ${owner} AND status = 'running'`);
}

export interface RecoveryReport {
  /** Jobs that were running with a request sent and no result: a paid call may have happened. */
  inDoubt: number;
  /** Jobs that were claimed but had sent nothing: simply queued again. */
  requeued: number;
}

/**
 * After a crash (or at resume), every job still 'running' belongs to a dead process. Those that
 * had sent their request become 'in_doubt'; the rest go back to the queue.
 */
export function recoverInterruptedJobs(db: WritableDB, batchId: string, now: number): RecoveryReport {
  return db.transaction(() => {
    const inDoubt = execute(
      db,
      sql`UPDATE jobs SET status = 'in_doubt', lease_owner = NULL, lease_until = NULL, updated_at = ${now}
          WHERE batch_id = ${batchId} AND status = 'running' AND sent_at IS NOT NULL`,
    );
    const requeued = execute(
      db,
      sql`UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, updated_at = ${now}
          WHERE batch_id = ${batchId} AND status = 'running'`,
    );
    return { inDoubt, requeued };
  }).immediate();
}

/** Retries in-doubt jobs: they go back to the queue and are counted as possible duplicate payments. */
export function requeueInDoubt(db: WritableDB, batchId: string, now: number): number {
  return db.transaction(() => {
    execute(
      db,
      sql`UPDATE batches SET possible_duplicates = possible_duplicates +
            (SELECT count(*) FROM jobs WHERE batch_id = ${batchId} AND status = 'in_doubt')
          WHERE id = ${batchId}`,
    );
    return execute(db, sql`UPDATE jobs SET status = 'queued', updated_at = ${now} WHERE batch_id = ${batchId} AND status = 'in_doubt'`);
  }).immediate();
}

/**
 * Puts a batch's jobs that failed with one of `codes` (a setup cause: a refused or missing
 * key, no credits, no model) back in the queue, and their submissions back to waiting for a
 * grade. Answers how many jobs.
 */
export function requeueFailedJobs(db: WritableDB, batchId: string, codes: readonly string[], now: number): number {
  if (codes.length === 0) return 0;
  const list = JSON.stringify(codes);
  return db.transaction(() => {
    execute(
      db,
      sql`UPDATE submissions SET status = 'extracted', error_code = NULL, error_message = NULL, updated_at = ${now}
          WHERE status = 'failed' AND id IN (SELECT submission_id FROM jobs WHERE batch_id = ${batchId} AND status = 'failed'
            AND error_code IN (SELECT value FROM json_each(${list})))`,
    );
    return execute(
      db,
      sql`UPDATE jobs SET status = 'queued', error_code = NULL, error_message = NULL, sent_at = NULL, finished_at = NULL, updated_at = ${now}
          WHERE batch_id = ${batchId} AND status = 'failed' AND error_code IN (SELECT value FROM json_each(${list}))`,
    );
  }).immediate();
}

export function jobsOfBatch(db: ReadableDB, batchId: string): JobRow[] {
  return queryAll<JobDbRow>(db, sql`SELECT ${JOB_COLUMNS} FROM jobs WHERE batch_id = ${batchId} ORDER BY id`).map(toJob);
}

export function countJobs(db: ReadableDB, batchId: string): Record<JobStatus, number> {
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0, in_doubt: 0, cancelled: 0 };
  for (const row of queryAll<{ status: JobStatus; n: number }>(
    db,
    sql`SELECT status, count(*) AS n FROM jobs WHERE batch_id = ${batchId} GROUP BY status`,
  )) {
    counts[row.status] = row.n;
  }
  return counts;
}
