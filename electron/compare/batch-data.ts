/**
 * What the compare screen reads of one batch, straight from the store: its rubric (as stored
 * with it), submissions, each model's grading with tokens, latency and cost, the jobs that did
 * not end in a grading, the teacher's finals (`reviews`) and the recorded calls per model.
 * Read-only: nothing here writes.
 */
import { queryAll, queryOne, sql, type JobStatus, type ReadableDB } from '../store/index.ts';

export interface RubricLevel {
  points: number;
  label: string;
}

export interface RubricCriterion {
  id: string;
  name: string;
  /** Lowest points first. */
  levels: RubricLevel[];
}

export interface StoredGrading {
  submissionId: number;
  modelId: string;
  criteria: Array<{ id: string; points: number; evidence: string; feedback: string }>;
  overallFeedback: string;
  score: number;
  maxScore: number;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number | null;
  costUsd: number | null;
}

export interface StoredJob {
  submissionId: number;
  modelId: string;
  status: JobStatus;
  errorCode: string | null;
}

export interface StoredSubmission {
  id: number;
  file: string;
  student: string | null;
  status: string;
}

export interface CallTotals {
  modelId: string;
  calls: number;
  costUsd: number;
  unpricedCalls: number;
  promptTokens: number;
  completionTokens: number;
  simulated: boolean;
}

export interface BatchData {
  id: string;
  status: string;
  rubricId: string;
  rubricTitle: string;
  criteria: RubricCriterion[];
  submissions: StoredSubmission[];
  gradings: StoredGrading[];
  jobs: StoredJob[];
  /** submission id → criterion id → the teacher's final points. */
  finals: Map<number, Map<string, number>>;
  calls: CallTotals[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The criteria of a stored rubric (DESIGN §5), levels ordered by points; anything malformed is left out. */
export function rubricCriteria(rubricJson: string): RubricCriterion[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rubricJson);
  } catch {
    return [];
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.criteria)) return [];
  return parsed.criteria.filter(isRecord).map((c) => ({
    id: str(c.id),
    name: str(c.name) || str(c.id),
    levels: (Array.isArray(c.levels) ? c.levels : [])
      .filter(isRecord)
      .filter((l) => typeof l.points === 'number' && Number.isFinite(l.points))
      .map((l) => ({ points: l.points as number, label: str(l.label) }))
      .sort((a, b) => a.points - b.points),
  }));
}

function parseGradingCriteria(json: string): StoredGrading['criteria'] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter(isRecord)
    .filter((c) => typeof c.points === 'number')
    .map((c) => ({ id: str(c.id), points: c.points as number, evidence: str(c.evidence), feedback: str(c.feedback) }));
}

function overallFeedbackOf(valueJson: string | null): string {
  if (valueJson === null) return '';
  const value: unknown = JSON.parse(valueJson);
  // value_json holds the scored answer; the model's own words are under `answer`.
  if (isRecord(value) && typeof value.overallFeedback === 'string') return value.overallFeedback;
  if (isRecord(value) && isRecord(value.answer) && typeof value.answer.overall_feedback === 'string') return value.answer.overall_feedback;
  return '';
}

interface GradingDbRow {
  submission_id: number;
  model_id: string;
  criteria_json: string;
  value_json: string | null;
  score: number;
  max_score: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  cost_usd: number | null;
}

function readGradings(db: ReadableDB, batchId: string): StoredGrading[] {
  return queryAll<GradingDbRow>(
    db,
    // The grading pipeline leaves a grading's tokens to the audit trail: the job's attempts hold them.
    sql`SELECT g.submission_id, g.model_id, g.criteria_json, g.value_json, g.score, g.max_score,
          coalesce(g.prompt_tokens, t.prompt) AS prompt_tokens, coalesce(g.completion_tokens, t.completion) AS completion_tokens,
          g.latency_ms, g.cost_usd
        FROM gradings g JOIN submissions s ON s.id = g.submission_id
        LEFT JOIN (SELECT job_id, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion FROM api_calls
                   WHERE batch_id = ${batchId} AND job_id IS NOT NULL GROUP BY job_id) t ON t.job_id = g.job_id
        WHERE s.batch_id = ${batchId} ORDER BY g.submission_id, g.model_id`,
  ).map((r) => ({
    submissionId: r.submission_id,
    modelId: r.model_id,
    criteria: parseGradingCriteria(r.criteria_json),
    overallFeedback: overallFeedbackOf(r.value_json),
    score: r.score,
    maxScore: r.max_score,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    latencyMs: r.latency_ms,
    costUsd: r.cost_usd,
  }));
}

/** The teacher's finals of every submission of a batch (null: of every batch). */
export function readFinals(db: ReadableDB, batchId: string | null): Map<number, Map<string, number>> {
  const where = batchId === null ? sql`` : sql`WHERE s.batch_id = ${batchId}`;
  const finals = new Map<number, Map<string, number>>();
  for (const r of queryAll<{ submission_id: number; criterion_id: string; points: number }>(
    db,
    sql`SELECT r.submission_id, r.criterion_id, r.points FROM reviews r JOIN submissions s ON s.id = r.submission_id ${where}`,
  )) {
    const mine = finals.get(r.submission_id) ?? new Map<string, number>();
    mine.set(r.criterion_id, r.points);
    finals.set(r.submission_id, mine);
  }
  return finals;
}

export const batchExists = (db: ReadableDB, batchId: string): boolean =>
  queryOne<{ one: number }>(db, sql`SELECT 1 AS one FROM batches WHERE id = ${batchId}`) !== undefined;

/** Everything the matrix shows of a batch; null when there is no such batch. */
export function readBatchData(db: ReadableDB, batchId: string): BatchData | null {
  const batch = queryOne<{ id: string; status: string; rubric_id: string; title: string; rubric_json: string }>(
    db,
    sql`SELECT b.id, b.status, b.rubric_id, r.title, r.rubric_json FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.id = ${batchId}`,
  );
  if (!batch) return null;
  const submissions = queryAll<StoredSubmission>(
    db,
    sql`SELECT id, file, student, status FROM submissions WHERE batch_id = ${batchId} ORDER BY id`,
  );
  const jobs = queryAll<{ submission_id: number; model_id: string; status: JobStatus; error_code: string | null }>(
    db,
    sql`SELECT submission_id, model_id, status, error_code FROM jobs WHERE batch_id = ${batchId} ORDER BY id`,
  ).map((j) => ({ submissionId: j.submission_id, modelId: j.model_id, status: j.status, errorCode: j.error_code }));
  const calls = queryAll<{ model_id: string; calls: number; cost: number | null; unpriced: number; prompt: number | null; completion: number | null; simulated: number }>(
    db,
    sql`SELECT model_id, count(*) AS calls, sum(cost_usd) AS cost, sum(cost_usd IS NULL) AS unpriced,
          sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion, max(simulated) AS simulated
        FROM api_calls WHERE batch_id = ${batchId} GROUP BY model_id`,
  ).map((c) => ({
    modelId: c.model_id,
    calls: c.calls,
    costUsd: c.cost ?? 0,
    unpricedCalls: c.unpriced,
    promptTokens: c.prompt ?? 0,
    completionTokens: c.completion ?? 0,
    simulated: c.simulated === 1,
  }));
  return {
    id: batch.id,
    status: batch.status,
    rubricId: batch.rubric_id,
    rubricTitle: batch.title,
    criteria: rubricCriteria(batch.rubric_json),
    submissions,
    gradings: readGradings(db, batchId),
    jobs,
    finals: readFinals(db, batchId),
    calls,
  };
}
