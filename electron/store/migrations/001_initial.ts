import type { Migration } from './types.ts';

/*
 * Conventions for every table:
 *
 * - STRICT tables: a wrong type is an error instead of being stored silently.
 * - Times are INTEGER milliseconds since the Unix epoch (Date.now()): cheap to compare, index
 *   and bucket by hour/day.
 * - Money is REAL US dollars (columns end in `_usd`). Why not integer micro-dollars: one call
 *   to a cheap model routinely costs less than a micro-dollar (e.g. 40 tokens at
 *   $0.03/M = $0.0000012), so rounding every row to whole micro-dollars would drift from the
 *   provider's bill by up to half a micro-dollar per call, which over a batch is far more than
 *   a micro-dollar. A REAL keeps exactly the double the provider reported in `usage.cost`
 *   (15+ significant digits), and SQLite's SUM() uses Kahan-Babushka-Neumaier summation
 *   (since 3.43), so totals over a million rows agree with the ledger to well under a
 *   micro-dollar. Round only for display. NULL means "unknown" (unpriced), never 0.
 * - Status-like TEXT columns are not CHECK-constrained: SQLite can only change a CHECK by
 *   rebuilding the table, and these sets will grow. The TypeScript row types hold the sets.
 *   CHECKs are kept for invariants that will not change (JSON validity, non-negative money).
 * - api_calls is an audit log: it has no foreign keys, so the monitor's batched writes never
 *   fail on ordering, and the history (and the money) survives deleting a batch.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  // eslint-disable-next-line max-lines-per-function -- the schema as shipped: one SQL text, never edited once released
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY NOT NULL,
        value      TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE rubrics (
        id           TEXT PRIMARY KEY NOT NULL,
        title        TEXT NOT NULL,
        -- the rubric file (DESIGN §5) as loaded
        rubric_json  TEXT NOT NULL CHECK (json_valid(rubric_json)),
        -- sha-256 of the canonical JSON: the same rubric used again is stored once
        content_hash TEXT NOT NULL,
        max_points   REAL NOT NULL,
        created_at   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rubrics_content_hash ON rubrics (content_hash);

      CREATE TABLE batches (
        id            TEXT PRIMARY KEY NOT NULL,  -- 'b_…'
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        finished_at   INTEGER,
        -- 'running' | 'completed' | 'partial' | 'budget_stopped' | 'interrupted'
        status        TEXT NOT NULL,
        rubric_id     TEXT NOT NULL REFERENCES rubrics (id),
        -- the configuration the batch runs with (no secrets), so resume can reuse it
        config_json   TEXT NOT NULL CHECK (json_valid(config_json)),
        -- the per-batch cap; NULL = no cap
        budget_usd    REAL CHECK (budget_usd IS NULL OR budget_usd >= 0),
        -- what the estimate said before anything was sent; NULL = not estimated
        estimate_usd  REAL CHECK (estimate_usd IS NULL OR estimate_usd >= 0),
        -- 'cli' | 'app'
        source        TEXT NOT NULL DEFAULT 'app'
      ) STRICT;
      CREATE INDEX batches_created_at ON batches (created_at);
      CREATE INDEX batches_rubric_id ON batches (rubric_id);

      -- INTEGER PRIMARY KEY: the FTS index refers to rows by rowid, which must be stable
      -- (VACUUM may renumber an implicit rowid).
      CREATE TABLE submissions (
        id             INTEGER PRIMARY KEY,
        batch_id       TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        file           TEXT NOT NULL,               -- as given on the command line / dropped
        student        TEXT,                         -- display name; NULL until known
        student_id     TEXT,                         -- roster id, if any
        file_hash      TEXT NOT NULL,               -- sha-256 hex of the file bytes
        kind           TEXT NOT NULL,               -- 'pdf' | 'docx' | 'text' | 'image'
        extracted_text TEXT,
        page_count     INTEGER,
        -- 'pending' | 'extracted' | 'graded' | 'failed' | 'in_doubt' | 'duplicate'
        status         TEXT NOT NULL DEFAULT 'pending',
        duplicate_of   INTEGER REFERENCES submissions (id) ON DELETE SET NULL,
        flags_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags_json)),
        error_code     TEXT,
        error_message  TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        UNIQUE (batch_id, file)
      ) STRICT;
      CREATE INDEX submissions_batch_id ON submissions (batch_id, status);
      CREATE INDEX submissions_file_hash ON submissions (file_hash);
      CREATE INDEX submissions_duplicate_of ON submissions (duplicate_of) WHERE duplicate_of IS NOT NULL;

      -- Page images of scans and photos, kept apart so listing submissions never reads them.
      CREATE TABLE submission_pages (
        submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        page          INTEGER NOT NULL,             -- 1-based
        mime          TEXT NOT NULL,
        width         INTEGER,
        height        INTEGER,
        data          BLOB NOT NULL,
        PRIMARY KEY (submission_id, page)
      ) STRICT, WITHOUT ROWID;

      -- Durable queue: one job per submission × model. A worker claims a job by setting
      -- status 'running' and lease_until; a job whose lease ran out belongs to a dead worker.
      -- sent_at is set (in its own commit) right before the HTTP request goes out, so after a
      -- crash a running job with sent_at and no grading is "in doubt" (possibly paid).
      CREATE TABLE jobs (
        id                INTEGER PRIMARY KEY,
        batch_id          TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        submission_id     INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        model_id          TEXT NOT NULL,
        -- 'queued' | 'running' | 'done' | 'failed' | 'in_doubt' | 'cancelled'
        status            TEXT NOT NULL DEFAULT 'queued',
        attempt           INTEGER NOT NULL DEFAULT 0,
        lease_owner       TEXT,
        lease_until       INTEGER,
        idempotency_key   TEXT NOT NULL UNIQUE,
        -- budget: reserved before sending, settled from the recorded calls afterwards
        reserved_cost_usd REAL NOT NULL DEFAULT 0 CHECK (reserved_cost_usd >= 0),
        settled_cost_usd  REAL CHECK (settled_cost_usd IS NULL OR settled_cost_usd >= 0),
        error_code        TEXT,
        error_message     TEXT,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        sent_at           INTEGER,
        finished_at       INTEGER
      ) STRICT;
      CREATE INDEX jobs_status_lease_until ON jobs (status, lease_until);
      CREATE INDEX jobs_batch_id ON jobs (batch_id, status);
      CREATE INDEX jobs_submission_id ON jobs (submission_id);

      -- What one model said about one submission. Totals are computed in code from the
      -- criteria, never taken from the model.
      CREATE TABLE gradings (
        id                INTEGER PRIMARY KEY,
        submission_id     INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        model_id          TEXT NOT NULL,
        job_id            INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
        -- [{id, points, max_points, level, evidence, feedback}]
        criteria_json     TEXT NOT NULL CHECK (json_valid(criteria_json)),
        score             REAL NOT NULL,
        max_score         REAL NOT NULL,
        raw_output        TEXT,
        flags_json        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags_json)),
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cached_tokens     INTEGER,
        latency_ms        INTEGER,
        cost_usd          REAL CHECK (cost_usd IS NULL OR cost_usd >= 0),  -- NULL = unknown
        created_at        INTEGER NOT NULL,
        UNIQUE (submission_id, model_id)
      ) STRICT;
      CREATE INDEX gradings_job_id ON gradings (job_id) WHERE job_id IS NOT NULL;

      -- The teacher's final word, one row per submission × criterion.
      CREATE TABLE reviews (
        id              INTEGER PRIMARY KEY,
        submission_id   INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        criterion_id    TEXT NOT NULL,
        points          REAL NOT NULL,
        feedback        TEXT,
        -- the model whose suggestion was accepted; NULL = the teacher's own
        source_model_id TEXT,
        reviewed_by     TEXT NOT NULL,
        reviewed_at     INTEGER NOT NULL,
        UNIQUE (submission_id, criterion_id)
      ) STRICT;

      -- One row per HTTP attempt (the audit trail). request_id groups the attempts of one
      -- logical request. Never holds prompt text or keys.
      -- id is chosen by the caller (a UUID) when the attempt happens, so the live record the
      -- monitor shows and the row written later in a batch are the same record. seq (the
      -- rowid) is the order rows were recorded in: keyset paging and tie-breaks use it.
      CREATE TABLE api_calls (
        seq               INTEGER PRIMARY KEY,
        id                TEXT NOT NULL,
        request_id        TEXT NOT NULL,
        purpose           TEXT NOT NULL,        -- 'check' | 'grading' | ...
        batch_id          TEXT,
        job_id            INTEGER,
        model_id          TEXT NOT NULL,
        endpoint          TEXT NOT NULL,
        started_at        INTEGER NOT NULL,
        attempt           INTEGER NOT NULL,     -- 1 = first try
        status            TEXT NOT NULL CHECK (status IN ('ok', 'error')),
        http_status       INTEGER,
        error_class       TEXT,
        error_code        TEXT,
        error_message     TEXT,
        decision          TEXT,                 -- what the retry manager did next
        waited_ms         INTEGER,              -- backoff waited before this attempt
        ttft_ms           INTEGER,
        latency_ms        INTEGER,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cached_tokens     INTEGER,
        cost_usd          REAL CHECK (cost_usd IS NULL OR cost_usd >= 0),  -- NULL = unknown
        -- 'provider' | 'estimate' | 'unpriced' | 'generation_lookup'
        cost_source       TEXT NOT NULL,
        generation_id     TEXT
      ) STRICT;
      CREATE UNIQUE INDEX api_calls_id ON api_calls (id);
      CREATE INDEX api_calls_started_at ON api_calls (started_at);
      CREATE INDEX api_calls_model_started_at ON api_calls (model_id, started_at);
      CREATE INDEX api_calls_purpose_model_started_at ON api_calls (purpose, model_id, started_at);
      -- paging one model's calls newest first
      CREATE INDEX api_calls_model_seq ON api_calls (model_id, seq);
      CREATE INDEX api_calls_batch_id ON api_calls (batch_id) WHERE batch_id IS NOT NULL;
      CREATE INDEX api_calls_job_id ON api_calls (job_id) WHERE job_id IS NOT NULL;
      CREATE INDEX api_calls_request_id ON api_calls (request_id);

      CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY,
        created_at      INTEGER NOT NULL,
        -- 'response_time' | 'error_rate' | 'cost_per_hour' | 'budget' | 'breaker_open' | ...
        kind            TEXT NOT NULL,
        severity        TEXT NOT NULL,          -- 'info' | 'warning' | 'critical'
        model_id        TEXT,
        batch_id        TEXT,
        message         TEXT NOT NULL,
        value           REAL,
        threshold       REAL,
        details_json    TEXT CHECK (details_json IS NULL OR json_valid(details_json)),
        acknowledged_at INTEGER,
        resolved_at     INTEGER
      ) STRICT;
      CREATE INDEX alerts_created_at ON alerts (created_at);
      CREATE INDEX alerts_open ON alerts (kind, model_id) WHERE resolved_at IS NULL;

      -- Circuit breakers survive a restart: an open breaker stays open.
      CREATE TABLE breaker_state (
        model_id             TEXT NOT NULL,
        endpoint             TEXT NOT NULL,
        state                TEXT NOT NULL,     -- 'closed' | 'open' | 'half_open'
        opened_at            INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        -- the breaker's sliding window, e.g. [{at, class}]
        failures_json        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(failures_json)),
        updated_at           INTEGER NOT NULL,
        PRIMARY KEY (model_id, endpoint)
      ) STRICT, WITHOUT ROWID;

      -- Full-text search over student names and submission text. External content: the
      -- text lives once, in submissions; the triggers keep the index in step with it.
      CREATE VIRTUAL TABLE submissions_fts USING fts5 (
        student,
        extracted_text,
        content = 'submissions',
        content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER submissions_fts_after_insert AFTER INSERT ON submissions BEGIN
        INSERT INTO submissions_fts (rowid, student, extracted_text)
        VALUES (new.id, new.student, new.extracted_text);
      END;
      CREATE TRIGGER submissions_fts_after_delete AFTER DELETE ON submissions BEGIN
        INSERT INTO submissions_fts (submissions_fts, rowid, student, extracted_text)
        VALUES ('delete', old.id, old.student, old.extracted_text);
      END;
      CREATE TRIGGER submissions_fts_after_update AFTER UPDATE OF student, extracted_text ON submissions BEGIN
        INSERT INTO submissions_fts (submissions_fts, rowid, student, extracted_text)
        VALUES ('delete', old.id, old.student, old.extracted_text);
        INSERT INTO submissions_fts (rowid, student, extracted_text)
        VALUES (new.id, new.student, new.extracted_text);
      END;
    `);
  },
};
