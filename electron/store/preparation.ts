/**
 * A batch being prepared: the files collected for it and not yet recorded (migration 013), the
 * process reading them, and the look-ups that keep a file from being recorded twice or an
 * identical file from being graded twice across chunks and processes.
 */
import type { ReadableDB, WritableDB } from './db-types.ts';
import { sql } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

export interface FileToRead {
  position: number;
  /** As recorded and shown: the submission's `file`. */
  file: string;
  /** The absolute path read. */
  path: string;
  /** The student the teacher named for this file, over the one its name suggests. */
  student: string | null;
}

/** The whole list, written with the batch row: what a later process reads if this one dies. */
export function insertFilesToRead(db: WritableDB, batchId: string, files: ReadonlyArray<Omit<FileToRead, 'position'>>): void {
  files.forEach((f, position) =>
    execute(db, sql`INSERT INTO batch_files_to_read (batch_id, position, file, path, student) VALUES (${batchId}, ${position}, ${f.file}, ${f.path}, ${f.student})`),
  );
}

/** Files of a batch still to read, in the order they were collected. */
export function filesToRead(db: ReadableDB, batchId: string): FileToRead[] {
  return queryAll<FileToRead>(db, sql`SELECT position, file, path, student FROM batch_files_to_read WHERE batch_id = ${batchId} ORDER BY position`);
}

export function countFilesToRead(db: ReadableDB, batchId: string): number {
  return queryOne<{ n: number }>(db, sql`SELECT count(*) AS n FROM batch_files_to_read WHERE batch_id = ${batchId}`)?.n ?? 0;
}

/** In the transaction that records the file's submission: it is no longer to read. */
export function markFileRead(db: WritableDB, batchId: string, position: number): void {
  execute(db, sql`DELETE FROM batch_files_to_read WHERE batch_id = ${batchId} AND position = ${position}`);
}

/**
 * The submission an identical file of the batch was first recorded as (extracted, not itself a
 * copy), whichever chunk or process recorded it; null when there is none.
 */
export function firstSubmissionWithHash(db: ReadableDB, batchId: string, hash: string): number | null {
  return (
    queryOne<{ id: number }>(
      db,
      sql`SELECT id FROM submissions WHERE batch_id = ${batchId} AND file_hash = ${hash} AND duplicate_of IS NULL
            AND kind <> 'unknown' ORDER BY id LIMIT 1`,
    )?.id ?? null
  );
}

export function batchPreparer(db: ReadableDB, batchId: string): string | null {
  return queryOne<{ preparer: string | null }>(db, sql`SELECT preparer FROM batches WHERE id = ${batchId}`)?.preparer ?? null;
}

/**
 * Makes `owner` the process reading a batch's files, unless another one that `isAlive` says
 * still runs is: read and written in one IMMEDIATE transaction, so two resumes cannot both
 * claim it. Answers `busy` with the live owner, `claimed`, or `prepared` when no file is left
 * to read (nothing to claim).
 */
export function claimPreparation(
  db: WritableDB,
  batchId: string,
  owner: string,
  isAlive: (owner: string) => boolean,
  now: number,
): { kind: 'claimed' | 'prepared' } | { kind: 'busy'; owner: string } {
  return db
    .transaction((): { kind: 'claimed' | 'prepared' } | { kind: 'busy'; owner: string } => {
      if (countFilesToRead(db, batchId) === 0) return { kind: 'prepared' };
      const current = batchPreparer(db, batchId);
      if (current !== null && current !== owner && isAlive(current)) return { kind: 'busy', owner: current };
      execute(db, sql`UPDATE batches SET preparer = ${owner}, status = 'running', updated_at = ${now}, finished_at = NULL WHERE id = ${batchId}`);
      return { kind: 'claimed' };
    })
    .immediate();
}

/** This process reads no more of the batch's files (done, stopped or failed). */
export function releasePreparation(db: WritableDB, batchId: string, owner: string): void {
  execute(db, sql`UPDATE batches SET preparer = NULL WHERE id = ${batchId} AND preparer = ${owner}`);
}

/** Submissions recorded for a batch so far. */
export function countSubmissions(db: ReadableDB, batchId: string): number {
  return queryOne<{ n: number }>(db, sql`SELECT count(*) AS n FROM submissions WHERE batch_id = ${batchId}`)?.n ?? 0;
}

/**
 * Removes a batch that was stopped before any of its files was recorded: nothing of it is worth
 * resuming. Its list of files goes with it (ON DELETE CASCADE).
 */
export function deleteUnrecordedBatch(db: WritableDB, batchId: string): void {
  db.transaction(() => {
    if (countSubmissions(db, batchId) > 0) return;
    execute(db, sql`DELETE FROM batches WHERE id = ${batchId}`);
  }).immediate();
}
