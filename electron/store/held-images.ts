/**
 * Page images held back because their names could not be painted over (migration 005): stored,
 * never sent, until the teacher decides to send them as they are or to skip them.
 */
import type { ReadableDB, WritableDB } from './db-types.ts';
import type { SubmissionStatus } from './batches.ts';
import { sql } from './sql.ts';
import { execute, queryOne } from './statements.ts';

export type HeldImagesDecision = 'send' | 'skip';

/**
 * A submission of a batch, by its file as the report shows it, with how many of its pages are
 * held; null when the batch has no such file.
 */
export function heldSubmission(
  db: ReadableDB,
  batchId: string,
  file: string,
): { id: number; status: SubmissionStatus; flags: string[]; text: string | null; fileHash: string; held: number } | null {
  const row = queryOne<{ id: number; status: SubmissionStatus; flags_json: string; text: string | null; file_hash: string; held: number }>(
    db,
    sql`SELECT s.id, s.status, s.flags_json, s.extracted_text AS text, s.file_hash,
          (SELECT count(*) FROM submission_pages p WHERE p.submission_id = s.id AND p.held = 1) AS held
        FROM submissions s WHERE s.batch_id = ${batchId} AND s.file = ${file}`,
  );
  return row ? { id: row.id, status: row.status, flags: JSON.parse(row.flags_json) as string[], text: row.text, fileHash: row.file_hash, held: row.held } : null;
}

/**
 * Applies the teacher's decision to a submission's held pages: sent as they are, or deleted.
 * Answers how many pages it has left to send.
 */
export function releaseHeldPages(db: WritableDB, submissionId: number, decision: HeldImagesDecision): number {
  if (decision === 'send') execute(db, sql`UPDATE submission_pages SET held = 0 WHERE submission_id = ${submissionId} AND held = 1`);
  else execute(db, sql`DELETE FROM submission_pages WHERE submission_id = ${submissionId} AND held = 1`);
  return queryOne<{ n: number }>(db, sql`SELECT count(*) AS n FROM submission_pages WHERE submission_id = ${submissionId}`)?.n ?? 0;
}
