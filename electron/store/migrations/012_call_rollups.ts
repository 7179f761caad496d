import type { Migration } from './types.ts';

/*
 * Rollups of the audit trail, per local day × model × real-or-simulated, so the costs screen
 * reads a few hundred rows instead of scanning every attempt ever recorded (a busy year is a
 * million rows: 2 s per chart).
 *
 * They are kept by triggers on api_calls rather than by the recorder's code: every writer (the
 * app's recorder thread, the CLI, older code paths, a test) then keeps them in sync, inside the
 * same statement — and so the same transaction — as the insert. api_calls is append-only (no
 * UPDATE or DELETE anywhere), so an INSERT trigger is all it takes.
 *
 * - call_rollups: counts, money (known sum + unknown count, never 0 for unknown), tokens,
 *   retries and waits.
 * - call_rollup_errors: failed attempts per error class (with a code a teacher sees).
 * - call_rollup_latency: a histogram of successful calls' latency in buckets 10 % wide
 *   (bucket b holds [1.1^b, 1.1^(b+1)) ms), from which p50/p95 are read to within a bucket.
 * - job_cost_rollups: what each grading job cost, for one submission's costs (and to count a
 *   job once in call_rollups.jobs, which gives the cost per submission per day).
 *
 * The day is the local calendar day computed by SQLite, like costByDay's. Rows written before
 * this step are folded in once, below.
 */

const DAY = `date(NEW.started_at / 1000, 'unixepoch', 'localtime')`;
/** Kept in step with latencyBucket() in electron/costs/latency-buckets.ts. */
const BUCKET = (col: string): string => `CAST(floor(ln(max(${col}, 1)) / ln(1.1)) AS INTEGER)`;

const ROLLUP_COLUMNS = `day, model_id, simulated, calls, ok_calls, failed_calls, cancelled_calls,
  cost_usd, unpriced_calls, unpriced_answers, estimated_calls, prompt_tokens, completion_tokens,
  cached_tokens, first_attempts, retry_attempts, ok_after_retry, waits, waited_ms, rate_limited,
  wasted_cost_usd, wasted_unpriced, job_cost_usd, job_unpriced, jobs`;

/** One attempt's contribution, over the columns of `t` (NEW in the trigger, api_calls in the back-fill). */
function contribution(t: string): string {
  return `count(*), total(${t}.status = 'ok'),
    total(${t}.status = 'error' AND coalesce(${t}.error_class, '') <> 'aborted'),
    total(${t}.status = 'error' AND coalesce(${t}.error_class, '') = 'aborted'),
    total(${t}.cost_usd), total(${t}.cost_usd IS NULL), total(${t}.cost_usd IS NULL AND ${t}.status = 'ok'),
    total(${t}.cost_source = 'estimate' AND ${t}.prompt_tokens IS NULL AND coalesce(${t}.cost_usd, 0) > 0),
    total(${t}.prompt_tokens), total(${t}.completion_tokens), total(${t}.cached_tokens),
    total(${t}.attempt = 1), total(${t}.attempt > 1), total(${t}.status = 'ok' AND ${t}.attempt > 1),
    total(coalesce(${t}.waited_ms, 0) > 0), total(${t}.waited_ms),
    total(coalesce(${t}.error_class, '') = 'rate_limit'),
    total(CASE WHEN ${t}.status = 'error' THEN ${t}.cost_usd END),
    total(${t}.status = 'error' AND ${t}.cost_usd IS NULL),
    total(CASE WHEN ${t}.job_id IS NOT NULL THEN ${t}.cost_usd END),
    total(${t}.job_id IS NOT NULL AND ${t}.cost_usd IS NULL)`;
}

/** A job is counted once, on the day and model of its first recorded call. */
const NEW_JOB = `NEW.job_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM job_cost_rollups WHERE job_id = NEW.job_id)`;

