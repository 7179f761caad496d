/**
 * Batches and their submissions: what `gradedesk grade` creates in one transaction, and what
 * `resume` and `history` read back.
 */
import type { FileCheckFinding } from '../../shared/ipc/review.ts';
import { sumApiCallCosts, type CostAccount } from './api-calls.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import { sql } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

export type BatchStatus = 'running' | 'completed' | 'partial' | 'budget_stopped' | 'stopped' | 'interrupted';
export type SubmissionStatus = 'pending' | 'extracted' | 'graded' | 'failed' | 'in_doubt' | 'duplicate';

export interface BatchRow {
  id: string;
  createdAt: number;
  status: BatchStatus;
  rubricId: string;
  rubricJson: string;
  rubricTitle: string;
  configJson: string;
  budgetUsd: number | null;
  estimateUsd: number | null;
  possibleDuplicates: number;
  runs: number;
  /** Why a `stopped` batch stopped (a refused key, no credits); null otherwise. */
  error: { code: string; message: string } | null;
}

export interface SubmissionRow {
  id: number;
  batchId: string;
  file: string;
  student: string | null;
  studentId: string | null;
  fileHash: string;
  kind: string;
  text: string | null;
  status: SubmissionStatus;
  duplicateOf: number | null;
  flags: string[];
  errorCode: string | null;
  errorMessage: string | null;
}

export function upsertRubric(db: WritableDB, rubric: { id: string; title: string; json: string; hash: string; maxPoints: number; now: number }): string {
  const existing = queryOne<{ id: string }>(db, sql`SELECT id FROM rubrics WHERE content_hash = ${rubric.hash} LIMIT 1`);
  if (existing) return existing.id;
  execute(
    db,
    sql`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at)
        VALUES (${rubric.id}, ${rubric.title}, ${rubric.json}, ${rubric.hash}, ${rubric.maxPoints}, ${rubric.now})`,
  );
  return rubric.id;
}

export function insertBatch(
  db: WritableDB,
  batch: {
    id: string;
    rubricId: string;
    configJson: string;
    budgetUsd: number | null;
    estimateUsd: number | null;
    source: 'cli' | 'app';
    now: number;
    /** The lease owner of the process that goes on to read the batch's files (preparation.ts). */
    preparer?: string | null;
  },
): void {
  execute(
    db,
    sql`INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, budget_usd, estimate_usd, source, preparer)
        VALUES (${batch.id}, ${batch.now}, ${batch.now}, 'running', ${batch.rubricId}, ${batch.configJson}, ${batch.budgetUsd},
          ${batch.estimateUsd}, ${batch.source}, ${batch.preparer ?? null})`,
  );
}

export function insertSubmission(
  db: WritableDB,
  s: {
    batchId: string;
    file: string;
    student: string | null;
    studentId: string | null;
    fileHash: string;
    kind: string;
    text: string | null;
    pageCount: number | null;
    status: SubmissionStatus;
    duplicateOf: number | null;
    flags: readonly string[];
    errorCode: string | null;
    errorMessage: string | null;
    /** The file's absolute path, kept for a `pending` submission (its images wait for redaction). */
    sourcePath?: string | null;
    /** What the injection check found, for the review; none when it found nothing. */
    injectionFindings?: readonly FileCheckFinding[];
    now: number;
  },
): number {
  const findings = s.injectionFindings && s.injectionFindings.length > 0 ? JSON.stringify(s.injectionFindings) : null;
  execute(
    db,
    sql`INSERT INTO submissions (batch_id, file, student, student_id, file_hash, kind, extracted_text, page_count, status,
          duplicate_of, flags_json, error_code, error_message, source_path, injection_findings_json, created_at, updated_at)
        VALUES (${s.batchId}, ${s.file}, ${s.student}, ${s.studentId}, ${s.fileHash}, ${s.kind}, ${s.text}, ${s.pageCount},
          ${s.status}, ${s.duplicateOf}, ${JSON.stringify(s.flags)}, ${s.errorCode}, ${s.errorMessage}, ${s.sourcePath ?? null},
          ${findings}, ${s.now}, ${s.now})`,
  );
  return (queryOne<{ id: number }>(db, sql`SELECT id FROM submissions WHERE batch_id = ${s.batchId} AND file = ${s.file}`)?.id ?? -1);
}

type PageToStore = { mime: string; width: number; height: number; data: Uint8Array; held?: boolean };

function insertSubmissionPage(db: WritableDB, p: PageToStore & { submissionId: number; page: number }): void {
  execute(
    db,
    sql`INSERT OR REPLACE INTO submission_pages (submission_id, page, mime, width, height, data, held)
        VALUES (${p.submissionId}, ${p.page}, ${p.mime}, ${p.width}, ${p.height}, ${Buffer.from(p.data)}, ${p.held === true ? 1 : 0})`,
  );
}

