/**
 * A new batch, from the paths given to a queue of jobs: files collected and read (text, page
 * images, OCR of the names in them), prompt injection looked for, identical files found, and all
 * of it recorded in one short transaction: nothing slow (reading, scanning) runs inside it.
 */
import { randomUUID, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { insertBatch, insertSubmission, insertSubmissionPages, upsertRubric, type WritableDB } from '../../store/index.ts';
import { collectFiles, extractDocument, type ExtractedDocument } from '../documents/index.ts';
import type { SubmissionToEstimate } from '../estimate/index.ts';
import { BatchImageRedaction, ocrTimeoutMs, privacyForSubmission, pseudonymizesNames, withNamedStudent, type SubmissionPrivacy } from '../privacy/index.ts';
import { maxScore, rubricVersion } from '../rubric/index.ts';
import type { PreparedPseudonymizer } from './kit.ts';
import { jobModels, resolveSettings, type BatchPlan } from './plan.ts';
import { enqueueSubmissionJobs } from './submission-jobs.ts';

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

/**
 * A submission with images, recorded `pending` (no pages, no jobs) so that the rest of the batch
 * can be graded while local OCR reads its images; it joins the queue when they are redacted.
 */
export interface RedactingSubmission {
  submissionId: number;
  hash: string;
  doc: ExtractedDocument;
  /** The image flags once `doc.images` holds the redacted images; rejects (ABORTED) if stopped first. */
  redacted: Promise<string[]>;
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
};

/** One file of the batch as read, before anything is recorded. */
interface ReadSubmission {
  file: string;
  absolutePath: string;
  hash: string;
  result: Awaited<ReturnType<typeof extractDocument>>;
  /** Its student, and the pseudonymizer its names are hidden with: built once, here. */
  privacy: SubmissionPrivacy;
  redacted: Promise<string[]> | null;
  /** The injection scan's verdict, reached before the transaction so that none runs inside it. */
  injection: boolean;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads every file (outside any transaction), then records the batch, its submissions and one
 * job per submission × model in one transaction. Identical files are graded once: the later
 * ones are `duplicate` of the first. Idempotency keys are batch × content × model × rubric
 * version, so enqueueing twice adds nothing. A submission whose images OCR is still reading is
 * recorded `pending`, without pages or jobs: `images` hands it to the run, which queues it when
 * its names are painted over (releaseRedactedSubmission, in pending-images.ts).
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

  const shown = opts.displayNames ?? {};
  const named = files.map((f) => ({ ...f, given: f.file, file: Object.hasOwn(shown, f.file) ? (shown[f.file] ?? f.file) : f.file }));
  const { read, images } = await readSubmissions(named, plan, opts.signal, opts.students ?? {});
  if (opts.signal?.aborted) {
    await images.stop();
    throw new AppError('ABORTED', 'Stopped before the batch was created.');
  }
  const batchId = `b_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  // A failure to record ends the OCR workers too; nothing of the batch was stored.
  try {
    const recorded = recordBatch(db, { ...opts, batchId, plan, read, images, now });
    return { batchId, submissions: read.length, ...recorded, missing, plan, images };
  } catch (error) {
    await images.stop();
    throw error;
  }
}

/**
 * Names in page images are painted over (local OCR) before the images are stored or sent. A
 * document's images are read as soon as it is extracted, while the next files are, and the
 * batch is recorded without waiting for them: such submissions wait as `pending`.
 */
async function readSubmissions(
  files: ReadonlyArray<{ file: string; absolutePath: string; given: string }>,
  plan: BatchPlan,
  signal: AbortSignal | undefined,
  students: Readonly<Record<string, string>>,
): Promise<{ read: ReadSubmission[]; images: ImagesInRedaction }> {
  const redaction = pseudonymizesNames(plan.config)
    ? new BatchImageRedaction({ roster: plan.roster, secret: plan.pseudonymSecret, timeoutMs: ocrTimeoutMs(plan.config), ...(signal ? { signal } : {}) })
    : null;
  const read: ReadSubmission[] = [];
  try {
    for (const file of files) {
      if (signal?.aborted) throw new AppError('ABORTED', 'Stopped before the batch was created.');
      read.push(await readSubmission(file, plan, redaction, signal, Object.hasOwn(students, file.given) ? students[file.given] : undefined));
    }
  } catch (error) {
    // The OCR workers end with the batch that failed or was stopped.
    await redaction?.stop();
    throw error;
  }
  redaction?.seal();
  return { read, images: { submissions: [], stop: () => redaction?.stop() ?? Promise.resolve() } };
}

async function readSubmission(
  file: { file: string; absolutePath: string },
  plan: BatchPlan,
  redaction: BatchImageRedaction | null,
  signal: AbortSignal | undefined,
  corrected: string | undefined,
): Promise<ReadSubmission> {
  const result = await extractDocument({ path: file.absolutePath }, signal ? { signal } : {});
  const hash = result.ok ? result.data.sha256 : sha256(await readFile(file.absolutePath).catch(() => Buffer.from(file.file)));
  const detected = privacyForSubmission({ fileName: basename(file.file), text: result.ok ? result.data.text : '', roster: plan.roster, secret: plan.pseudonymSecret });
  const privacy = corrected === undefined ? detected : withNamedStudent(detected, corrected, plan.roster, plan.pseudonymSecret);
  const redacted = redaction?.add({ file: file.file, hash, doc: result.ok ? result.data : null, names: privacy.names }) ?? null;
  // Scanned by extractDocument, in its worker for long files: never on this (the window's) thread.
  const injection = result.ok && result.data.injection.suspicious;
  return { file: file.file, absolutePath: file.absolutePath, hash, result, privacy, redacted, injection };
}

interface RecordBatch extends PrepareOptions {
  batchId: string;
  plan: BatchPlan;
  read: readonly ReadSubmission[];
  images: ImagesInRedaction;
  now: () => number;
}

/** The batch, its rubric, its submissions and their jobs, in one transaction. */
function recordBatch(db: WritableDB, r: RecordBatch): Pick<PrepareResult, 'jobs' | 'toSend' | 'pseudonymizers'> {
  const { batchId, plan } = r;
  const version = rubricVersion(plan.rubric);
  const models = jobModels(plan);
  const out: Pick<PrepareResult, 'jobs' | 'toSend' | 'pseudonymizers'> = { jobs: 0, toSend: [], pseudonymizers: new Map() };
  db.transaction(() => {
    const at = r.now();
    const rubricId = upsertRubric(db, {
      id: `r_${version.slice(7, 23)}`,
      title: plan.rubric.title,
      json: JSON.stringify(plan.rubric),
      hash: version,
      maxPoints: maxScore(plan.rubric),
      now: at,
    });
    insertBatch(db, { id: batchId, rubricId, configJson: JSON.stringify({ plan }), budgetUsd: r.budgetUsd, estimateUsd: r.estimateUsd, source: r.source, now: at });
    const firstByHash = new Map<string, number>();
    for (const one of r.read) {
      const recorded = recordSubmission(db, one, { batchId, at, firstByHash });
      if (recorded === null) continue;
      const { id, doc } = recorded;
      out.pseudonymizers.set(id, { text: doc.text, pseudonymizer: one.privacy.pseudonymizer });
      // Redaction paints pixels over; it changes neither the number nor the size of the images.
      out.toSend.push({ text: doc.text, imageCount: doc.images.length, imageSizes: doc.images.map((image) => ({ width: image.width, height: image.height })) });
      out.jobs += models.length;
      if (one.redacted !== null) {
        r.images.submissions.push({ submissionId: id, hash: one.hash, doc, redacted: one.redacted });
        continue;
      }
      insertSubmissionPages(db, id, doc.images);
      enqueueSubmissionJobs(db, { batchId, submissionId: id, hash: one.hash, models, version, now: at });
    }
  }).immediate();
  return out;
}

/**
 * Records one file of the batch: failed, a duplicate of an earlier one, `pending` while its
 * images are redacted, or extracted. The submission to grade and its document, or null when it
 * gets no jobs.
 */
function recordSubmission(
  db: WritableDB,
  one: ReadSubmission,
  b: { batchId: string; at: number; firstByHash: Map<string, number> },
): { id: number; doc: ExtractedDocument } | null {
  const { file, absolutePath, hash, result, redacted } = one;
  const { student } = one.privacy;
  const base = { batchId: b.batchId, file, student: student.student, studentId: student.entry?.studentId ?? null, fileHash: hash, now: b.at };
  if (!result.ok) {
    insertSubmission(db, { ...base, kind: 'unknown', text: null, pageCount: null, status: 'failed', duplicateOf: null, flags: [], errorCode: result.error.code, errorMessage: result.error.message });
    return null;
  }
  const doc = result.data;
  const duplicateOf = b.firstByHash.get(hash) ?? null;
  const flags = [...doc.flags, ...(one.injection ? ['possible_prompt_injection'] : [])];
  // Only the first of identical files is redacted (and graded): a copy is never `pending`.
  const waiting = duplicateOf === null && redacted !== null;
  const id = insertSubmission(db, {
    ...base,
    kind: doc.kind,
    text: doc.text,
    pageCount: doc.pages.length,
    status: duplicateOf !== null ? 'duplicate' : waiting ? 'pending' : 'extracted',
    duplicateOf,
    flags,
    errorCode: null,
    errorMessage: null,
    sourcePath: waiting ? absolutePath : null,
  });
  if (duplicateOf !== null) return null;
  b.firstByHash.set(hash, id);
  return { id, doc };
}
