/**
 * The teacher's final grade, kept apart from the models' gradings: per criterion in `reviews`,
 * per submission in `submission_reviews` (migration 9), and every change in the append-only
 * `review_audit`. Writers run inside the caller's transaction, so the version check, the new
 * rows and their audit commit together or not at all.
 */
import type { FileCheckFinding } from '../../shared/ipc/review.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import type { JobStatus } from './jobs.ts';
import { sql } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

export type ReviewRecordStatus = 'draft' | 'accepted';

export interface CriterionFinal {
  criterionId: string;
  points: number;
  /** The model whose level the teacher kept; null when the level is the teacher's own. */
  sourceModelId: string | null;
  /** The words that go with the final: the teacher's own, else the source model's (no column of its own: own = differs from the model's). */
  feedback: string | null;
}

export interface ReviewRecord {
  submissionId: number;
  status: ReviewRecordStatus;
  finalScore: number;
  maxScore: number;
  feedback: string;
  adjustmentPoints: number;
  adjustmentReason: string | null;
  version: number;
  reviewedBy: string;
  updatedAt: number;
  acceptedAt: number | null;
  criteria: CriterionFinal[];
}

export interface AuditRow {
  submissionId: number;
  at: number;
  who: string;
  version: number;
  field: 'points' | 'feedback' | 'criterion_feedback' | 'adjustment' | 'status' | 'by_hand';
  criterionId: string | null;
  from: string | null;
  to: string | null;
}

interface RecordDbRow {
  submission_id: number;
  status: ReviewRecordStatus;
  final_score: number;
  max_score: number;
  feedback: string;
  adjustment_points: number;
  adjustment_reason: string | null;
  version: number;
  reviewed_by: string;
  updated_at: number;
  accepted_at: number | null;
}

interface CriterionDbRow {
  submission_id: number;
  criterion_id: string;
  points: number;
  source_model_id: string | null;
  feedback: string | null;
}

const toRecord = (r: RecordDbRow, criteria: CriterionFinal[]): ReviewRecord => ({
  submissionId: r.submission_id,
  status: r.status,
  finalScore: r.final_score,
  maxScore: r.max_score,
  feedback: r.feedback,
  adjustmentPoints: r.adjustment_points,
  adjustmentReason: r.adjustment_reason,
  version: r.version,
  reviewedBy: r.reviewed_by,
  updatedAt: r.updated_at,
  acceptedAt: r.accepted_at,
  criteria,
});

const toCriterion = (c: CriterionDbRow): CriterionFinal => ({
  criterionId: c.criterion_id,
  points: c.points,
  sourceModelId: c.source_model_id,
  feedback: c.feedback,
});

const RECORD_COLUMNS = sql`r.submission_id, r.status, r.final_score, r.max_score, r.feedback, r.adjustment_points,
  r.adjustment_reason, r.version, r.reviewed_by, r.updated_at, r.accepted_at`;

/** The teacher's review of one submission; null when nothing was saved yet. */
export function reviewOf(db: ReadableDB, submissionId: number): ReviewRecord | null {
  const row = queryOne<RecordDbRow>(db, sql`SELECT ${RECORD_COLUMNS} FROM submission_reviews r WHERE r.submission_id = ${submissionId}`);
  if (!row) return null;
  const criteria = queryAll<CriterionDbRow>(
    db,
    sql`SELECT submission_id, criterion_id, points, source_model_id, feedback FROM reviews WHERE submission_id = ${submissionId} ORDER BY id`,
  );
  return toRecord(row, criteria.map(toCriterion));
}

/** Every review of a batch, by submission id: what exports and the report take as final. */
export function reviewsOfBatch(db: ReadableDB, batchId: string): Map<number, ReviewRecord> {
  const rows = queryAll<RecordDbRow>(
    db,
    sql`SELECT ${RECORD_COLUMNS} FROM submission_reviews r JOIN submissions s ON s.id = r.submission_id WHERE s.batch_id = ${batchId}`,
  );
  const criteria = queryAll<CriterionDbRow>(
    db,
    sql`SELECT v.submission_id, v.criterion_id, v.points, v.source_model_id, v.feedback
        FROM reviews v JOIN submissions s ON s.id = v.submission_id WHERE s.batch_id = ${batchId} ORDER BY v.id`,
  );
  const bySubmission = new Map<number, CriterionFinal[]>();
  for (const c of criteria) {
    const list = bySubmission.get(c.submission_id) ?? [];
    list.push(toCriterion(c));
    bySubmission.set(c.submission_id, list);
  }
  return new Map(rows.map((r) => [r.submission_id, toRecord(r, bySubmission.get(r.submission_id) ?? [])]));
}

/** How many graded submissions of each batch the teacher has accepted. */
export function acceptedCount(db: ReadableDB, batchId: string): number {
  return (
    queryOne<{ n: number }>(
      db,
      sql`SELECT count(*) AS n FROM submission_reviews r JOIN submissions s ON s.id = r.submission_id
          WHERE s.batch_id = ${batchId} AND r.status = 'accepted'`,
    )?.n ?? 0
  );
}

