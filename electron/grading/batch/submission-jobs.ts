/** How a recorded submission joins its batch's queue: one job per model of the plan. */
import { enqueueJob, type WritableDB } from '../../store/index.ts';

/** One job per model; the idempotency key (batch × content × model × rubric version) makes it once. */
export function enqueueSubmissionJobs(db: WritableDB, j: { batchId: string; submissionId: number; hash: string; models: readonly string[]; version: string; now: number }): void {
  for (const model of j.models) {
    enqueueJob(db, { batchId: j.batchId, submissionId: j.submissionId, modelId: model, idempotencyKey: `${j.batchId}:${j.hash}:${model}:${j.version}`, now: j.now });
  }
}
