/**
 * The history's queries: batches and submissions a page at a time, newest first, filtered in
 * SQL. Nothing here reads a whole table: every list is bounded by LIMIT (one more row than the
 * page, to know whether another page follows), and the per-row figures of a page are read by
 * key through an index.
 */
import type { ReadableDB } from './db-types.ts';
import type { SearchCondition } from './search.ts';
import { sql, sqlJoin, type SqlFragment } from './sql.ts';
import { queryAll } from './statements.ts';

interface Range {
  from: number | null;
  to: number | null;
  rubricId: string | null;
  modelId: string | null;
  offset: number;
  limit: number;
}

export interface BatchQuery extends Range {
  status: string | null;
}

export interface SubmissionQuery extends Range {
  batchId: string | null;
  status: string | null;
  review: 'all' | 'flagged' | 'unreviewed' | 'reviewed';
}

export interface HistoryBatchRow {
  id: string;
  created_at: number;
  status: string;
  source: string;
  title: string;
  regrade_of: string | null;
  submissions: number;
  graded: number;
  failed: number;
}

export interface HistorySubmissionRow {
  id: number;
  batch_id: string;
  created_at: number;
  student: string | null;
  file: string;
  status: string;
  flags_json: string;
  title: string;
  review_status: string | null;
  final_score: number | null;
  review_max: number | null;
}

export interface PageGrading {
  submissionId: number;
  modelId: string;
  score: number;
  maxScore: number;
  flags: string[];
  criteria: unknown;
  value: unknown;
}

/** Signals that say something about the work but do not ask the teacher to look first. */
const INFORMATIONAL_FLAGS = sql`('name_redacted_in_image')`;

const where = (parts: SqlFragment[]): SqlFragment => (parts.length === 0 ? sql`` : sql`WHERE ${sqlJoin(parts, sql` AND `)}`);

/** One more than the page: whether another page follows, without counting the whole table. */
const page = (q: Range): SqlFragment => sql`LIMIT ${q.limit + 1} OFFSET ${q.offset}`;

function batchConditions(q: BatchQuery): SqlFragment[] {
  const parts: SqlFragment[] = [];
  if (q.from !== null) parts.push(sql`b.created_at >= ${q.from}`);
  if (q.to !== null) parts.push(sql`b.created_at <= ${q.to}`);
  if (q.rubricId !== null) parts.push(sql`b.rubric_id = ${q.rubricId}`);
  if (q.status !== null) parts.push(sql`b.status = ${q.status}`);
  if (q.modelId !== null) {
    parts.push(sql`EXISTS (SELECT 1 FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE g.model_id = ${q.modelId} AND s.batch_id = b.id)`);
  }
  return parts;
}

const BATCH_COLUMNS = sql`b.id, b.created_at, b.status, b.source, r.title, json_extract(b.config_json, '$.regradeOf') AS regrade_of,
  (SELECT COUNT(*) FROM submissions s WHERE s.batch_id = b.id)
    + (SELECT COUNT(*) FROM batch_files_to_read f WHERE f.batch_id = b.id) AS submissions,
  (SELECT COUNT(*) FROM submissions s WHERE s.batch_id = b.id AND s.status = 'graded') AS graded,
  (SELECT COUNT(*) FROM submissions s WHERE s.batch_id = b.id AND s.status = 'failed') AS failed`;

