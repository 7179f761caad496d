/**
 * A chunk of read files recorded in one short IMMEDIATE transaction: each file's submission,
 * its pages and its jobs, and its row of the batch's files to read deleted, so that a file is
 * recorded exactly once whichever process reads it. Nothing slow runs inside: the files were
 * read, scanned and handed to OCR before.
 */
import { firstSubmissionWithHash, insertSubmission, insertSubmissionPages, markFileRead, type WritableDB } from '../../store/index.ts';
import type { ExtractedDocument } from '../documents/index.ts';
import type { SubmissionToEstimate } from '../estimate/index.ts';
import type { PreparedPseudonymizer } from './kit.ts';
import type { ReadSubmission } from './read-file.ts';
import { enqueueSubmissionJobs } from './submission-jobs.ts';

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

/**
 * What the run needs of the files recorded so far, and no more: the text and image sizes for
 * the estimate, the pseudonymizers, and the documents whose images OCR still reads. Page images
 * of recorded submissions are not kept here: they are in the store.
 */
export interface RecordedSoFar {
  /** Files recorded (failed, duplicate or to grade). */
  submissions: number;
  jobs: number;
  toSend: SubmissionToEstimate[];
  pseudonymizers: Map<number, PreparedPseudonymizer>;
  redacting: RedactingSubmission[];
}

export const nothingRecorded = (): RecordedSoFar => ({ submissions: 0, jobs: 0, toSend: [], pseudonymizers: new Map(), redacting: [] });

export interface ChunkTarget {
  batchId: string;
  /** The models each submission gets a job for, and the rubric version of their idempotency keys. */
  models: readonly string[];
  version: string;
  now: () => number;
}

/** Records a chunk; what it adds is merged into `into` only once the transaction committed. */
export function recordChunk(db: WritableDB, target: ChunkTarget, chunk: readonly ReadSubmission[], into: RecordedSoFar): void {
  const added = nothingRecorded();
  db.transaction(() => {
    const at = target.now();
    for (const one of chunk) {
      const recorded = recordSubmission(db, one, target.batchId, at);
      markFileRead(db, target.batchId, one.position);
      added.submissions += 1;
      if (recorded === null) continue;
      const { id, doc } = recorded;
      added.pseudonymizers.set(id, { text: doc.text, pseudonymizer: one.privacy.pseudonymizer });
      // Redaction paints pixels over; it changes neither the number nor the size of the images.
      added.toSend.push({ text: doc.text, imageCount: doc.images.length, imageSizes: doc.images.map((image) => ({ width: image.width, height: image.height })) });
      added.jobs += target.models.length;
      if (one.redacted !== null) {
        added.redacting.push({ submissionId: id, hash: one.hash, doc, redacted: one.redacted });
        continue;
      }
      insertSubmissionPages(db, id, doc.images);
      enqueueSubmissionJobs(db, { batchId: target.batchId, submissionId: id, hash: one.hash, models: target.models, version: target.version, now: at });
    }
  }).immediate();
  into.submissions += added.submissions;
  into.jobs += added.jobs;
  into.toSend.push(...added.toSend);
  for (const [id, p] of added.pseudonymizers) into.pseudonymizers.set(id, p);
  into.redacting.push(...added.redacting);
}

/**
 * Records one file of the batch: failed, a duplicate of an earlier one (found in the store, so
 * across chunks and processes), `pending` while its images are redacted, or extracted. The
 * submission to grade and its document, or null when it gets no jobs.
 */
function recordSubmission(db: WritableDB, one: ReadSubmission, batchId: string, at: number): { id: number; doc: ExtractedDocument } | null {
  const { file, absolutePath, hash, result, redacted } = one;
  const { student } = one.privacy;
  const base = { batchId, file, student: student.student, studentId: student.entry?.studentId ?? null, fileHash: hash, now: at };
  if (!result.ok) {
    insertSubmission(db, { ...base, kind: 'unknown', text: null, pageCount: null, status: 'failed', duplicateOf: null, flags: [], errorCode: result.error.code, errorMessage: result.error.message });
    return null;
  }
  const doc = result.data;
  const duplicateOf = firstSubmissionWithHash(db, batchId, hash);
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
    injectionFindings: one.injection ? doc.injection.findings : [],
  });
  return duplicateOf !== null ? null : { id, doc };
}
