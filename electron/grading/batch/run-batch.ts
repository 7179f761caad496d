import { randomUUID } from 'node:crypto';
import type { CallManager } from '../../api/call-manager.ts';
import type { ChatRequest } from '../../api/client/types.ts';
import { AppError } from '../../../shared/errors.ts';
import {
  claimJobs,
  completeJob,
  countJobs,
  failJob,
  liveLeaseOwners,
  markJobSent,
  releaseRunningJob,
  renewLeases,
  recoverInterruptedJobs,
  requeueInDoubt,
  requeueJob,
  setBatchStatus,
  startBatchRun,
  submissionsOfBatch,
  submissionPages,
  jobsOfBatch,
  setSubmissionStatus,
  type BatchStatus,
  type JobRow,
  type SubmissionRow,
  type WritableDB,
} from '../../store/index.ts';

/** What the batch runner needs from the grading logic, per submission. */
export interface GradingKit {
  buildRequest(submission: SubmissionRow, images: Array<{ mime: string; data: Buffer }>): ChatRequest;
  /** Scores a validated answer: totals in code, never from the model. */
  score(submission: SubmissionRow, value: unknown): { score: number; maxScore: number; criteria: unknown; flags: string[]; value: unknown };
}

export interface RunOptions {
  db: WritableDB;
  /** Only `execute` is used: a fake will do in tests. */
  calls: Pick<CallManager, 'execute'>;
  batchId: string;
  kit: GradingKit;
  /** Calls in flight across all models. */
  concurrency: number;
  /** Models the router may use for jobs not tied to one model. */
  pool?: readonly string[];
  signal?: AbortSignal;
  now?: () => number;
  onProgress?: (p: { done: number; failed: number; total: number }) => void;
  /** Submissions that join the queue while it is worked (images being redacted). */
  arrivals?: Arrivals;
  /** Jobs each arrival brings: the models of a submission's jobs. */
  jobsPerArrival?: number;
}

/**
 * Submissions that will join a batch's queue later: those whose images are still being
 * redacted. The runner's workers wait for them instead of ending when the queue is empty.
 */
export class Arrivals {
  private waiters: Array<() => void> = [];

  constructor(private outstanding: number) {}

  /** Arrivals still to come. */
  get pending(): number {
    return this.outstanding;
  }

  /** One arrival happened (its jobs are queued) or will not happen (it failed or was stopped). */
  settle(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.wake();
  }

