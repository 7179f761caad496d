/**
 * The teacher's decision on a submission whose images OCR could not read for names (held back,
 * REDACTION_FAILED): send them as they are, or skip them. Until then nothing of those images is
 * sent, and `resume` leaves the submission alone; after it, the submission joins the queue and
 * the next `resume` grades it.
 */
import { fail, ok, type Result } from '../../../shared/errors.ts';
import { getBatch, heldSubmission, releaseHeldPages, setSubmissionStatus, type HeldImagesDecision, type WritableDB } from '../../store/index.ts';
import { NAME_MAY_BE_VISIBLE_IN_IMAGE, NAME_REDACTION_FAILED } from '../privacy/index.ts';
import { rubricVersion } from '../rubric/index.ts';
import { jobModels, parseStoredPlan } from './plan.ts';
import { enqueueSubmissionJobs } from './submission-jobs.ts';

/** Flag of a submission graded without the images the teacher chose not to send. */
const IMAGE_SKIPPED = 'image_skipped';

/**
 * Applies `decision` to the held images of one submission of a batch (its `file` as the report
 * shows it), in one transaction:
 * 'send' queues it with every image as it is (flag `name_may_be_visible_in_image`); 'skip'
 * deletes the held images and queues it with what is left (flag `image_skipped`), or fails it
 * with EMPTY_DOCUMENT when nothing is left to grade. Answers the submission's new status;
 * INVALID_INPUT when the batch has no such file or it has no images waiting for a decision.
 */
export function decideHeldImages(
  db: WritableDB,
  batchId: string,
  file: string,
  decision: HeldImagesDecision,
  now: number = Date.now(),
): Result<{ status: 'extracted' | 'failed' }> {
  const batch = getBatch(db, batchId);
  if (!batch) return fail('INVALID_INPUT', `There is no batch ${batchId}.`);
  const plan = parseStoredPlan(batch.configJson);
  if (!plan.ok) return plan;
  return db
    .transaction((): Result<{ status: 'extracted' | 'failed' }> => {
      const row = heldSubmission(db, batchId, file);
      if (!row) return fail('INVALID_INPUT', `Batch ${batchId} has no file "${file}".`);
      if (row.status !== 'pending' || row.held === 0) return fail('INVALID_INPUT', `"${file}" has no images waiting for a decision.`);
      const submissionId = row.id;
      const left = releaseHeldPages(db, submissionId, decision);
      const flags = [...new Set([...row.flags.filter((f) => f !== NAME_REDACTION_FAILED), decision === 'send' ? NAME_MAY_BE_VISIBLE_IN_IMAGE : IMAGE_SKIPPED])];
      if (left === 0 && (row.text ?? '').trim() === '') {
        setSubmissionStatus(db, submissionId, 'failed', now, {
          flags,
          errorCode: 'EMPTY_DOCUMENT',
          errorMessage: 'You chose not to send this file’s image, and it has nothing else to grade. Grade it by hand.',
        });
        return ok({ status: 'failed' });
      }
      setSubmissionStatus(db, submissionId, 'extracted', now, { flags });
      const version = rubricVersion(plan.data.rubric);
      enqueueSubmissionJobs(db, { batchId, submissionId, hash: row.fileHash, models: jobModels(plan.data), version, now });
      return ok({ status: 'extracted' });
    })
    .immediate();
}
