/**
 * A new batch, from the paths given to a queue of jobs: files collected, the batch recorded at
 * once with the list of them (still being prepared: `running`, with files to read), then each
 * file read (text, page images, OCR of the names in them, prompt injection looked for) and
 * recorded a chunk at a time with its submission, pages and jobs. Nothing slow (reading,
 * scanning) runs inside a transaction, and no more than a chunk of page images is held.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import { deleteUnrecordedBatch, insertBatch, insertFilesToRead, releasePreparation, upsertRubric, type WritableDB } from '../../store/index.ts';
import { collectFiles } from '../documents/index.ts';
import type { SubmissionToEstimate } from '../estimate/index.ts';
import { BatchImageRedaction, ocrTimeoutMs, pseudonymizesNames } from '../privacy/index.ts';
import { maxScore, rubricVersion } from '../rubric/index.ts';
import type { PreparedPseudonymizer } from './kit.ts';
import { newLeaseOwner } from './lease-owner.ts';
import { resolveSettings, type BatchPlan } from './plan.ts';
import { leavePreparation, readInChunks, type ChunkLimits, type ChunkRecorded } from './read-in-chunks.ts';
import { nothingRecorded, type RedactingSubmission } from './record-chunk.ts';

export interface PrepareResult {
  batchId: string;
  submissions: number;
  jobs: number;
  missing: string[];
  /** The plan as stored with the batch (settings resolved): what `run` must grade with. */
  plan: BatchPlan;
  /**
   * What will be sent, per submission that gets jobs (not failed, not a duplicate): its text and
   * the sizes of its page images (scanned pages rendered, photos), for the cost estimate.
   */
  toSend: SubmissionToEstimate[];
  /** Submissions recorded `pending` while OCR paints the names in their images over. */
  images: ImagesInRedaction;
  /** The pseudonymizer of each submission that gets jobs, built once, for the run to send with. */
  pseudonymizers: Map<number, PreparedPseudonymizer>;
}

export interface ImagesInRedaction {
  submissions: RedactingSubmission[];
  /** Reads no further image and ends the OCR workers: what is not done stays `pending`. */
  stop(): Promise<void>;
}

type PrepareOptions = {
  paths: string[];
  plan: BatchPlan;
  budgetUsd: number | null;
  estimateUsd: number | null;
  source: 'cli' | 'app';
  now?: () => number;
  signal?: AbortSignal;
  /** Most files one batch takes (default: collectFiles' 10,000). */
  maxFiles?: number;
  /** File (as collected) → the student the teacher named for it, over the one its name suggests. */
  students?: Readonly<Record<string, string>>;
  /** File (as collected) → the name recorded and shown for it: the app's staged files are shown as dropped. */
  displayNames?: Readonly<Record<string, string>>;
  /** When a chunk is recorded (default DEFAULT_CHUNK: 16 files or 64 MB of page images). */
  chunk?: Partial<ChunkLimits>;
  /** After each chunk is recorded (read-in-chunks.ts). */
  onChunkRecorded?: ChunkRecorded;
};

/** The batch's images being redacted, handed to the run: stopping ends the OCR workers. */
export function imagesInRedaction(submissions: RedactingSubmission[], redaction: BatchImageRedaction | null): ImagesInRedaction {
  return { submissions, stop: () => redaction?.stop() ?? Promise.resolve() };
}

/** Names in page images are painted over (local OCR) before the images are stored or sent. */
export function batchRedaction(plan: BatchPlan, signal: AbortSignal | undefined): BatchImageRedaction | null {
  return pseudonymizesNames(plan.config)
    ? new BatchImageRedaction({ roster: plan.roster, secret: plan.pseudonymSecret, timeoutMs: ocrTimeoutMs(plan.config), ...(signal ? { signal } : {}) })
    : null;
}

/**
 * Records the batch and its list of files, then reads and records them a chunk at a time.
 * Identical files are graded once: the later ones are `duplicate` of the first, found in the
 * store whichever chunk recorded it. Idempotency keys are batch × content × model × rubric
 * version, so enqueueing twice adds nothing. A submission whose images OCR is still reading is
 * recorded `pending`, without pages or jobs: `images` hands it to the run, which queues it when
 * its names are painted over (releaseRedactedSubmission, in pending-images.ts).
 *
 * Stopped (the signal) or failed while reading: a batch with something recorded is kept,
 * `interrupted`, and `resume` reads the rest (continue-preparation.ts); a batch with nothing
 * recorded yet is removed, as if it had never been started — there is nothing to resume that
 * starting again would not do as well. Either way ABORTED (or the failure) is thrown.
 */
