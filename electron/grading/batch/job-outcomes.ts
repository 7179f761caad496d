/**
 * What a job's error code means for its submission and its batch: a model that cannot take the
 * input (compare mode: not applicable, never a failure), and failures whose cause is the setup
 * (a key, credits, no model) rather than the submission, which stop a batch and which resume
 * tries again once the cause is gone.
 */
import type { JobRow } from '../../store/index.ts';

/** The model cannot take this input at all: it reads no images, or its context window is too small. */
const NOT_APPLICABLE_CODES: ReadonlySet<string> = new Set(['NO_VISION', 'CONTEXT_TOO_LONG']);

/** Failures of the setup, not of the submission: resume sends these jobs again. */
export const SETUP_CODES: readonly string[] = ['INVALID_API_KEY', 'OUT_OF_CREDITS', 'MISSING_API_KEY', 'NO_MODEL_AVAILABLE'];

/** Refusals of a key or an account: the model is out for the rest of the run. */
export const REFUSED_CODES: ReadonlySet<string> = new Set(['INVALID_API_KEY', 'OUT_OF_CREDITS', 'MISSING_API_KEY']);

/** A compared model's job that ended because the model cannot take the submission. */
export const isNotApplicable = (job: Pick<JobRow, 'modelId' | 'status' | 'errorCode'>): boolean =>
  job.modelId !== 'auto' && job.status === 'failed' && job.errorCode !== null && NOT_APPLICABLE_CODES.has(job.errorCode);

/** The submission-level failure when no compared model can take it, with the remedy. */
export function noneApplicable(code: string, models: readonly string[]): { code: string; message: string } {
  const list = models.join(', ');
  if (code === 'NO_VISION') return { code, message: `None of the compared models (${list}) reads images: add a vision model.` };
  return { code, message: `The submission is too long for the context window of every compared model (${list}): add a model with a larger context window.` };
}