/** A page of batches, newest first, and whether more follow. */
export function historyBatches(db: ReadableDB, q: BatchQuery): { rows: HistoryBatchRow[]; hasMore: boolean } {
  const rows = queryAll<HistoryBatchRow>(
    db,
    sql`SELECT ${BATCH_COLUMNS} FROM batches b JOIN rubrics r ON r.id = b.rubric_id
        ${where(batchConditions(q))} ORDER BY b.created_at DESC, b.rowid DESC ${page(q)}`,
  );
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

export function historyBatch(db: ReadableDB, batchId: string): HistoryBatchRow | null {
  return queryAll<HistoryBatchRow>(db, sql`SELECT ${BATCH_COLUMNS} FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.id = ${batchId}`)[0] ?? null;
}

/** Every model that graded something in the batch. */
export function modelsOfBatch(db: ReadableDB, batchId: string): string[] {
  return queryAll<{ model_id: string }>(
    db,
    sql`SELECT DISTINCT g.model_id FROM submissions s JOIN gradings g ON g.submission_id = s.id WHERE s.batch_id = ${batchId} ORDER BY g.model_id LIMIT 50`,
  ).map((r) => r.model_id);
}

/**
 * The signals a report computes rather than stores, read from the same rows: a compared model
 * whose job failed (`model_failed`), and two models more than one level apart on a criterion
 * (`models_disagree`: a level of the rubric lies strictly between their points, as consensus.ts
 * counts levels).
 */
const MODEL_FAILED = sql`EXISTS (SELECT 1 FROM jobs j WHERE j.submission_id = s.id AND j.status = 'failed')`;
const MODELS_DISAGREE = sql`EXISTS (
  SELECT 1 FROM gradings g1 JOIN gradings g2 ON g2.submission_id = g1.submission_id AND g2.id > g1.id,
    json_each(g1.criteria_json) AS c1, json_each(g2.criteria_json) AS c2, json_each(r.rubric_json, '$.criteria') AS rc
  WHERE g1.submission_id = s.id
    AND json_extract(c2.value, '$.id') = json_extract(c1.value, '$.id')
    AND json_extract(rc.value, '$.id') = json_extract(c1.value, '$.id')
    AND EXISTS (SELECT 1 FROM json_each(rc.value, '$.levels') AS lv
      WHERE json_extract(lv.value, '$.points') > MIN(json_extract(c1.value, '$.points'), json_extract(c2.value, '$.points'))
        AND json_extract(lv.value, '$.points') < MAX(json_extract(c1.value, '$.points'), json_extract(c2.value, '$.points'))))`;

function reviewCondition(review: SubmissionQuery['review']): SqlFragment | null {
  switch (review) {
    case 'reviewed':
      return sql`sr.status = 'accepted'`;
    case 'unreviewed':
      return sql`s.status IN ('graded', 'in_doubt') AND (sr.status IS NULL OR sr.status <> 'accepted')`;
    case 'flagged':
      return sql`(s.status = 'in_doubt'
        OR EXISTS (SELECT 1 FROM json_each(s.flags_json) AS f WHERE f.value NOT IN ${INFORMATIONAL_FLAGS})
        OR EXISTS (SELECT 1 FROM gradings g, json_each(g.flags_json) AS f WHERE g.submission_id = s.id AND f.value NOT IN ${INFORMATIONAL_FLAGS})
        OR ${MODEL_FAILED} OR ${MODELS_DISAGREE})`;
    default:
      return null;
  }
}

function submissionConditions(q: SubmissionQuery, search: SqlFragment[]): SqlFragment[] {
  const parts: SqlFragment[] = [...search];
  if (q.batchId !== null) parts.push(sql`s.batch_id = ${q.batchId}`);
  if (q.from !== null) parts.push(sql`s.created_at >= ${q.from}`);
  if (q.to !== null) parts.push(sql`s.created_at <= ${q.to}`);
  if (q.rubricId !== null) parts.push(sql`b.rubric_id = ${q.rubricId}`);
  if (q.status !== null) parts.push(sql`s.status = ${q.status}`);
  if (q.modelId !== null) parts.push(sql`EXISTS (SELECT 1 FROM gradings g WHERE g.submission_id = s.id AND g.model_id = ${q.modelId})`);
  const review = reviewCondition(q.review);
  if (review) parts.push(review);
  return parts;
}

/**
 * Where the rows come from, and in what order. Across the whole history with words to match, the
 * search index itself is read newest first (FTS5 walks its rowids in descending order) and the
 * query stops at the page's end: a common word ("the", 作文) costs a page, not every match.
 * Otherwise submissions are read newest first (in a batch: as added) through their keys.
 */
function source(q: SubmissionQuery, search: SearchCondition): { from: SqlFragment; conditions: SqlFragment[]; order: SqlFragment } {
  if (search.kind === 'where' && search.match !== null && q.batchId === null) {
    return {
      from: sql`submissions_fts AS f JOIN submissions s ON s.id = f.rowid`,
      conditions: [sql`submissions_fts MATCH ${search.match}`, ...(search.names ? [search.names] : [])],
      order: sql`f.rowid DESC`,
    };
  }
  return {
    from: sql`submissions s`,
    conditions: search.kind === 'where' ? [search.where] : [],
    order: q.batchId !== null ? sql`s.id` : sql`s.id DESC`,
  };
}

/** A page of submissions, newest first (in a batch: in the order they were added), and whether more follow. */
export function historySubmissions(db: ReadableDB, q: SubmissionQuery, search: SearchCondition): { rows: HistorySubmissionRow[]; hasMore: boolean } {
  if (search.kind === 'textTooShort') return { rows: [], hasMore: false };
  const { from, conditions, order } = source(q, search);
  const rows = queryAll<HistorySubmissionRow>(
    db,
    sql`SELECT s.id, s.batch_id, s.created_at, s.student, s.file, s.status, s.flags_json, r.title,
          sr.status AS review_status, sr.final_score, sr.max_score AS review_max
        FROM ${from}
        JOIN batches b ON b.id = s.batch_id
        JOIN rubrics r ON r.id = b.rubric_id
        LEFT JOIN submission_reviews sr ON sr.submission_id = s.id
        ${where(submissionConditions(q, conditions))}
        ORDER BY ${order} ${page(q)}`,
  );
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

const idList = (ids: readonly number[]): SqlFragment => sqlJoin(ids.map((id) => sql`${id}`), sql`, `);

/** What each model said about the submissions of one page. */
export function gradingsOfPage(db: ReadableDB, ids: readonly number[]): PageGrading[] {
  if (ids.length === 0) return [];
  return queryAll<{ submission_id: number; model_id: string; score: number; max_score: number; flags_json: string; criteria_json: string; value_json: string | null }>(
    db,
    sql`SELECT submission_id, model_id, score, max_score, flags_json, criteria_json, value_json FROM gradings
        WHERE submission_id IN (${idList(ids)}) ORDER BY submission_id, model_id`,
  ).map((r) => ({
    submissionId: r.submission_id,
    modelId: r.model_id,
    score: r.score,
    maxScore: r.max_score,
    flags: JSON.parse(r.flags_json) as string[],
    criteria: JSON.parse(r.criteria_json) as unknown,
    value: r.value_json === null ? null : (JSON.parse(r.value_json) as unknown),
  }));
}

/**
 * Where `term` first occurs in each text of the page (case folded for Latin letters), with up to
 * `context` characters either side. Only the texts of the page's rows are read, and only the
 * piece around the match crosses into JavaScript.
 */
export function excerptsOfPage(db: ReadableDB, ids: readonly number[], term: string, context: number): Map<number, [string, string, string]> {
  const out = new Map<number, [string, string, string]>();
  if (ids.length === 0 || term === '') return out;
  const length = [...term].length;
  const rows = queryAll<{ id: number; at: number; piece: string | null }>(
    db,
    sql`SELECT id, at, substr(extracted_text, max(1, at - ${context}), ${context * 2 + length}) AS piece
        FROM (SELECT id, extracted_text, instr(lower(extracted_text), lower(${term})) AS at FROM submissions WHERE id IN (${idList(ids)}))
        WHERE at > 0`,
  );
  for (const r of rows) {
    if (r.piece === null) continue;
    const chars = [...r.piece];
    const start = Math.min(r.at - 1, context);
    out.set(r.id, [chars.slice(0, start).join(''), chars.slice(start, start + length).join(''), chars.slice(start + length).join('')]);
  }
  return out;
}

/** The rubrics batches were graded with, by title. */
export function rubricsInHistory(db: ReadableDB, limit: number): Array<{ id: string; title: string }> {
  return queryAll<{ id: string; title: string }>(
    db,
    sql`SELECT r.id, r.title FROM rubrics r WHERE EXISTS (SELECT 1 FROM batches b WHERE b.rubric_id = r.id) ORDER BY r.title, r.id LIMIT ${limit}`,
  );
}

/**
 * Every model that graded something: a skip scan over gradings_model_id (one index seek per
 * distinct model), not a scan of every grading.
 */
export function modelsInHistory(db: ReadableDB, limit: number): string[] {
  return queryAll<{ m: string }>(
    db,
    sql`WITH RECURSIVE models (m, n) AS (
          SELECT (SELECT MIN(model_id) FROM gradings), 1
          UNION ALL
          SELECT (SELECT MIN(model_id) FROM gradings WHERE model_id > models.m), n + 1 FROM models WHERE models.m IS NOT NULL AND n < ${limit}
        )
        SELECT m FROM models WHERE m IS NOT NULL`,
  ).map((r) => r.m);
}