/**
 * A submission's page images, numbered from 1 in the order given. A `held` one (its names could
 * not be painted over) is kept for the teacher's decision and never read for sending.
 */
export function insertSubmissionPages(db: WritableDB, submissionId: number, images: readonly PageToStore[]): void {
  images.forEach((image, i) => insertSubmissionPage(db, { ...image, submissionId, page: i + 1 }));
}

/** The page images to send: never a held one. */
export function submissionPages(db: ReadableDB, submissionId: number): Array<{ page: number; mime: string; data: Buffer }> {
  return queryAll<{ page: number; mime: string; data: Buffer }>(
    db,
    sql`SELECT page, mime, data FROM submission_pages WHERE submission_id = ${submissionId} AND held = 0 ORDER BY page`,
  );
}

export function setSubmissionStatus(
  db: WritableDB,
  id: number,
  status: SubmissionStatus,
  now: number,
  extra: { flags?: readonly string[]; errorCode?: string | null; errorMessage?: string | null } = {},
): void {
  execute(
    db,
    sql`UPDATE submissions SET status = ${status}, updated_at = ${now},
          flags_json = coalesce(${extra.flags ? JSON.stringify(extra.flags) : null}, flags_json),
          error_code = ${extra.errorCode ?? null}, error_message = ${extra.errorMessage ?? null}
        WHERE id = ${id}`,
  );
}

/** A submission's status and flags, read inside the transaction that may change them; null when there is none. */
export function getSubmissionState(db: ReadableDB, id: number): { status: SubmissionStatus; flags: string[] } | null {
  const row = queryOne<{ status: SubmissionStatus; flags_json: string }>(db, sql`SELECT status, flags_json FROM submissions WHERE id = ${id}`);
  return row ? { status: row.status, flags: JSON.parse(row.flags_json) as string[] } : null;
}

/**
 * Submissions of a batch whose images still wait for name redaction, with the file each came
 * from. Not those whose redaction failed: they wait for the teacher (held pages), not for OCR.
 */
export function pendingSubmissions(db: ReadableDB, batchId: string): Array<{ id: number; file: string; fileHash: string; sourcePath: string | null }> {
  return queryAll<{ id: number; file: string; fileHash: string; sourcePath: string | null }>(
    db,
    sql`SELECT id, file, file_hash AS fileHash, source_path AS sourcePath
        FROM submissions s WHERE batch_id = ${batchId} AND status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM submission_pages p WHERE p.submission_id = s.id AND p.held = 1) ORDER BY id`,
  );
}

/** A new status; `error` says why a `stopped` batch stopped, and any earlier one is cleared. */
export function setBatchStatus(db: WritableDB, id: string, status: BatchStatus, now: number, error: { code: string; message: string } | null = null): void {
  const finished = status === 'running' ? null : now;
  execute(
    db,
    sql`UPDATE batches SET status = ${status}, updated_at = ${now}, finished_at = ${finished},
          error_code = ${error?.code ?? null}, error_message = ${error?.message ?? null} WHERE id = ${id}`,
  );
}

export function startBatchRun(db: WritableDB, id: string, now: number): void {
  execute(db, sql`UPDATE batches SET runs = runs + 1, status = 'running', updated_at = ${now}, finished_at = NULL WHERE id = ${id}`);
}

interface BatchDbRow {
  id: string;
  created_at: number;
  status: BatchStatus;
  rubric_id: string;
  rubric_json: string;
  title: string;
  config_json: string;
  budget_usd: number | null;
  estimate_usd: number | null;
  possible_duplicates: number;
  runs: number;
  error_code: string | null;
  error_message: string | null;
}

const toBatch = (r: BatchDbRow): BatchRow => ({
  id: r.id,
  createdAt: r.created_at,
  status: r.status,
  rubricId: r.rubric_id,
  rubricJson: r.rubric_json,
  rubricTitle: r.title,
  configJson: r.config_json,
  budgetUsd: r.budget_usd,
  estimateUsd: r.estimate_usd,
  possibleDuplicates: r.possible_duplicates,
  runs: r.runs,
  error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
});

const BATCH_SELECT = sql`SELECT b.id, b.created_at, b.status, b.rubric_id, r.rubric_json, r.title, b.config_json, b.budget_usd,
  b.estimate_usd, b.possible_duplicates, b.runs, b.error_code, b.error_message FROM batches b JOIN rubrics r ON r.id = b.rubric_id`;

export function getBatch(db: ReadableDB, id: string): BatchRow | null {
  const row = queryOne<BatchDbRow>(db, sql`${BATCH_SELECT} WHERE b.id = ${id}`);
  return row ? toBatch(row) : null;
}