/** Writes the whole review (replacing the one before) and its audit rows. Call inside a transaction. */
export function writeReview(db: WritableDB, record: ReviewRecord, audit: readonly AuditRow[]): void {
  execute(
    db,
    sql`INSERT INTO submission_reviews (submission_id, status, final_score, max_score, feedback, adjustment_points,
          adjustment_reason, version, reviewed_by, updated_at, accepted_at)
        VALUES (${record.submissionId}, ${record.status}, ${record.finalScore}, ${record.maxScore}, ${record.feedback},
          ${record.adjustmentPoints}, ${record.adjustmentReason}, ${record.version}, ${record.reviewedBy}, ${record.updatedAt},
          ${record.acceptedAt})
        ON CONFLICT (submission_id) DO UPDATE SET status = excluded.status, final_score = excluded.final_score,
          max_score = excluded.max_score, feedback = excluded.feedback, adjustment_points = excluded.adjustment_points,
          adjustment_reason = excluded.adjustment_reason, version = excluded.version, reviewed_by = excluded.reviewed_by,
          updated_at = excluded.updated_at, accepted_at = excluded.accepted_at`,
  );
  for (const c of record.criteria) {
    execute(
      db,
      sql`INSERT INTO reviews (submission_id, criterion_id, points, feedback, source_model_id, reviewed_by, reviewed_at)
          VALUES (${record.submissionId}, ${c.criterionId}, ${c.points}, ${c.feedback}, ${c.sourceModelId}, ${record.reviewedBy},
            ${record.updatedAt})
          ON CONFLICT (submission_id, criterion_id) DO UPDATE SET points = excluded.points, feedback = excluded.feedback,
            source_model_id = excluded.source_model_id, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at`,
    );
  }
  for (const a of audit) {
    execute(
      db,
      sql`INSERT INTO review_audit (submission_id, at, who, version, field, criterion_id, from_value, to_value)
          VALUES (${a.submissionId}, ${a.at}, ${a.who}, ${a.version}, ${a.field}, ${a.criterionId}, ${a.from}, ${a.to})`,
    );
  }
}

/** The latest `limit` changes to a submission's review, oldest first. */
export function auditOf(db: ReadableDB, submissionId: number, limit: number): AuditRow[] {
  return queryAll<{
    submission_id: number;
    at: number;
    who: string;
    version: number;
    field: AuditRow['field'];
    criterion_id: string | null;
    from_value: string | null;
    to_value: string | null;
  }>(
    db,
    sql`SELECT * FROM (SELECT id, submission_id, at, who, version, field, criterion_id, from_value, to_value FROM review_audit
          WHERE submission_id = ${submissionId} ORDER BY id DESC LIMIT ${limit}) ORDER BY id`,
  ).map((r) => ({
    submissionId: r.submission_id,
    at: r.at,
    who: r.who,
    version: r.version,
    field: r.field,
    criterionId: r.criterion_id,
    from: r.from_value,
    to: r.to_value,
  }));
}

/** The page images of a submission, without their bytes; a held page (names not covered) is left out. */
export function pageList(db: ReadableDB, submissionId: number): Array<{ page: number; mime: string; width: number | null; height: number | null }> {
  return queryAll(db, sql`SELECT page, mime, width, height FROM submission_pages WHERE submission_id = ${submissionId} AND held = 0 ORDER BY page`);
}

/** One page image's bytes; null when there is no such page (or it is held). */
export function pageImage(db: ReadableDB, submissionId: number, page: number): { mime: string; data: Buffer } | null {
  return (
    queryOne<{ mime: string; data: Buffer }>(
      db,
      sql`SELECT mime, data FROM submission_pages WHERE submission_id = ${submissionId} AND page = ${page} AND held = 0`,
    ) ?? null
  );
}

/** The submission a review is about, with its batch; null when there is none. */
export function submissionForReview(
  db: ReadableDB,
  submissionId: number,
): { id: number; batchId: string; file: string; student: string | null; text: string | null; status: string; flags: string[]; injectionFindings: FileCheckFinding[] } | null {
  const row = queryOne<{ id: number; batch_id: string; file: string; student: string | null; extracted_text: string | null; status: string; flags_json: string; injection_findings_json: string | null }>(
    db,
    sql`SELECT id, batch_id, file, student, extracted_text, status, flags_json, injection_findings_json FROM submissions WHERE id = ${submissionId}`,
  );
  if (!row) return null;
  return {
    id: row.id,
    batchId: row.batch_id,
    file: row.file,
    student: row.student,
    text: row.extracted_text,
    status: row.status,
    flags: JSON.parse(row.flags_json) as string[],
    injectionFindings: row.injection_findings_json === null ? [] : (JSON.parse(row.injection_findings_json) as FileCheckFinding[]),
  };
}

/** What each model said about one submission: the scored answer as stored (null for rows written before answers were kept). */
export function gradingsOfSubmission(db: ReadableDB, submissionId: number): Array<{ modelId: string; score: number; maxScore: number; flags: string[]; criteria: unknown; value: unknown }> {
  return queryAll<{ model_id: string; score: number; max_score: number; flags_json: string; criteria_json: string; value_json: string | null }>(
    db,
    sql`SELECT model_id, score, max_score, flags_json, criteria_json, value_json FROM gradings WHERE submission_id = ${submissionId} ORDER BY model_id`,
  ).map((r) => ({
    modelId: r.model_id,
    score: r.score,
    maxScore: r.max_score,
    flags: JSON.parse(r.flags_json) as string[],
    criteria: JSON.parse(r.criteria_json) as unknown,
    value: r.value_json === null ? null : (JSON.parse(r.value_json) as unknown),
  }));
}

/** The compared models that failed on a submission, and why (not those that could not take it at all: see job-outcomes). */
export function failedJobsOf(db: ReadableDB, submissionId: number): Array<{ modelId: string; status: JobStatus; errorCode: string | null }> {
  return queryAll(
    db,
    sql`SELECT model_id AS modelId, status, error_code AS errorCode FROM jobs WHERE submission_id = ${submissionId} AND status = 'failed' ORDER BY id`,
  );
}