const ROLLUP_UPSERT = `ON CONFLICT (day, model_id, simulated) DO UPDATE SET
  calls = calls + excluded.calls, ok_calls = ok_calls + excluded.ok_calls,
  failed_calls = failed_calls + excluded.failed_calls, cancelled_calls = cancelled_calls + excluded.cancelled_calls,
  cost_usd = cost_usd + excluded.cost_usd, unpriced_calls = unpriced_calls + excluded.unpriced_calls,
  unpriced_answers = unpriced_answers + excluded.unpriced_answers, estimated_calls = estimated_calls + excluded.estimated_calls,
  prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
  cached_tokens = cached_tokens + excluded.cached_tokens, first_attempts = first_attempts + excluded.first_attempts,
  retry_attempts = retry_attempts + excluded.retry_attempts, ok_after_retry = ok_after_retry + excluded.ok_after_retry,
  waits = waits + excluded.waits, waited_ms = waited_ms + excluded.waited_ms,
  rate_limited = rate_limited + excluded.rate_limited, wasted_cost_usd = wasted_cost_usd + excluded.wasted_cost_usd,
  wasted_unpriced = wasted_unpriced + excluded.wasted_unpriced, job_cost_usd = job_cost_usd + excluded.job_cost_usd,
  job_unpriced = job_unpriced + excluded.job_unpriced, jobs = jobs + excluded.jobs`;

const TABLES = `
  CREATE TABLE call_rollups (
    day              TEXT NOT NULL,
    model_id         TEXT NOT NULL,
    simulated        INTEGER NOT NULL,
    calls            INTEGER NOT NULL,
    ok_calls         INTEGER NOT NULL,
    failed_calls     INTEGER NOT NULL,   -- cancellations not included
    cancelled_calls  INTEGER NOT NULL,
    cost_usd         REAL NOT NULL,      -- known costs only
    unpriced_calls   INTEGER NOT NULL,
    unpriced_answers INTEGER NOT NULL,
    estimated_calls  INTEGER NOT NULL,
    prompt_tokens    INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens    INTEGER NOT NULL,
    first_attempts   INTEGER NOT NULL,   -- attempt = 1: one per request
    retry_attempts   INTEGER NOT NULL,
    ok_after_retry   INTEGER NOT NULL,
    waits            INTEGER NOT NULL,   -- attempts sent after a backoff wait
    waited_ms        INTEGER NOT NULL,
    rate_limited     INTEGER NOT NULL,
    wasted_cost_usd  REAL NOT NULL,      -- known cost of failed attempts
    wasted_unpriced  INTEGER NOT NULL,
    job_cost_usd     REAL NOT NULL,      -- known cost of calls made for a grading job
    job_unpriced     INTEGER NOT NULL,
    jobs             INTEGER NOT NULL,   -- jobs (one submission × one model) whose first call this was
    PRIMARY KEY (day, model_id, simulated)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE call_rollup_errors (
    day         TEXT NOT NULL,
    model_id    TEXT NOT NULL,
    simulated   INTEGER NOT NULL,
    error_class TEXT NOT NULL,
    error_code  TEXT,
    attempts    INTEGER NOT NULL,
    cost_usd    REAL NOT NULL,
    unpriced    INTEGER NOT NULL,
    waited_ms   INTEGER NOT NULL,
    PRIMARY KEY (day, model_id, simulated, error_class)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE call_rollup_latency (
    day       TEXT NOT NULL,
    model_id  TEXT NOT NULL,
    simulated INTEGER NOT NULL,
    bucket    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (day, model_id, simulated, bucket)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE job_cost_rollups (
    job_id    INTEGER PRIMARY KEY,
    simulated INTEGER NOT NULL,
    calls     INTEGER NOT NULL,
    cost_usd  REAL NOT NULL,
    unpriced  INTEGER NOT NULL,
    last_at   INTEGER NOT NULL
  ) STRICT;

  -- The attempts log filtered by error class, newest first, without reading every row.
  CREATE INDEX api_calls_class_seq ON api_calls (error_class, seq) WHERE error_class IS NOT NULL;
`;