  /** Wakes every waiting worker, so it can see that the run is over (a budget stop). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits for the next arrival to settle: false at once when none is to come, or on abort. */
  async next(signal?: AbortSignal): Promise<boolean> {
    if (this.outstanding === 0 || signal?.aborted) return false;
    await new Promise<void>((resolve) => {
      const onAbort = (): void => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    return !signal?.aborted;
  }
}

export interface RunReport {
  status: BatchStatus;
  /** Jobs found in flight from an earlier run and sent again (each may have been paid twice). */
  retriedInDoubt: number;
}

const LEASE_MS = 10 * 60_000;

/**
 * A lease owner names its process (`pid:uuid`). Another run on the same batch must not take
 * over jobs whose owner still lives: it would send them a second time. An owner whose process
 * is gone (a crash) or that names none (older rows) is recovered as before.
 */
function ownerIsAlive(owner: string): boolean {
  const pid = Number(owner.split(':')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !owner.includes(':')) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Works a batch's queue until it is empty, stopped by a budget, or cancelled. Any number of
 * runs may work the same batch one after another (resume): jobs left running by a dead process
 * are recovered first — those that had sent their request are "in doubt" and sent again,
 * counted as possible duplicate payments; nothing with a stored result is asked twice.
 */
export async function runBatch(options: RunOptions): Promise<RunReport> {
  const { db, calls, batchId, kit } = options;
  const now = options.now ?? Date.now;
  const owner = `${process.pid}:${randomUUID()}`;
  const live = liveLeaseOwners(db, batchId, now()).filter(ownerIsAlive);
  if (live.length > 0) {
    throw new AppError('BATCH_IN_PROGRESS', 'This batch is being graded right now by another GradeDesk window or command. Let it finish, or stop it, before resuming.', {
      batchId,
    });
  }
  recoverInterruptedJobs(db, batchId, now());
  const retriedInDoubt = requeueInDoubt(db, batchId, now());
  startBatchRun(db, batchId, now());

  const submissions = new Map(submissionsOfBatch(db, batchId).map((s) => [s.id, s]));
  let budgetStopped = false;
  let interrupted = false;
  /** An exception in a worker (the database failed): the others stop, the batch stays resumable. */
  let crash: unknown = null;
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const perArrival = options.jobsPerArrival ?? 1;
  let reported = '';
  const progress = (): void => {
    const c = countJobs(db, batchId);
    const total = Object.values(c).reduce((sum, n) => sum + n, 0) + (options.arrivals?.pending ?? 0) * perArrival;
    const line = `${c.done}/${c.failed}/${total}`;
    if (line === reported) return;
    reported = line;
    options.onProgress?.({ done: c.done, failed: c.failed, total });
  };
  // A call may outlast one lease (long deadlines): the live run keeps its jobs' leases fresh.
  const renewal = setInterval(() => {
    try {
      renewLeases(db, owner, now() + LEASE_MS, now());
    } catch {
      // The next renewal tries again; a lease that ran out only weakens the guard above.
    }
  }, LEASE_MS / 4);
  renewal.unref();

  const work = async (job: JobRow): Promise<void> => {
    const submission = submissions.get(job.submissionId);
    if (!submission || submission.text === null) {
      failJob(db, job.id, { code: 'UNREADABLE_DOCUMENT', message: 'The submission has no extracted content.', costUsd: null }, now());
      return;
    }
    const request = kit.buildRequest(submission, submissionPages(db, submission.id));
    markJobSent(db, job.id, now());
    const outcome = await calls.execute(request, {
      purpose: 'grading',
      batchId,
      jobId: job.id,
      ...(job.modelId === 'auto' ? (options.pool && options.pool.length > 0 ? { pool: options.pool } : {}) : { pool: [job.modelId] }),
      signal,
    });
    if (outcome.ok) {
      let scored: ReturnType<GradingKit['score']>;
      try {
        scored = kit.score(submission, outcome.value);
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'SCHEMA_INVALID';
        failJob(db, job.id, { code, message: (error as Error).message, costUsd: outcome.costUsd }, now());
        return;
      }
      completeJob(
        db,
        job.id,
        {
          submissionId: submission.id,
          modelId: outcome.modelId,
          criteria: scored.criteria,
          score: scored.score,
          maxScore: scored.maxScore,
          rawOutput: outcome.content,
          flags: scored.flags,
          promptTokens: null,
          completionTokens: null,
          cachedTokens: null,
          latencyMs: Math.round(outcome.latencyMs),
          costUsd: outcome.costUsd,
          value: scored.value,
        },
        now(),
      );
      return;
    }
    if (outcome.error.code === 'ABORTED') {
      if (outcome.attempts === 0) {
        // Stopped while it waited (a slot, the pacer, a Retry-After): nothing left, nothing paid.
        requeueJob(db, job.id, now());
        return;
      }
      // The request may have reached the provider (it was marked sent): in doubt for resume.
      releaseRunningJob(db, job.id, now());
      return;
    }
    if (outcome.error.code === 'BUDGET_EXCEEDED') {
      budgetStopped = true;
      options.arrivals?.wake();
      // Nothing was sent for it: back to the queue, so a resume with a larger budget does it.
      requeueJob(db, job.id, now());
      return;
    }
    failJob(db, job.id, { code: outcome.error.code, message: outcome.error.message, costUsd: outcome.costUsd }, now());
  };

  const worker = async (): Promise<void> => {
    while (!budgetStopped && crash === null) {
      if (options.signal?.aborted) {
        interrupted = true;
        return;
      }
      let job: JobRow | undefined;
      try {
        [job] = claimJobs(db, { batchId, owner, leaseMs: LEASE_MS, limit: 1, now: now() });
        if (!job) {
          // Bounded: each wait ends when an arrival settles (there are finitely many) or on abort.
          if (options.arrivals && (await options.arrivals.next(signal))) continue;
          if (options.signal?.aborted) interrupted = true;
          return;
        }
        if (signal.aborted) {
          requeueJob(db, job.id, now());
          if (options.signal?.aborted) interrupted = true;
          return;
        }
        await work(job);
        progress();
      } catch (error) {
        crash ??= error;
        stopper.abort();
        options.arrivals?.wake();
        if (job) {
          try {
            releaseRunningJob(db, job.id, now());
          } catch {
            // The database is what failed; a resume recovers the job from its lease.
          }
        }
        return;
      }
    }
  };
  let status: BatchStatus;
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => worker()));
    if (options.signal?.aborted) interrupted = true;
    status = settleBatch(db, batchId, { budgetStopped, interrupted: interrupted || crash !== null }, now());
    progress();
  } catch (error) {
    crash ??= error;
    status = 'interrupted';
  } finally {
    clearInterval(renewal);
  }
  if (crash !== null) {
    if (crash instanceof AppError) throw crash;
    throw new AppError('INTERNAL_ERROR', `Grading stopped because GradeDesk could not keep its records (${crash instanceof Error ? crash.message : String(crash)}). Nothing is lost: resume the batch to finish it.`, {
      batchId,
      status,
    });
  }
  return { status, retriedInDoubt };
}

/** Submission and batch statuses from their jobs, in one transaction. */
function settleBatch(db: WritableDB, batchId: string, run: { budgetStopped: boolean; interrupted: boolean }, at: number): BatchStatus {
  return db
    .transaction(() => {
      const jobs = jobsOfBatch(db, batchId);
      const bySubmission = new Map<number, JobRow[]>();
      for (const job of jobs) bySubmission.set(job.submissionId, [...(bySubmission.get(job.submissionId) ?? []), job]);
      let anyFailed = false;
      let anyOpen = false;
      for (const [submissionId, list] of bySubmission) {
        if (list.every((j) => j.status === 'done')) setSubmissionStatus(db, submissionId, 'graded', at);
        else if (list.some((j) => j.status === 'in_doubt')) {
          setSubmissionStatus(db, submissionId, 'in_doubt', at);
          anyOpen = true;
        } else if (list.some((j) => j.status === 'queued' || j.status === 'running')) anyOpen = true;
        else {
          const failed = list.find((j) => j.status === 'failed');
          setSubmissionStatus(db, submissionId, 'failed', at, { errorCode: failed?.errorCode ?? null, errorMessage: failed?.errorMessage ?? null });
          anyFailed = true;
        }
      }
      const submissions = submissionsOfBatch(db, batchId);
      const extractionFailed = submissions.some((s) => s.status === 'failed');
      // Images still waiting for redaction: those submissions have no jobs yet.
      if (submissions.some((s) => s.status === 'pending')) anyOpen = true;
      const status: BatchStatus = run.interrupted
        ? 'interrupted'
        : run.budgetStopped && anyOpen
          ? 'budget_stopped'
          : anyOpen
            ? 'interrupted'
            : anyFailed || extractionFailed
              ? 'partial'
              : 'completed';
      setBatchStatus(db, batchId, status, at);
      return status;
    })
    .immediate();
}
