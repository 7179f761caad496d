import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { closeDatabase, openDatabase, type ApiCallRow, type WritableDB } from '../../../electron/store/index.ts';

/** A real database file in a fresh temp folder. */
export function tempDb(name = 'monitor.db'): { db: WritableDB; file: string; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradedesk-monitor-'));
  const file = path.join(dir, name);
  const db = openDatabase(file);
  return {
    db,
    file,
    dir,
    cleanup: () => {
      if (db.open) closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2025, 2, 10, 9, 0, 0)): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** One attempt row with sensible defaults. */
export function attempt(overrides: Partial<ApiCallRow> = {}): ApiCallRow {
  return {
    id: randomUUID(),
    requestId: randomUUID(),
    purpose: 'grading',
    batchId: null,
    jobId: null,
    modelId: 'model-a',
    endpoint: 'https://example.test/v1/chat/completions',
    startedAt: Date.UTC(2025, 2, 10, 9, 0, 0),
    attempt: 1,
    status: 'ok',
    httpStatus: 200,
    errorClass: null,
    errorCode: null,
    errorMessage: null,
    decision: 'done',
    waitedMs: 0,
    ttftMs: 100,
    latencyMs: 1000,
    promptTokens: 100,
    completionTokens: 50,
    cachedTokens: 0,
    costUsd: 0.001,
    costSource: 'provider',
    generationId: null,
    ...overrides,
  };
}

/** A failed attempt of `errorClass` with its code. */
export function failed(errorClass: string, errorCode: string, overrides: Partial<ApiCallRow> = {}): ApiCallRow {
  return attempt({
    status: 'error',
    httpStatus: errorClass === 'rate_limit' ? 429 : 500,
    errorClass,
    errorCode,
    errorMessage: 'failed',
    decision: 'retry_same:500ms',
    ttftMs: null,
    latencyMs: 200,
    promptTokens: null,
    completionTokens: null,
    costUsd: 0,
    costSource: 'estimate',
    ...overrides,
  });
}

export function count(db: WritableDB, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** A rubric, a batch, and one submission with one job per entry of `files`; returns job ids by file. */
export function seedBatch(db: WritableDB, batchId: string, files: string[], budgetUsd: number | null = null): Map<string, number> {
  const now = Date.UTC(2025, 0, 1);
  db.prepare(
    `INSERT OR IGNORE INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at)
     VALUES ('r1', 'Essay', '{}', 'h', 4, ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, budget_usd)
     VALUES (?, ?, ?, 'running', 'r1', '{}', ?)`,
  ).run(batchId, now, now, budgetUsd);
  const jobs = new Map<string, number>();
  for (const file of files) {
    const sub = db
      .prepare(
        `INSERT INTO submissions (batch_id, file, file_hash, kind, created_at, updated_at)
         VALUES (?, ?, 'hash', 'text', ?, ?) RETURNING id`,
      )
      .get(batchId, file, now, now) as { id: number };
    const job = db
      .prepare(
        `INSERT INTO jobs (batch_id, submission_id, model_id, idempotency_key, created_at, updated_at)
         VALUES (?, ?, 'model-a', ?, ?, ?) RETURNING id`,
      )
      .get(batchId, sub.id, `${batchId}:${file}`, now, now) as { id: number };
    jobs.set(file, job.id);
  }
  return jobs;
}
