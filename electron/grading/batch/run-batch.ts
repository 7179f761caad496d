import type { CallManager } from '../../api/call-manager.ts';
import { AppError } from '../../../shared/errors.ts';
import {
  claimJobs,
  countJobs,
  liveLeaseOwners,
  releaseRunningJob,
  renewLeases,
  recoverInterruptedJobs,
  requeueInDoubt,
  requeueFailedJobs,
  requeueJob,
  startBatchRun,
  submissionsOfBatch,
  type BatchStatus,
  type JobRow,
  type SubmissionRow,
  type WritableDB,
} from '../../store/index.ts';
import type { Arrivals } from './arrivals.ts';
import { newLeaseOwner, ownerIsAlive } from './lease-owner.ts';
import { gradeJob, type GradingKit, type JobContext } from './grade-job.ts';
import { SETUP_CODES } from './job-outcomes.ts';
import { settleBatch } from './settle.ts';
import { skipQueuedJobs, type RunDrain } from './skip.ts';

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
  /**
   * After a job failed for a setup cause: why no model of the batch can be asked any more (every
   * key refused, no credits), or null while some can. The run then stops, its jobs queued.
   */
  setupProblem?: () => Promise<{ code: string; message: string } | null>;
  /** Pause or cancel: no further job is claimed, calls in flight finish (unlike `signal`, which aborts them). */
  drain?: RunDrain;
  /**
   * Calibration: this run grades the jobs of at most this many submissions, in queue order;
   * the rest stays queued for a later run.
   */
  sampleSize?: number;
  /** A job was claimed and is about to be sent. */
  onJobStarted?: (job: JobRow) => void;
  /** A job of this run ended (graded, failed, back in the queue, in doubt): its state is in the store. */
  onJobEnded?: (job: JobRow) => void;
}

/** How the app steers a run beyond a hard abort: pause or cancel, a sample, and per-job news. */
export type RunControl = Pick<RunOptions, 'drain' | 'sampleSize' | 'onJobStarted' | 'onJobEnded'>;

export interface RunReport {
  status: BatchStatus;
  /** Jobs found in flight from an earlier run and sent again (each may have been paid twice). */
  retriedInDoubt: number;
}

const LEASE_MS = 10 * 60_000;

/**
 * Works a batch's queue until it is empty, stopped by a budget, or cancelled. Any number of
 * runs may work the same batch one after another (resume): jobs left running by a dead process
 * are recovered first — those that had sent their request are "in doubt" and sent again,
 * counted as possible duplicate payments; nothing with a stored result is asked twice.
 */
export async function runBatch(options: RunOptions): Promise<RunReport> {
  const { db, batchId } = options;
  const now = options.now ?? Date.now;
  const owner = newLeaseOwner();
  const retriedInDoubt = takeOverQueue(db, batchId, now);
  const run = new QueueRun(options, owner, now);
  // A call may outlast one lease (long deadlines): the live run keeps its jobs' leases fresh.
  const renewal = setInterval(() => {
    try {
      renewLeases(db, owner, now() + LEASE_MS, now());
    } catch {
      // The next renewal tries again; a lease that ran out only weakens the guard above.
    }
  }, LEASE_MS / 4);
  renewal.unref();

  let status: BatchStatus;
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => run.worker()));
    if (options.signal?.aborted) run.interrupted = true;
    const skipped = options.drain?.signal.aborted === true && options.drain.skipsRest && !run.interrupted && run.crash === null;
    if (skipped) skipQueuedJobs(db, batchId, now());
    status = settleBatch(db, batchId, { budgetStopped: run.budgetStopped, interrupted: run.interrupted || run.crash !== null, setupStop: run.setupStop, skipped }, now());
    run.progress();
  } catch (error) {
    run.crash ??= error;
    status = 'interrupted';
  } finally {
    clearInterval(renewal);
  }
  if (run.crash !== null) {
    if (run.crash instanceof AppError) throw run.crash;
    throw new AppError('INTERNAL_ERROR', `Grading stopped because GradeDesk could not keep its records (${run.crash instanceof Error ? run.crash.message : String(run.crash)}). Nothing is lost: resume the batch to finish it.`, {
      batchId,
      status,
    });
  }
  return { status, retriedInDoubt };
}

/**
 * Refuses a batch another live process is working on; else recovers what a dead run left
 * running, queues the jobs in doubt again, and counts a new run. Answers how many were in doubt.
 */
function takeOverQueue(db: WritableDB, batchId: string, now: () => number): number {
  const live = liveLeaseOwners(db, batchId, now()).filter(ownerIsAlive);
  if (live.length > 0) {
    throw new AppError('BATCH_IN_PROGRESS', 'This batch is being graded right now by another GradeDesk window or command. Let it finish, or stop it, before resuming.', {
      batchId,
    });
  }
  recoverInterruptedJobs(db, batchId, now());
  // Failed for a setup cause (a key, credits, no model): the teacher has fixed it, or the run
  // stops again at the first refusal.
  requeueFailedJobs(db, batchId, SETUP_CODES, now());
  const retriedInDoubt = requeueInDoubt(db, batchId, now());
  startBatchRun(db, batchId, now());
  return retriedInDoubt;
}

