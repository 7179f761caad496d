/**
 * Skipped work: when the teacher stops a batch ("In-progress submissions will finish. The rest
 * will be skipped."), the jobs nobody started are marked `cancelled`, so the batch settles
 * instead of waiting to be resumed; "grade the rest" later puts them back in the queue.
 */
import { sql, type WritableDB } from '../../store/index.ts';
import { execute } from '../../store/statements.ts';

/** A gentle stop of a run: no further job is claimed, calls in flight finish. */
export interface RunDrain {
  readonly signal: AbortSignal;
  /** The jobs not started are skipped (cancel) rather than left waiting (pause, a sample's end). */
  readonly skipsRest: boolean;
}

/** Marks a batch's queued jobs as skipped; answers how many. */
export function skipQueuedJobs(db: WritableDB, batchId: string, now: number): number {
  return execute(db, sql`UPDATE jobs SET status = 'cancelled', updated_at = ${now} WHERE batch_id = ${batchId} AND status = 'queued'`);
}

/** Puts a batch's skipped jobs back in the queue; answers how many. */
export function unskipJobs(db: WritableDB, batchId: string, now: number): number {
  return execute(db, sql`UPDATE jobs SET status = 'queued', updated_at = ${now} WHERE batch_id = ${batchId} AND status = 'cancelled'`);
}