/**
 * The most recent batch that did not finish (for `gradedesk resume` without an id). Not a
 * 'partial' one: everything it could do is done, its failures need the teacher.
 */
export function latestUnfinishedBatch(db: ReadableDB): BatchRow | null {
  const row = queryOne<BatchDbRow>(
    db,
    // A `partial` batch counts while it still has queued work: a held submission the teacher
    // decided on (`gradedesk decide`) is queued again in a batch that had already ended.
    sql`${BATCH_SELECT} WHERE b.status IN ('running', 'interrupted', 'budget_stopped', 'stopped')
        OR (b.status = 'partial' AND EXISTS (SELECT 1 FROM jobs j WHERE j.batch_id = b.id AND j.status = 'queued'))
        ORDER BY b.created_at DESC, b.rowid DESC LIMIT 1`,
  );
  return row ? toBatch(row) : null;
}

export function listBatches(db: ReadableDB, limit = 200): BatchRow[] {
  return queryAll<BatchDbRow>(db, sql`${BATCH_SELECT} ORDER BY b.created_at DESC, b.rowid DESC LIMIT ${limit}`).map(toBatch);
}

interface SubmissionDbRow {
  id: number;
  batch_id: string;
  file: string;
  student: string | null;
  student_id: string | null;
  file_hash: string;
  kind: string;
  extracted_text: string | null;
  status: SubmissionStatus;
  duplicate_of: number | null;
  flags_json: string;
  error_code: string | null;
  error_message: string | null;
}

/** How many submissions of a batch are in each status, without reading them. */
export function submissionCountsOfBatch(db: ReadableDB, batchId: string): { total: number; graded: number; failed: number } {
  const rows = queryAll<{ status: string; n: number }>(db, sql`SELECT status, COUNT(*) AS n FROM submissions WHERE batch_id = ${batchId} GROUP BY status`);
  const of = (status: string): number => rows.find((r) => r.status === status)?.n ?? 0;
  return { total: rows.reduce((sum, r) => sum + r.n, 0), graded: of('graded'), failed: of('failed') };
}

export function submissionsOfBatch(db: ReadableDB, batchId: string): SubmissionRow[] {
  return queryAll<SubmissionDbRow>(
    db,
    sql`SELECT id, batch_id, file, student, student_id, file_hash, kind, extracted_text, status, duplicate_of, flags_json,
          error_code, error_message FROM submissions WHERE batch_id = ${batchId} ORDER BY id`,
  ).map((r) => ({
    id: r.id,
    batchId: r.batch_id,
    file: r.file,
    student: r.student,
    studentId: r.student_id,
    fileHash: r.file_hash,
    kind: r.kind,
    text: r.extracted_text,
    status: r.status,
    duplicateOf: r.duplicate_of,
    flags: JSON.parse(r.flags_json) as string[],
    errorCode: r.error_code,
    errorMessage: r.error_message,
  }));
}

export interface GradingRow {
  submissionId: number;
  modelId: string;
  criteria: unknown;
  score: number;
  maxScore: number;
  flags: string[];
  latencyMs: number | null;
  costUsd: number | null;
  value: unknown;
}

export function gradingsOfBatch(db: ReadableDB, batchId: string): GradingRow[] {
  return queryAll<{
    submission_id: number;
    model_id: string;
    criteria_json: string;
    score: number;
    max_score: number;
    flags_json: string;
    latency_ms: number | null;
    cost_usd: number | null;
    value_json: string | null;
  }>(
    db,
    sql`SELECT g.submission_id, g.model_id, g.criteria_json, g.score, g.max_score, g.flags_json, g.latency_ms, g.cost_usd, g.value_json
        FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE s.batch_id = ${batchId} ORDER BY g.submission_id, g.model_id`,
  ).map((r) => ({
    submissionId: r.submission_id,
    modelId: r.model_id,
    criteria: JSON.parse(r.criteria_json) as unknown,
    score: r.score,
    maxScore: r.max_score,
    flags: JSON.parse(r.flags_json) as string[],
    latencyMs: r.latency_ms,
    costUsd: r.cost_usd,
    value: r.value_json === null ? null : (JSON.parse(r.value_json) as unknown),
  }));
}

/**
 * Cost of every recorded call of a batch, across all its runs; unknown costs counted apart
 * (`unpriced`: answers of unknown cost, which leave the total unknown).
 */
export function batchCallTotals(db: ReadableDB, batchId: string): CostAccount & { unpriced: number } {
  const account = sumApiCallCosts(db, { batchId });
  return { ...account, unpriced: account.unpricedAnswers };
}
