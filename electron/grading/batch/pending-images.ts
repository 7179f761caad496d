/**
 * Submissions whose images wait for name redaction (`pending`: recorded, no pages, no jobs) join
 * their batch's queue as their images are done, so the rest of the batch is graded meanwhile.
 * A new batch hands over the documents it still holds; a batch resumed after a stop or a crash
 * reads those files again, and a file that changed since (another SHA-256) or is gone fails with
 * a code the teacher can act on rather than being graded as something else.
 */
import { AppError } from '../../../shared/errors.ts';
import { getSubmissionState, insertSubmissionPages, pendingSubmissions, setSubmissionStatus, type WritableDB } from '../../store/index.ts';
import { extractDocument, type PageImage } from '../documents/index.ts';
import { BatchImageRedaction, heldReason, NAME_REDACTION_FAILED, ocrTimeoutMs } from '../privacy/index.ts';
import { rubricVersion } from '../rubric/index.ts';
import { Arrivals } from './arrivals.ts';
import { jobModels, type BatchPlan } from './plan.ts';
import type { ImagesInRedaction } from './prepare.ts';
import { enqueueSubmissionJobs } from './submission-jobs.ts';

export interface PendingRedactions {
  /** What the runner waits for: one arrival per pending submission. */
  arrivals: Arrivals;
  /** Jobs each arrival brings. */
  jobsPerArrival: number;
  /**
   * Reads no further image; resolves when every pending submission has joined the queue,
   * failed, or stays `pending` for the next run (its images were not all redacted).
   */
  stop(): Promise<void>;
}

type Redacted = { images: PageImage[]; flags: string[] } | { error: { code: string; message: string } };

export function startPendingRedactions(
  db: WritableDB,
  opts: { batchId: string; plan: BatchPlan; images?: ImagesInRedaction; signal?: AbortSignal; now?: () => number },
): PendingRedactions {
  const now = opts.now ?? Date.now;
  const pending = pendingSubmissions(db, opts.batchId);
  const inMemory = new Map((opts.images?.submissions ?? []).map((s) => [s.submissionId, s]));
  // Only a resumed batch reads files again; its OCR workers start on the first such photo.
  let fromFiles: BatchImageRedaction | null = null;
  const rereader = (): BatchImageRedaction =>
    (fromFiles ??= new BatchImageRedaction({
      roster: opts.plan.roster,
      secret: opts.plan.pseudonymSecret,
      timeoutMs: ocrTimeoutMs(opts.plan.config),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }));
  const arrivals = new Arrivals(pending.length);

  const tasks = pending.map(async (p) => {
    try {
      const held = inMemory.get(p.id);
      let redacted: Redacted;
      if (held) {
        const flags = await held.redacted;
        redacted = { images: held.doc.images, flags };
      } else {
        redacted = await readAgain(p, rereader());
      }
      if ('error' in redacted) failPending(db, p.id, redacted.error, now());
      else releaseRedactedSubmission(db, { batchId: opts.batchId, submissionId: p.id, file: p.file, hash: p.fileHash, images: redacted.images, imageFlags: redacted.flags, plan: opts.plan, now: now() });
    } catch (error) {
      // Stopped before its images were all redacted: it stays `pending`, and resume reads it again.
      if (error instanceof AppError && error.code === 'ABORTED') return;
      try {
        failPending(db, p.id, { code: 'INTERNAL_ERROR', message: `This submission could not be queued: ${error instanceof Error ? error.message : String(error)}` }, now());
      } catch {
        // The store itself failed: the submission stays `pending` for the next run.
      }
    } finally {
      arrivals.settle();
    }
  });

  return {
    arrivals,
    jobsPerArrival: jobModels(opts.plan).length,
    stop: async () => {
      await Promise.all([opts.images?.stop(), fromFiles?.stop()]);
      await Promise.all(tasks);
    },
  };
}

