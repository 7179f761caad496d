import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallManager, CallOutcome } from '../../../electron/api/index.ts';
import { Arrivals } from '../../../electron/grading/batch/arrivals.ts';
import type { GradingKit } from '../../../electron/grading/batch/grade-job.ts';
import { runBatch } from '../../../electron/grading/batch/run-batch.ts';
import { newPseudonymSecret, type BatchPlan } from '../../../electron/grading/batch/plan.ts';
import { prepareBatch } from '../../../electron/grading/batch/prepare.ts';
import { loadRubricFile } from '../../../electron/grading/rubric/index.ts';
import { closeDatabase, getBatch, jobsOfBatch, latestUnfinishedBatch, openDatabase, setBatchStatus, type WritableDB } from '../../../electron/store/index.ts';

/**
 * The batch runner with the store on a real database and the calls faked: what happens to
 * jobs when a second run starts on a live batch, when the database fails under a worker, and
 * when a stop comes before a request left.
 */

let dir: string;
let db: WritableDB;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-run-batch-'));
  db = openDatabase(join(dir, 'grades.db'));
});
afterEach(() => {
  if (db.open) closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

async function batchOf(essays: number): Promise<string> {
  const files = join(dir, `files-${essays}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(files);
  for (let i = 0; i < essays; i++) writeFileSync(join(files, `essay${i}.txt`), `Essay ${i}: homework should be optional, example ${i}.\n`);
  const rubric = await loadRubricFile(join(import.meta.dirname, '..', '..', '..', 'demo', 'rubric.json'));
  if (!rubric.ok) throw new Error(rubric.error.message);
  const plan: BatchPlan = { rubric: rubric.data, roster: null, pool: ['m'], compare: false, settings: {}, pseudonymSecret: newPseudonymSecret(), config: {} };
  const prepared = await prepareBatch(db, { paths: [files], plan, budgetUsd: null, estimateUsd: null, source: 'cli' });
  await prepared.images.stop();
  return prepared.batchId;
}

const kit: GradingKit = {
  buildRequest: () => ({ system: 'Grade.', parts: [{ type: 'text', text: 'An essay.' }] }),
  score: () => ({ score: 1, maxScore: 2, criteria: [], flags: [], value: { criteria: [] } }),
};

const answer: CallOutcome = { ok: true, requestId: 'r', modelId: 'm', content: '{}', value: {}, attempts: 1, costUsd: 0.01, costUnpriced: false, latencyMs: 5, ttftMs: 5 };

/** A fake call manager: records which jobs it was asked for, and answers with `respond`. */
function calls(respond: (jobId: number) => Promise<CallOutcome>): Pick<CallManager, 'execute'> & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    execute: (_request, options) => {
      asked.push(options.jobId ?? -1);
      return respond(options.jobId ?? -1);
    },
  };
}

describe('the batch runner', () => {
  it('refuses a second run on a batch another live run is grading, so no job is sent twice', async () => {
    const batchId = await batchOf(3);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = calls(async () => {
      await gate;
      return answer;
    });
    const running = runBatch({ db, calls: first, batchId, kit, concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = calls(async () => answer);
    await expect(runBatch({ db, calls: second, batchId, kit, concurrency: 2 })).rejects.toMatchObject({ code: 'BATCH_IN_PROGRESS' });
    expect(second.asked).toEqual([]);
    open();
    await expect(running).resolves.toMatchObject({ status: 'completed', retriedInDoubt: 0 });
    expect(first.asked.sort()).toEqual(jobsOfBatch(db, batchId).map((j) => j.id));
    expect(getBatch(db, batchId)?.possibleDuplicates).toBe(0);
  });

  it('stops every worker when the database fails under one, and leaves the batch resumable', async () => {
    const batchId = await batchOf(6);
    const jobs = jobsOfBatch(db, batchId).map((j) => j.id);
    const failing = calls(async (jobId) => {
      if (jobId === jobs[1]) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return answer;
    });
    await expect(runBatch({ db, calls: failing, batchId, kit, concurrency: 2 })).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    // The worker beside it finished the job it had; nothing more was started.
    expect(failing.asked).toEqual([jobs[0], jobs[1]]);
    expect(getBatch(db, batchId)?.status).toBe('interrupted');
    expect(jobsOfBatch(db, batchId).filter((j) => j.status === 'running')).toEqual([]);
    // The failed job's request may have left: it is in doubt, and a resume sends it again.
    expect(jobsOfBatch(db, batchId).find((j) => j.id === jobs[1])?.status).toBe('in_doubt');
    const resumed = calls(async () => answer);
    await expect(runBatch({ db, calls: resumed, batchId, kit, concurrency: 2 })).resolves.toMatchObject({ status: 'completed', retriedInDoubt: 1 });
    expect(resumed.asked.sort()).toEqual(jobs.slice(1));
  });

  it('counts nothing as possibly paid twice for requests a stop caught before they left', async () => {
    const batchId = await batchOf(3);
    const stop = new AbortController();
    const waiting = calls(async () => {
      stop.abort();
      return { ok: false, requestId: 'r', error: { code: 'ABORTED', message: 'The request was cancelled.' }, attempts: 0, costUsd: 0, costUnpriced: false };
    });
    await expect(runBatch({ db, calls: waiting, batchId, kit, concurrency: 3, signal: stop.signal })).resolves.toMatchObject({ status: 'interrupted' });
    expect(jobsOfBatch(db, batchId).map((j) => j.status)).toEqual(['queued', 'queued', 'queued']);
    await expect(runBatch({ db, calls: calls(async () => answer), batchId, kit, concurrency: 3 })).resolves.toMatchObject({ status: 'completed', retriedInDoubt: 0 });
    expect(getBatch(db, batchId)?.possibleDuplicates).toBe(0);
  });

  it('reports progress to the end when a photo it was waiting for drops out', async () => {
    const batchId = await batchOf(2);
    const photo = new Arrivals(1);
    const seen: string[] = [];
    const answering = calls(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return answer;
    });
    const run = runBatch({ db, calls: answering, batchId, kit, concurrency: 1, arrivals: photo, onProgress: (p) => seen.push(`${p.done}/${p.total}`) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    photo.settle(); // its file changed: it will never join the queue
    await run;
    expect(seen).toEqual(['1/3', '2/3', '2/2']);
  });

  it('resumes the newest batch that can go on, not a partial one whose failures need the teacher', async () => {
    const interrupted = await batchOf(1);
    setBatchStatus(db, interrupted, 'interrupted', Date.now());
    const partial = await batchOf(1);
    // As a run leaves it: every job ended, some failed.
    db.prepare(`UPDATE jobs SET status = 'failed' WHERE batch_id = ?`).run(partial);
    setBatchStatus(db, partial, 'partial', Date.now() + 1);
    expect(latestUnfinishedBatch(db)?.id).toBe(interrupted);
    // Once the teacher's decision queues work in it again (`gradedesk decide`), it can go on.
    db.prepare(`UPDATE jobs SET status = 'queued' WHERE batch_id = ?`).run(partial);
    expect(latestUnfinishedBatch(db)?.id).toBe(partial);
  });
});
