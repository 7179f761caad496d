/**
 * One claimed job, start to end: its request built (through the grading kit), marked as sent,
 * sent, and its outcome recorded as a grading, a failure, a job back in the queue, or a job in
 * doubt (sent, and maybe paid, without an answer).
 */
import type { CallManager } from '../../api/call-manager.ts';
import type { ChatRequest } from '../../api/client/types.ts';
import { REFUSED_CODES, SETUP_CODES } from './job-outcomes.ts';
import { completeJob, failJob, markJobSent, releaseRunningJob, requeueJob, submissionPages, type JobRow, type SubmissionRow, type WritableDB } from '../../store/index.ts';

/** What the batch runner needs from the grading logic, per submission. */
export interface GradingKit {
  buildRequest(submission: SubmissionRow, images: Array<{ mime: string; data: Buffer }>): ChatRequest;
  /** Scores a validated answer: totals in code, never from the model. */
  score(submission: SubmissionRow, value: unknown): { score: number; maxScore: number; criteria: unknown; flags: string[]; value: unknown };
}

type CallOutcome = Awaited<ReturnType<CallManager['execute']>>;

export interface JobContext {
  db: WritableDB;
  /** Only `execute` is used: a fake will do in tests. */
  calls: Pick<CallManager, 'execute'>;
  batchId: string;
  kit: GradingKit;
  /** Models the router may use for jobs not tied to one model. */
  pool?: readonly string[] | undefined;
  /** The run's signal: the caller's, or the run's own stop after a crash. */
  signal: AbortSignal;
  now: () => number;
  /** The budget refused the call: the run claims no further job. */
  onBudgetExceeded: () => void;
  /**
   * A job failed for a setup cause (a refused or missing key, no credits, no model): true when
   * the run stops for it (no model of the batch can be asked any more). Absent: such a job fails.
   */
  onSetupFailure?: (code: string) => Promise<boolean>;
  /** Jobs of the router's pick sent again this run after their model was refused (once each). */
  readonly retriedAfterRefusal: Set<number>;
}

export async function gradeJob(ctx: JobContext, job: JobRow, submission: SubmissionRow | undefined): Promise<void> {
  const { db, now } = ctx;
  if (!submission || submission.text === null) {
    failJob(db, job.id, { code: 'UNREADABLE_DOCUMENT', message: 'The submission has no extracted content.', costUsd: null }, now());
    return;
  }
  const request = ctx.kit.buildRequest(submission, submissionPages(db, submission.id));
  markJobSent(db, job.id, now());
  const outcome = await ctx.calls.execute(request, {
    purpose: 'grading',
    batchId: ctx.batchId,
    jobId: job.id,
    ...(job.modelId === 'auto' ? (ctx.pool && ctx.pool.length > 0 ? { pool: ctx.pool } : {}) : { pool: [job.modelId] }),
    signal: ctx.signal,
  });
  if (outcome.ok) saveAnswer(ctx, job, submission, outcome);
  else await settleFailure(ctx, job, outcome);
}

/** Scores the answer and stores it with the job's end; an answer that cannot be scored fails the job. */
function saveAnswer(ctx: JobContext, job: JobRow, submission: SubmissionRow, outcome: Extract<CallOutcome, { ok: true }>): void {
  const { db, now } = ctx;
  let scored: ReturnType<GradingKit['score']>;
  try {
    scored = ctx.kit.score(submission, outcome.value);
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
}

async function settleFailure(ctx: JobContext, job: JobRow, outcome: Extract<CallOutcome, { ok: false }>): Promise<void> {
  const { db, now } = ctx;
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
    ctx.onBudgetExceeded();
    // Nothing was sent for it: back to the queue, so a resume with a larger budget does it.
    requeueJob(db, job.id, now());
    return;
  }
  if (await backToQueueForSetup(ctx, job, outcome.error.code)) {
    requeueJob(db, job.id, now());
    return;
  }
  failJob(db, job.id, { code: outcome.error.code, message: outcome.error.message, costUsd: outcome.costUsd }, now());
}

/**
 * A job that failed for a setup cause goes back to the queue when the run stops for it (every
 * model refused: resume sends it after the fix), or, once, when the router may still pick a
 * model whose key works. A job pinned to a refused model fails: its model cannot answer.
 */
async function backToQueueForSetup(ctx: JobContext, job: JobRow, code: string): Promise<boolean> {
  if (!ctx.onSetupFailure || !SETUP_CODES.includes(code)) return false;
  if (await ctx.onSetupFailure(code)) return true;
  if (job.modelId !== 'auto' || !REFUSED_CODES.has(code) || ctx.retriedAfterRefusal.has(job.id)) return false;
  ctx.retriedAfterRefusal.add(job.id);
  return true;
}