async function readAgain(p: { file: string; fileHash: string; sourcePath: string | null }, redaction: BatchImageRedaction): Promise<Redacted> {
  if (p.sourcePath === null) return { error: { code: 'FILE_NOT_FOUND', message: `Where "${p.file}" was read from is not recorded. Grade it in a new batch.` } };
  const result = await extractDocument({ path: p.sourcePath });
  if (!result.ok) return { error: result.error };
  if (result.data.sha256 !== p.fileHash) {
    return { error: { code: 'FILE_CHANGED', message: `"${p.file}" changed after the batch was started, so it was not graded. Grade it in a new batch.` } };
  }
  const flags = (await redaction.add({ file: p.file, hash: p.fileHash, doc: result.data })) ?? [];
  return { images: result.data.images, flags };
}

/**
 * A `pending` submission's images are redacted: its pages, its image flags and its jobs are
 * stored in one transaction, and it joins the queue. False when it was not pending any more
 * (another run released it), so nothing is stored twice. When some image could not be
 * redacted, its pages are stored with that image held and it stays `pending`, without jobs,
 * until the teacher decides (held-images.ts).
 */
function releaseRedactedSubmission(
  db: WritableDB,
  r: { batchId: string; submissionId: number; file: string; hash: string; images: readonly PageImage[]; imageFlags: readonly string[]; plan: Pick<BatchPlan, 'compare' | 'pool' | 'rubric'>; now: number },
): boolean {
  return db
    .transaction(() => {
      const row = getSubmissionState(db, r.submissionId);
      if (!row || row.status !== 'pending') return false;
      const flags = [...new Set([...row.flags, ...r.imageFlags])];
      const held = r.images.map(heldReason);
      insertSubmissionPages(db, r.submissionId, r.images.map((image, i) => ({ ...image, held: held[i] !== null })));
      const reasons = held.filter((reason) => reason !== null);
      if (reasons.length > 0) {
        const error = redactionFailed(reasons, r.images.length, { batchId: r.batchId, file: r.file });
        setSubmissionStatus(db, r.submissionId, 'pending', r.now, { flags: [...new Set([...flags, NAME_REDACTION_FAILED])], ...error });
        return true;
      }
      setSubmissionStatus(db, r.submissionId, 'extracted', r.now, { flags });
      enqueueSubmissionJobs(db, { batchId: r.batchId, submissionId: r.submissionId, hash: r.hash, models: jobModels(r.plan), version: rubricVersion(r.plan.rubric), now: r.now });
      return true;
    })
    .immediate();
}

/** A pending submission that cannot be read again fails with its reason, unless another run took it. */
function failPending(db: WritableDB, id: number, error: { code: string; message: string }, at: number): void {
  db.transaction(() => {
    const row = getSubmissionState(db, id);
    if (row?.status === 'pending') setSubmissionStatus(db, id, 'failed', at, { errorCode: error.code, errorMessage: error.message });
  }).immediate();
}


/** What the teacher reads on a submission whose images wait for a decision: what happened, and what to do. */
function redactionFailed(
  reasons: ReadonlyArray<{ code: string; message: string }>,
  of: number,
  where: { batchId: string; file: string },
): { errorCode: 'REDACTION_FAILED'; errorMessage: string } {
  const which = of === 1 ? 'its image' : `${reasons.length} of its ${of} images`;
  const timedOut = reasons.some((r) => r.code === 'OCR_TIMEOUT') ? ' On a slow computer, privacy.ocr_timeout_ms in the config gives OCR longer.' : '';
  return {
    errorCode: 'REDACTION_FAILED',
    errorMessage:
      `OCR could not read ${which} to paint the student's name over (${reasons[0]?.message ?? 'OCR failed.'}), so nothing of ${reasons.length === 1 ? 'it' : 'them'} was sent. ` +
      'Decide for this submission: send the image as it is (the name may be visible to the provider) or skip it (graded without it), ' +
      `then resume the batch. On the command line: gradedesk decide ${where.batchId} "${where.file}" send|skip, then gradedesk resume ${where.batchId}.${timedOut}`,
  };
}