const TRIGGER = `
  CREATE TRIGGER api_calls_rollup AFTER INSERT ON api_calls
  BEGIN
    INSERT INTO call_rollups (${ROLLUP_COLUMNS})
      SELECT ${DAY}, NEW.model_id, NEW.simulated, ${contribution('NEW')}, ${NEW_JOB}
      WHERE true
      ${ROLLUP_UPSERT};
    INSERT INTO call_rollup_errors (day, model_id, simulated, error_class, error_code, attempts, cost_usd, unpriced, waited_ms)
      SELECT ${DAY}, NEW.model_id, NEW.simulated, coalesce(NEW.error_class, 'unknown'), NEW.error_code, 1,
             coalesce(NEW.cost_usd, 0), NEW.cost_usd IS NULL, coalesce(NEW.waited_ms, 0)
      WHERE NEW.status = 'error'
      ON CONFLICT (day, model_id, simulated, error_class) DO UPDATE SET
        error_code = coalesce(max(error_code, excluded.error_code), error_code, excluded.error_code),
        attempts = attempts + 1, cost_usd = cost_usd + excluded.cost_usd,
        unpriced = unpriced + excluded.unpriced, waited_ms = waited_ms + excluded.waited_ms;
    INSERT INTO call_rollup_latency (day, model_id, simulated, bucket, n)
      SELECT ${DAY}, NEW.model_id, NEW.simulated, ${BUCKET('NEW.latency_ms')}, 1
      WHERE NEW.status = 'ok' AND NEW.latency_ms IS NOT NULL AND NEW.latency_ms >= 0
      ON CONFLICT (day, model_id, simulated, bucket) DO UPDATE SET n = n + 1;
    INSERT INTO job_cost_rollups (job_id, simulated, calls, cost_usd, unpriced, last_at)
      SELECT NEW.job_id, NEW.simulated, 1, coalesce(NEW.cost_usd, 0), NEW.cost_usd IS NULL, NEW.started_at
      WHERE NEW.job_id IS NOT NULL
      ON CONFLICT (job_id) DO UPDATE SET
        simulated = max(simulated, excluded.simulated), calls = calls + 1, cost_usd = cost_usd + excluded.cost_usd,
        unpriced = unpriced + excluded.unpriced, last_at = max(last_at, excluded.last_at);
  END;
`;

const A_DAY = `date(a.started_at / 1000, 'unixepoch', 'localtime')`;

const BACKFILL = `
  INSERT INTO call_rollups (${ROLLUP_COLUMNS})
    SELECT ${A_DAY}, a.model_id, a.simulated, ${contribution('a')}, 0
    FROM api_calls AS a GROUP BY 1, 2, 3;
  UPDATE call_rollups SET jobs = f.n FROM (
    SELECT ${A_DAY} AS day, a.model_id, a.simulated, count(*) AS n
    FROM (SELECT min(seq) AS seq FROM api_calls WHERE job_id IS NOT NULL GROUP BY job_id) AS firsts
    JOIN api_calls AS a ON a.seq = firsts.seq
    GROUP BY 1, 2, 3
  ) AS f
  WHERE call_rollups.day = f.day AND call_rollups.model_id = f.model_id AND call_rollups.simulated = f.simulated;
  INSERT INTO call_rollup_errors (day, model_id, simulated, error_class, error_code, attempts, cost_usd, unpriced, waited_ms)
    SELECT ${A_DAY}, a.model_id, a.simulated, coalesce(a.error_class, 'unknown'), max(a.error_code), count(*),
           total(a.cost_usd), total(a.cost_usd IS NULL), total(a.waited_ms)
    FROM api_calls AS a WHERE a.status = 'error' GROUP BY 1, 2, 3, 4;
  INSERT INTO call_rollup_latency (day, model_id, simulated, bucket, n)
    SELECT ${A_DAY}, a.model_id, a.simulated, ${BUCKET('a.latency_ms')}, count(*)
    FROM api_calls AS a WHERE a.status = 'ok' AND a.latency_ms IS NOT NULL AND a.latency_ms >= 0 GROUP BY 1, 2, 3, 4;
  INSERT INTO job_cost_rollups (job_id, simulated, calls, cost_usd, unpriced, last_at)
    SELECT a.job_id, max(a.simulated), count(*), total(a.cost_usd), total(a.cost_usd IS NULL), max(a.started_at)
    FROM api_calls AS a WHERE a.job_id IS NOT NULL GROUP BY a.job_id;
`;

export const migration012: Migration = {
  version: 12,
  name: 'call_rollups',
  up(db) {
    db.exec(TABLES);
    db.exec(BACKFILL);
    db.exec(TRIGGER);
  },
};

