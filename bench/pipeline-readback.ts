/**
 * What bench 3 reads back after the run: the CLI's JSON report, the phases and calls in the
 * database it wrote, and the same files extracted again in this process, alone.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeExtractionWorkers, extractDocument } from '../electron/grading/documents/index.ts';
import { closeDatabase, openDatabase } from '../electron/store/index.ts';
import type { GeneratedFile } from './pipeline-inputs.ts';
import { summarize, type LatencySummary } from './stats.ts';

export interface CliReport {
  batch_id: string;
  status: string;
  submissions: Array<{ file: string; status: string; error?: { code: string }; flags?: string[] }>;
  total_cost_usd: number | null;
  api_calls: number;
  possible_duplicate_paid_calls: number;
}

export interface DbTimes {
  batchCreatedAt: number;
  batchFinishedAt: number | null;
  firstCallStartedAt: number | null;
  lastJobFinishedAt: number | null;
  exactCostUsd: number;
  calls: number;
  callsByModel: Record<string, number>;
  callsByOutcome: Record<string, number>;
  okLatency: LatencySummary;
  okTtft: LatencySummary;
}

export function readDb(dbPath: string, batchId: string): DbTimes {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const batch = db.prepare('SELECT created_at AS created, finished_at AS finished FROM batches WHERE id = ?').get(batchId) as { created: number; finished: number | null } | undefined;
    if (!batch) throw new Error(`batch ${batchId} is not in ${dbPath}`);
    const calls = db
      .prepare('SELECT min(started_at) AS first, count(*) AS n, total(cost_usd) AS cost FROM api_calls WHERE batch_id = ?')
      .get(batchId) as { first: number | null; n: number; cost: number };
    const lastJob = db.prepare('SELECT max(finished_at) AS last FROM jobs WHERE batch_id = ?').get(batchId) as { last: number | null };
    const byModel = db.prepare('SELECT model_id AS model, count(*) AS n FROM api_calls WHERE batch_id = ? GROUP BY model_id').all(batchId) as Array<{ model: string; n: number }>;
    const byOutcome = db
      .prepare("SELECT CASE WHEN status = 'ok' THEN 'ok' ELSE coalesce(error_code, 'error') END AS outcome, count(*) AS n FROM api_calls WHERE batch_id = ? GROUP BY outcome")
      .all(batchId) as Array<{ outcome: string; n: number }>;
    const ok = db.prepare("SELECT latency_ms AS latency, ttft_ms AS ttft FROM api_calls WHERE batch_id = ? AND status = 'ok'").all(batchId) as Array<{ latency: number | null; ttft: number | null }>;
    return {
      batchCreatedAt: batch.created,
      batchFinishedAt: batch.finished,
      firstCallStartedAt: calls.first,
      lastJobFinishedAt: lastJob.last,
      exactCostUsd: calls.cost,
      calls: calls.n,
      callsByModel: Object.fromEntries(byModel.map((r) => [r.model, r.n])),
      callsByOutcome: Object.fromEntries(byOutcome.map((r) => [r.outcome, r.n])),
      okLatency: summarize(ok.flatMap((r) => (r.latency === null ? [] : [r.latency]))),
      okTtft: summarize(ok.flatMap((r) => (r.ttft === null ? [] : [r.ttft]))),
    };
  } finally {
    closeDatabase(db);
  }
}

/** Jobs done so far, for progress; null while the database is not there yet. */
export function jobsDone(dbPath: string): { done: number; failed: number } | null {
  try {
    const db = openDatabase(dbPath, { readonly: true });
    try {
      return db.prepare("SELECT sum(status = 'done') AS done, sum(status = 'failed') AS failed FROM jobs").get() as { done: number; failed: number };
    } finally {
      closeDatabase(db);
    }
  } catch {
    return null;
  }
}

// Extraction alone

export interface ExtractionAlone {
  totalSeconds: number;
  firstFileMs: number;
  byKind: Record<string, { files: number; seconds: number; maxMs: number }>;
  failures: string[];
}

/** The same files through the documents module, one after another as prepareBatch reads them. */
export async function extractionAlone(dir: string, files: readonly GeneratedFile[]): Promise<ExtractionAlone> {
  const byKind: ExtractionAlone['byKind'] = {};
  const failures: string[] = [];
  let first = Number.NaN;
  const started = performance.now();
  try {
    for (const f of files) {
      const t = performance.now();
      const result = await extractDocument({ path: path.join(dir, f.name) });
      const ms = performance.now() - t;
      if (Number.isNaN(first)) first = ms;
      if (!result.ok) failures.push(`${f.name}: ${result.error.code}`);
      const k = (byKind[f.kind] ??= { files: 0, seconds: 0, maxMs: 0 });
      k.files += 1;
      k.seconds += ms / 1000;
      k.maxMs = Math.max(k.maxMs, ms);
    }
  } finally {
    await closeExtractionWorkers();
  }
  return { totalSeconds: (performance.now() - started) / 1000, firstFileMs: first, byKind, failures };
}
