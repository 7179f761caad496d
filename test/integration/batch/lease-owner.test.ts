import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallManager, CallOutcome } from '../../../electron/api/index.ts';
import type { GradingKit } from '../../../electron/grading/batch/grade-job.ts';
import { newLeaseOwner, ownerIsAlive } from '../../../electron/grading/batch/lease-owner.ts';
import { newPseudonymSecret, type BatchPlan } from '../../../electron/grading/batch/plan.ts';
import { prepareBatch } from '../../../electron/grading/batch/prepare.ts';
import { runBatch } from '../../../electron/grading/batch/run-batch.ts';
import { loadRubricFile } from '../../../electron/grading/rubric/index.ts';
import { claimJobs, closeDatabase, openDatabase, type WritableDB } from '../../../electron/store/index.ts';

/**
 * A run killed with SIGKILL leaves its jobs leased to a process that no longer works: resume
 * must see that at once, whether the dead process is still a zombie its parent has not reaped,
 * or its PID now belongs to another process (after a reboot).
 */

let dir: string;
let db: WritableDB;
let parent: ChildProcess | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-lease-'));
  db = openDatabase(join(dir, 'grades.db'));
});
afterEach(() => {
  // Our own child, by its id; once it is gone, init reaps the zombie it kept.
  parent?.kill('SIGKILL');
  parent = null;
  if (db.open) closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

const kit: GradingKit = {
  buildRequest: () => ({ system: 'Grade.', parts: [{ type: 'text', text: 'An essay.' }] }),
  score: () => ({ score: 1, maxScore: 2, criteria: [], flags: [], value: { criteria: [] } }),
};
const answer: CallOutcome = { ok: true, requestId: 'r', modelId: 'm', content: '{}', value: {}, attempts: 1, costUsd: 0.01, costUnpriced: false, latencyMs: 5, ttftMs: 5 };
const calls: Pick<CallManager, 'execute'> = { execute: async () => answer };

async function batchOf(essays: number): Promise<string> {
  const files = join(dir, 'files');
  mkdirSync(files);
  for (let i = 0; i < essays; i++) writeFileSync(join(files, `essay${i}.txt`), `Essay ${i}: homework should be optional, example ${i}.\n`);
  const rubric = await loadRubricFile(join(import.meta.dirname, '..', '..', '..', 'demo', 'rubric.json'));
  if (!rubric.ok) throw new Error(rubric.error.message);
  const plan: BatchPlan = { rubric: rubric.data, roster: null, pool: ['m'], compare: false, settings: {}, pseudonymSecret: newPseudonymSecret(), config: {} };
  const prepared = await prepareBatch(db, { paths: [files], plan, budgetUsd: null, estimateUsd: null, source: 'cli' });
  await prepared.images.stop();
  return prepared.batchId;
}

const statOf = (pid: number): string[] => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};

/**
 * A child that exits while its parent never reaps it: `sh` starts it in the background and
 * becomes `sleep`, which never waits. The child lives a moment first, so that `sh` has become
 * `sleep` before it exits (a busy machine could otherwise let `sh` reap it). Answers the
 * zombie's pid once it is one.
 */
async function makeZombie(): Promise<number> {
  const child = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  parent = child;
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('error', reject);
  });
  for (let i = 0; i < 300 && statOf(pid)[0] !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(statOf(pid)[0]).toBe('Z');
  return pid;
}

describe.runIf(process.platform === 'linux')('a lease whose owner died', () => {
  it('a zombie owner is dead: resume takes its jobs over at once instead of BATCH_IN_PROGRESS', async () => {
    const batchId = await batchOf(2);
    const zombie = await makeZombie();
    // What the old check saw: the PID answers signal 0 as if it lived.
    expect(() => process.kill(zombie, 0)).not.toThrow();
    claimJobs(db, { batchId, owner: `${zombie}:9f1c2a0e-1b7e-4c39-9d6a-0a4b8c2f9e11`, leaseMs: 600_000, limit: 2, now: Date.now() });
    await expect(runBatch({ db, calls, batchId, kit, concurrency: 2 })).resolves.toMatchObject({ status: 'completed' });
  });

  it('a PID now used by another process is no proof of life: the start time and boot say whose it is', async () => {
    const other = await makeZombie().then(() => parent!.pid!);
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const started = statOf(other)[19];
    expect(ownerIsAlive(`${other}:u:${bootId}/${started}`)).toBe(true);
    // The same PID, started at another time, or in an earlier boot: the owner is gone.
    expect(ownerIsAlive(`${other}:u:${bootId}/${Number(started) + 1}`)).toBe(false);
    expect(ownerIsAlive(`${other}:u:00000000-0000-0000-0000-000000000000/${started}`)).toBe(false);
    expect(ownerIsAlive(`${process.pid}:u:00000000-0000-0000-0000-000000000000/1`)).toBe(false);
    // This process's own owner lives.
    expect(ownerIsAlive(newLeaseOwner())).toBe(true);

    const batchId = await batchOf(2);
    claimJobs(db, { batchId, owner: `${other}:u:00000000-0000-0000-0000-000000000000/${started}`, leaseMs: 600_000, limit: 2, now: Date.now() });
    await expect(runBatch({ db, calls, batchId, kit, concurrency: 2 })).resolves.toMatchObject({ status: 'completed' });
  });
});
