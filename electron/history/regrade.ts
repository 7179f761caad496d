/**
 * Re-grading stored work with another model.
 *
 * Why a new batch, and not more jobs in the old one: a batch is a record of what was graded,
 * how, and what the teacher decided. Its plan (models, compare mode) says how its gradings
 * combine into the AI's suggestion; a second model's grading added to a one-model batch would
 * turn that suggestion into a consensus it never was, change the report (`gradedesk history
 * <id> --json`) and the review screen under a grade the teacher already accepted. A new batch
 * leaves the old one exactly as it was reviewed and is an ordinary batch in every other way:
 * same rubric, same grading settings and pseudonym secret (the same names are hidden the same
 * way), the stored text and page images (already redacted; work whose images still wait for
 * redaction is left out), one job per submission pinned to the chosen model, with the usual
 * idempotency key (batch × content × model × rubric version). It is then run through the runs
 * area's `resumeBatch` route, so its progress, pause, cancel and resume are those of any batch,
 * and after a crash it is offered for resume like any other.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import { parseStoredPlan, type BatchPlan } from '../grading/batch/plan.ts';
import { enqueueSubmissionJobs } from '../grading/batch/submission-jobs.ts';
import { rubricVersion } from '../grading/rubric/index.ts';
import { execute } from '../store/statements.ts';
import { getBatch, insertBatch, insertSubmission, queryAll, setBatchStatus, sql, type WritableDB } from '../store/index.ts';

export interface RegradeRequest {
  batchId: string;
  /** Null: every submission of the batch that can be graded again. */
  submissionIds: readonly number[] | null;
  modelId: string;
}

interface SourceRow {
  id: number;
  file: string;
  student: string | null;
  student_id: string | null;
  file_hash: string;
  kind: string;
  extracted_text: string;
  page_count: number | null;
  flags_json: string;
}

/**
 * Work that can be graded again: read (it has text), not a copy of another file (graded once,
 * with the original), and not waiting for its images to be redacted.
 */
function gradableWork(db: WritableDB, request: RegradeRequest): SourceRow[] {
  const rows = queryAll<SourceRow & { status: string }>(
    db,
    sql`SELECT id, file, student, student_id, file_hash, kind, extracted_text, page_count, flags_json, status
        FROM submissions WHERE batch_id = ${request.batchId} AND extracted_text IS NOT NULL ORDER BY id`,
  );
  const wanted = request.submissionIds === null ? null : new Set(request.submissionIds);
  return rows.filter((r) => r.status !== 'duplicate' && r.status !== 'pending' && (wanted === null || wanted.has(r.id)));
}

/** Records the re-grade as a new batch with its jobs queued (not yet run); its id and size. */
export function createRegradeBatch(db: WritableDB, request: RegradeRequest, now: number): { batchId: string; submissions: number } {
  const source = getBatch(db, request.batchId);
  if (!source) throw new AppError('BATCH_NOT_FOUND', 'That batch is no longer in GradeDesk. Go back to the history and choose another.', { batchId: request.batchId });
  const stored = parseStoredPlan(source.configJson);
  if (!stored.ok) throw new AppError(stored.error.code, stored.error.message);
  const work = gradableWork(db, request);
  if (work.length === 0) {
    throw new AppError('NOTHING_TO_REGRADE', 'None of the chosen student work can be graded again: it could not be read, or it is a copy of another file.', { batchId: request.batchId });
  }
  const plan: BatchPlan = { ...stored.data, pool: [request.modelId], compare: false };
  const version = rubricVersion(plan.rubric);
  const batchId = `b_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  db.transaction(() => {
    insertBatch(db, {
      id: batchId,
      rubricId: source.rubricId,
      configJson: JSON.stringify({ plan, regradeOf: source.id }),
      budgetUsd: source.budgetUsd,
      estimateUsd: null,
      source: 'app',
      now,
    });
    for (const s of work) {
      const id = insertSubmission(db, {
        batchId,
        file: s.file,
        student: s.student,
        studentId: s.student_id,
        fileHash: s.file_hash,
        kind: s.kind,
        text: s.extracted_text,
        pageCount: s.page_count,
        status: 'extracted',
        duplicateOf: null,
        flags: JSON.parse(s.flags_json) as string[],
        errorCode: null,
        errorMessage: null,
        now,
      });
      execute(
        db,
        sql`INSERT INTO submission_pages (submission_id, page, mime, width, height, data, held)
            SELECT ${id}, page, mime, width, height, data, held FROM submission_pages WHERE submission_id = ${s.id}`,
      );
      enqueueSubmissionJobs(db, { batchId, submissionId: id, hash: s.file_hash, models: [request.modelId], version, now });
    }
    // Waiting for its run: if GradeDesk closes before it starts, it is offered for resume.
    setBatchStatus(db, batchId, 'interrupted', now);
  }).immediate();
  return { batchId, submissions: work.length };
}
