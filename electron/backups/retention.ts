/**
 * Deleting what a teacher may no longer keep: one batch, or everything about one student
 * (submissions and their pages, gradings, reviews, the review record, search index entries and
 * the attempts made for them). `secure_delete` is on (store/db.ts), the search indexes are
 * merged so no segment keeps the words, and the WAL is checkpointed so the old pages leave it.
 * Backups made earlier still hold the data until rotation drops them; the screen says so.
 */
import { AppError } from '../../shared/errors.ts';
import type { DeletionCounts } from '../../shared/ipc/backups.ts';
import type { WritableDB } from '../store/db-types.ts';
import { sql, type SqlFragment } from '../store/sql.ts';
import { execute, queryAll, queryOne } from '../store/statements.ts';

/** The submissions a deletion is about, as a sub-select. */
type Target = { kind: 'batch'; batchId: string } | { kind: 'student'; student: string };

function submissionsOf(target: Target): SqlFragment {
  return target.kind === 'batch'
    ? sql`SELECT id FROM submissions WHERE batch_id = ${target.batchId}`
    : sql`SELECT id FROM submissions WHERE student = ${target.student} OR student_id = ${target.student}`;
}

function count(db: WritableDB, query: SqlFragment): number {
  return queryOne<{ n: number }>(db, query)?.n ?? 0;
}

function attemptsOf(target: Target): SqlFragment {
  const jobs = sql`SELECT id FROM jobs WHERE submission_id IN (${submissionsOf(target)})`;
  return target.kind === 'batch'
    ? sql`FROM api_calls WHERE batch_id = ${target.batchId} OR job_id IN (${jobs})`
    : sql`FROM api_calls WHERE job_id IN (${jobs})`;
}

export function countFor(db: WritableDB, target: Target): DeletionCounts {
  const subs = submissionsOf(target);
  return {
    batches: target.kind === 'batch' ? count(db, sql`SELECT count(*) AS n FROM batches WHERE id = ${target.batchId}`) : 0,
    submissions: count(db, sql`SELECT count(*) AS n FROM submissions WHERE id IN (${subs})`),
    gradings: count(db, sql`SELECT count(*) AS n FROM gradings WHERE submission_id IN (${subs})`),
    reviews: count(db, sql`SELECT count(*) AS n FROM submission_reviews WHERE submission_id IN (${subs})`),
    attempts: count(db, sql`SELECT count(*) AS n ${attemptsOf(target)}`),
  };
}

/**
 * The review record is append-only for everything else; a retention deletion is the one
 * exception, so its guard is lifted inside this transaction only and put back as it was.
 */
function deleteReviewRecord(db: WritableDB, subs: SqlFragment): void {
  const guard = queryOne<{ sql: string }>(
    db,
    sql`SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'review_audit_no_delete'`,
  );
  if (guard) db.exec('DROP TRIGGER review_audit_no_delete');
  execute(db, sql`DELETE FROM review_audit WHERE submission_id IN (${subs})`);
  if (guard) db.exec(guard.sql);
}

/** Every full-text index, merged into one segment so deleted words are not left in old ones. */
function mergeSearchIndexes(db: WritableDB): void {
  const tables = queryAll<{ name: string }>(
    db,
    sql`SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'`,
  );
  for (const { name } of tables) {
    // The name comes from the schema itself, quoted as an identifier.
    db.prepare(`INSERT INTO "${name.replaceAll('"', '""')}" ("${name.replaceAll('"', '""')}") VALUES ('optimize')`).run();
  }
}

function remove(db: WritableDB, target: Target): DeletionCounts {
  const counts = db.transaction(() => {
    const found = countFor(db, target);
    const subs = submissionsOf(target);
    // Collected first: the jobs go with their submissions.
    const attempts = queryAll<{ seq: number }>(db, sql`SELECT seq ${attemptsOf(target)}`).map((r) => r.seq);
    deleteReviewRecord(db, subs);
    for (const seq of attempts) execute(db, sql`DELETE FROM api_calls WHERE seq = ${seq}`);
    if (target.kind === 'batch') execute(db, sql`DELETE FROM batches WHERE id = ${target.batchId}`);
    else execute(db, sql`DELETE FROM submissions WHERE id IN (${subs})`);
    mergeSearchIndexes(db);
    return found;
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return counts;
}

export function previewDeleteBatch(db: WritableDB, batchId: string): DeletionCounts {
  const counts = countFor(db, { kind: 'batch', batchId });
  if (counts.batches === 0) throw new AppError('BATCH_NOT_FOUND', 'That batch is not in the grading history.', { batchId });
  return counts;
}

export function deleteBatch(db: WritableDB, batchId: string): DeletionCounts {
  previewDeleteBatch(db, batchId);
  return remove(db, { kind: 'batch', batchId });
}

export function previewDeleteStudent(db: WritableDB, student: string): DeletionCounts {
  return countFor(db, { kind: 'student', student });
}

export function deleteStudentData(db: WritableDB, student: string): DeletionCounts {
  return remove(db, { kind: 'student', student });
}
