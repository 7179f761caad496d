/**
 * One file of a batch read, outside any transaction: its text and page images, its student and
 * pseudonymizer, the injection scan's verdict, and (for images) the redaction of the names in
 * them started. Nothing here writes to the store.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { firstSubmissionWithHash, type FileToRead, type ReadableDB } from '../../store/index.ts';
import { extractDocument } from '../documents/index.ts';
import { privacyForSubmission, withNamedStudent, type BatchImageRedaction, type SubmissionPrivacy } from '../privacy/index.ts';
import type { BatchPlan } from './plan.ts';

/** One file of the batch as read, before it is recorded. */
export interface ReadSubmission {
  /** Its place in the batch's list of files to read (batch_files_to_read). */
  position: number;
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

/** Bytes of page images a read file holds in memory until its chunk is recorded. */
export const imageBytesOf = (one: ReadSubmission): number => (one.result.ok ? one.result.data.images.reduce((sum, image) => sum + image.data.byteLength, 0) : 0);

/**
 * Reads one file. Its images go to OCR (names painted over) at once, while the next files are
 * read, unless an identical file is already recorded in the batch (an earlier chunk, or an
 * earlier process of a resumed batch): that copy is never graded, so never redacted either.
 */
export async function readSubmission(
  db: ReadableDB,
  batchId: string,
  file: FileToRead,
  plan: BatchPlan,
  redaction: BatchImageRedaction | null,
  signal: AbortSignal | undefined,
): Promise<ReadSubmission> {
  const result = await extractDocument({ path: file.path }, signal ? { signal } : {});
  const hash = result.ok ? result.data.sha256 : sha256(await readFile(file.path).catch(() => Buffer.from(file.file)));
  const detected = privacyForSubmission({ fileName: basename(file.file), text: result.ok ? result.data.text : '', roster: plan.roster, secret: plan.pseudonymSecret });
  const privacy = file.student === null ? detected : withNamedStudent(detected, file.student, plan.roster, plan.pseudonymSecret);
  const copy = redaction !== null && result.ok && firstSubmissionWithHash(db, batchId, hash) !== null;
  const redacted = copy ? null : (redaction?.add({ file: file.file, hash, doc: result.ok ? result.data : null, names: privacy.names }) ?? null);
  // A file read but not recorded (stopped mid-chunk) leaves its redaction to reject unheard.
  redacted?.catch(() => undefined);
  // Scanned by extractDocument, in its worker for long files: never on this (the window's) thread.
  const injection = result.ok && result.data.injection.suspicious;
  return { position: file.position, file: file.file, absolutePath: file.path, hash, result, privacy, redacted, injection };
}
