/**
 * A batch's statuses from its jobs, at the end of a run: each submission's, then the batch's.
 * In compare mode a submission is graded when at least one model graded it; a model that
 * cannot take it (no vision, too small a context window) is not applicable, never a failure.
 */
import { countFilesToRead, jobsOfBatch, setBatchStatus, setSubmissionStatus, submissionsOfBatch, type BatchStatus, type JobRow, type WritableDB } from '../../store/index.ts';
import { isNotApplicable, noneApplicable } from './job-outcomes.ts';

export interface RunEnd {
  budgetStopped: boolean;
  interrupted: boolean;
  /** Every model of the batch was refused (key, credits): the batch stops, resumable. */
  setupStop: { code: string; message: string } | null;
  /** The teacher stopped the batch: jobs not started were skipped, and nothing waits any more. */
  skipped?: boolean;
}

type SubmissionEnd =
  | { status: 'graded' }
  | { status: 'in_doubt' }
  | { status: 'open' }
  | { status: 'skipped' }
  | { status: 'failed'; code: string | null; message: string | null };

/** What a submission's jobs add up to. */
function submissionEnd(jobs: readonly JobRow[]): SubmissionEnd {
  if (jobs.some((j) => j.status === 'in_doubt')) return { status: 'in_doubt' };
  if (jobs.some((j) => j.status === 'queued' || j.status === 'running')) return { status: 'open' };
  if (jobs.some((j) => j.status === 'done')) return { status: 'graded' };
  // Skipped by a stop, unless a model's real failure says more: not graded, and not a failure.
  if (jobs.some((j) => j.status === 'cancelled') && !jobs.some((j) => j.status === 'failed' && !isNotApplicable(j))) return { status: 'skipped' };
  const failed = jobs.find((j) => j.status === 'failed' && !isNotApplicable(j));
  if (failed) return { status: 'failed', code: failed.errorCode, message: failed.errorMessage };
  const first = jobs.find((j) => j.status === 'failed');
  if (!first?.errorCode) return { status: 'failed', code: first?.errorCode ?? null, message: first?.errorMessage ?? null };
  // Not one of the compared models can take it: the one failure, with what would help.
  const none = noneApplicable(first.errorCode, jobs.map((j) => j.modelId));
  return { status: 'failed', code: none.code, message: none.message };
}

/** Submission and batch statuses from their jobs, in one transaction. */
export function settleBatch(db: WritableDB, batchId: string, run: RunEnd, at: number): BatchStatus {
  return db
    .transaction(() => {
      const bySubmission = new Map<number, JobRow[]>();
      for (const job of jobsOfBatch(db, batchId)) bySubmission.set(job.submissionId, [...(bySubmission.get(job.submissionId) ?? []), job]);
      let anyFailed = false;
      let anyOpen = false;
      let anySkipped = false;
      for (const [submissionId, list] of bySubmission) {
        const end = submissionEnd(list);
        if (end.status === 'graded') setSubmissionStatus(db, submissionId, 'graded', at);
        else if (end.status === 'in_doubt') setSubmissionStatus(db, submissionId, 'in_doubt', at);
        if (end.status === 'in_doubt' || end.status === 'open') anyOpen = true;
        if (end.status === 'skipped') anySkipped = true;
        if (end.status === 'failed') {
          setSubmissionStatus(db, submissionId, 'failed', at, { errorCode: end.code, errorMessage: end.message });
          anyFailed = true;
        }
      }
      const submissions = submissionsOfBatch(db, batchId);
      // Images held back for the teacher's decision (an error code on a `pending` one) need the
      // teacher, as a failure does; others still wait for redaction and have no jobs yet.
      const extractionFailed = submissions.some((s) => s.status === 'failed' || (s.status === 'pending' && s.errorCode !== null));
      // Still being redacted, or files not read yet (preparation stopped); after a stop they are
      // skipped too (a later run reads them again).
      if (submissions.some((s) => s.status === 'pending' && s.errorCode === null) || countFilesToRead(db, batchId) > 0) {
        if (run.skipped) anySkipped = true;
        else anyOpen = true;
      }
      const status: BatchStatus = run.interrupted
        ? 'interrupted'
        : run.setupStop && anyOpen
          ? 'stopped'
          : run.budgetStopped && anyOpen
            ? 'budget_stopped'
            : anyOpen
              ? 'interrupted'
              : anyFailed || extractionFailed || anySkipped
                ? 'partial'
                : 'completed';
      setBatchStatus(db, batchId, status, at, status === 'stopped' ? run.setupStop : null);
      return status;
    })
    .immediate();
}