export async function prepareBatch(db: WritableDB, opts: PrepareOptions): Promise<PrepareResult> {
  const now = opts.now ?? Date.now;
  // Settings first: a wrong one is a config error, reported before any file is read.
  const settings = resolveSettings(opts.plan);
  if (!settings.ok) throw new AppError(settings.error.code, settings.error.message);
  const plan: BatchPlan = { ...opts.plan, settings: settings.data };
  const { files, missing, truncated } = await collectFiles(opts.paths, opts.maxFiles === undefined ? {} : { maxFiles: opts.maxFiles });
  // Grading the first N files and quietly leaving the rest would look like a whole class graded.
  if (truncated) throw new AppError('TOO_MANY_FILES', `The folders given hold more than ${files.length} files, more than one batch takes. Grade the class in smaller folders (one per section or assignment).`);
  if (missing.length > 0) throw new AppError('FILE_NOT_FOUND', `Not found: ${missing.join(', ')}`);
  if (files.length === 0) throw new AppError('FILE_NOT_FOUND', 'No files to grade were found in the paths given.');
  if (opts.signal?.aborted) throw new AppError('ABORTED', 'Stopped before the batch was created.');

  const shown = opts.displayNames ?? {};
  const students = opts.students ?? {};
  const list = files.map((f) => ({
    file: Object.hasOwn(shown, f.file) ? (shown[f.file] ?? f.file) : f.file,
    path: f.absolutePath,
    student: Object.hasOwn(students, f.file) ? (students[f.file] ?? null) : null,
  }));
  const batchId = `b_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const owner = newLeaseOwner();
  createBatch(db, { ...opts, batchId, plan, owner, files: list, at: now() });

  const redaction = batchRedaction(plan, opts.signal);
  const recorded = nothingRecorded();
  try {
    await readInChunks(
      db,
      { batchId, plan, files: list.map((f, position) => ({ ...f, position })), redaction, signal: opts.signal, now, chunk: opts.chunk, onChunkRecorded: opts.onChunkRecorded },
      recorded,
    );
    releasePreparation(db, batchId, owner);
  } catch (error) {
    // The OCR workers end with the batch that failed or was stopped.
    await redaction?.stop();
    throw stoppedPreparing(db, batchId, owner, now(), list.length, error);
  }
  redaction?.seal();
  const { submissions, jobs, toSend, pseudonymizers, redacting } = recorded;
  return { batchId, submissions, jobs, toSend, pseudonymizers, missing, plan, images: imagesInRedaction(redacting, redaction) };
}

/** The batch, its rubric and its list of files to read, in one transaction, before any is read. */
function createBatch(
  db: WritableDB,
  b: Pick<PrepareOptions, 'budgetUsd' | 'estimateUsd' | 'source'> & { batchId: string; plan: BatchPlan; owner: string; files: Parameters<typeof insertFilesToRead>[2]; at: number },
): void {
  const { plan } = b;
  const version = rubricVersion(plan.rubric);
  db.transaction(() => {
    const rubricId = upsertRubric(db, { id: `r_${version.slice(7, 23)}`, title: plan.rubric.title, json: JSON.stringify(plan.rubric), hash: version, maxPoints: maxScore(plan.rubric), now: b.at });
    insertBatch(db, { id: b.batchId, rubricId, configJson: JSON.stringify({ plan }), budgetUsd: b.budgetUsd, estimateUsd: b.estimateUsd, source: b.source, now: b.at, preparer: b.owner });
    insertFilesToRead(db, b.batchId, b.files);
  }).immediate();
}

/** What a stop or failure while reading leaves (see prepareBatch), and the error to throw. */
function stoppedPreparing(db: WritableDB, batchId: string, owner: string, at: number, total: number, error: unknown): unknown {
  try {
    deleteUnrecordedBatch(db, batchId);
  } catch {
    // Kept, then: leavePreparation marks it resumable.
  }
  const recorded = leavePreparation(db, batchId, owner, at);
  if (!(error instanceof AppError) || error.code !== 'ABORTED') return error;
  if (recorded <= 0) return new AppError('ABORTED', 'Stopped before the batch was created.');
  return new AppError('ABORTED', `Stopped while the files were being read: ${recorded} of ${total} are recorded. Resume the batch to read the rest and grade it (gradedesk resume ${batchId}).`, { batchId });
}