/** One run's workers over the queue, and what stopped them. */
class QueueRun {
  budgetStopped = false;
  interrupted = false;
  /** Every model of the batch was refused: no further job is claimed. */
  setupStop: { code: string; message: string } | null = null;
  /** An exception in a worker (the database failed): the others stop, the batch stays resumable. */
  crash: unknown = null;
  private readonly stopper = new AbortController();
  private readonly sampleEnd = new AbortController();
  private readonly signal: AbortSignal;
  private readonly submissions: Map<number, SubmissionRow>;
  private readonly job: JobContext;
  private reported = '';
  /** Submissions this run has started on, for a sample's limit. */
  private readonly started = new Set<number>();
  private sampleReached = false;
  /** Aborted by a drain, a sample's end, or the caller: what a waiting worker wakes up for. */
  private readonly waitSignal: AbortSignal;

  constructor(
    private readonly options: RunOptions,
    private readonly owner: string,
    private readonly now: () => number,
  ) {
    this.submissions = new Map(submissionsOfBatch(options.db, options.batchId).map((s) => [s.id, s]));
    this.signal = options.signal ? AbortSignal.any([options.signal, this.stopper.signal]) : this.stopper.signal;
    this.waitSignal = AbortSignal.any([this.signal, this.sampleEnd.signal, ...(options.drain ? [options.drain.signal] : [])]);
    const problem = options.setupProblem;
    this.job = {
      db: options.db,
      calls: options.calls,
      batchId: options.batchId,
      kit: options.kit,
      pool: options.pool,
      signal: this.signal,
      now,
      onBudgetExceeded: () => {
        this.budgetStopped = true;
        options.arrivals?.wake();
      },
      retriedAfterRefusal: new Set(),
      ...(problem ? { onSetupFailure: () => this.checkSetup(problem) } : {}),
    };
  }

  progress(): void {
    const { db, batchId, arrivals } = this.options;
    const c = countJobs(db, batchId);
    const total = Object.values(c).reduce((sum, n) => sum + n, 0) + (arrivals?.pending ?? 0) * (this.options.jobsPerArrival ?? 1);
    const line = `${c.done}/${c.failed}/${total}`;
    if (line === this.reported) return;
    this.reported = line;
    this.options.onProgress?.({ done: c.done, failed: c.failed, total });
  }

  /** No further job is claimed: paused, cancelled, or the sample is graded. */
  private draining(): boolean {
    return this.sampleReached || this.options.drain?.signal.aborted === true;
  }

  /**
   * Whether a claimed job belongs to the sample; the first job of a submission past it goes back
   * to the queue and ends the sample for every worker.
   */
  private inSample(job: JobRow): boolean {
    const size = this.options.sampleSize;
    if (size === undefined || this.started.has(job.submissionId)) return true;
    if (this.started.size < size) {
      this.started.add(job.submissionId);
      return true;
    }
    this.sampleReached = true;
    this.sampleEnd.abort();
    return false;
  }

  async worker(): Promise<void> {
    const { db, batchId, arrivals } = this.options;
    const callerSignal = this.options.signal;
    while (!this.budgetStopped && this.setupStop === null && this.crash === null && !this.draining()) {
      if (callerSignal?.aborted) {
        this.interrupted = true;
        return;
      }
      let job: JobRow | undefined;
      try {
        [job] = claimJobs(db, { batchId, owner: this.owner, leaseMs: LEASE_MS, limit: 1, now: this.now() });
        if (!job) {
          // Bounded: each wait ends when an arrival settles (there are finitely many), on abort or drain.
          if (arrivals && (await arrivals.next(this.waitSignal))) continue;
          if (callerSignal?.aborted) this.interrupted = true;
          return;
        }
        if (this.signal.aborted || this.draining() || !this.inSample(job)) {
          requeueJob(db, job.id, this.now());
          if (callerSignal?.aborted) this.interrupted = true;
          return;
        }
        this.options.onJobStarted?.(job);
        await gradeJob(this.job, job, this.submissions.get(job.submissionId));
        this.options.onJobEnded?.(job);
        this.progress();
      } catch (error) {
        this.stop(error, job);
        return;
      }
    }
  }

  /** After a setup failure: stops the run when no model of the batch can be asked any more. */
  private async checkSetup(problem: () => Promise<{ code: string; message: string } | null>): Promise<boolean> {
    if (this.setupStop) return true;
    const found = await problem();
    if (found === null) return false;
    this.setupStop ??= found;
    this.options.arrivals?.wake();
    return true;
  }

  private stop(error: unknown, job: JobRow | undefined): void {
    this.crash ??= error;
    this.stopper.abort();
    this.options.arrivals?.wake();
    if (!job) return;
    try {
      releaseRunningJob(this.options.db, job.id, this.now());
    } catch {
      // The database is what failed; a resume recovers the job from its lease.
    }
  }
}
