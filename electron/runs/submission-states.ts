/**
 * Each submission of a batch as the progress screen shows it, from the store: its jobs say
 * whether it waits, is being graded, was graded (with the score and the start of the feedback),
 * failed (with why), was skipped, or is in doubt. Light queries of their own: the extracted text
 * and page images are never read here, so a batch of 300 is cheap to list after every job.
 */
import type { RunCounts, SubmissionState } from '../../shared/ipc/runs.ts';
import type { CombineGradings } from '../grading/batch/report.ts';
import { queryAll, sql, type ReadableDB } from '../store/index.ts';

/** Characters of the overall feedback shown while grading goes on. */
const FEEDBACK_PREVIEW = 280;
const NOT_APPLICABLE = new Set(['NO_VISION', 'CONTEXT_TOO_LONG']);

interface SubmissionDb {
  id: number;
  file: string;
  student: string | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
}
interface JobDb {
  submission_id: number;
  model_id: string;
  status: string;
  error_code: string | null;
  error_message: string | null;
}
interface GradingDb {
  submission_id: number;
  model_id: string;
  criteria_json: string;
  score: number;
  max_score: number;
  flags_json: string;
  value_json: string | null;
}

const fileName = (file: string): string => file.split(/[\\/]/).pop() || file;
/**
 * A file as the teacher dropped it ("Period 3/ana.docx"); a batch graded with the command stores
 * absolute paths, of which the folder on this computer says nothing the teacher needs.
 */
const shownFile = (file: string): string => (/^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(file) ? fileName(file) : file);

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= FEEDBACK_PREVIEW ? flat : `${flat.slice(0, FEEDBACK_PREVIEW - 1).trimEnd()}…`;
}

function overallFeedback(value: unknown): string {
  const feedback = (value as { overallFeedback?: unknown } | null)?.overallFeedback;
  return typeof feedback === 'string' ? feedback : '';
}

type JobsState = Pick<SubmissionState, 'state' | 'error'>;

/** What a submission's jobs add up to while a batch is (or was) worked. */
function fromJobs(jobs: readonly JobDb[]): JobsState {
  const has = (status: string): boolean => jobs.some((j) => j.status === status);
  if (has('running')) return { state: 'grading', error: null };
  if (has('done') && !has('queued')) return { state: 'graded', error: null };
  if (has('in_doubt')) return { state: 'in_doubt', error: null };
  if (has('queued')) return { state: 'queued', error: null };
  const failed = jobs.find((j) => j.status === 'failed' && !(j.model_id !== 'auto' && NOT_APPLICABLE.has(j.error_code ?? ''))) ?? jobs.find((j) => j.status === 'failed');
  if (has('cancelled') && (!failed || NOT_APPLICABLE.has(failed.error_code ?? ''))) return { state: 'skipped', error: null };
  if (failed) return { state: 'failed', error: { code: failed.error_code ?? 'INTERNAL_ERROR', message: failed.error_message ?? '' } };
  return { state: 'queued', error: null };
}

function stateOf(s: SubmissionDb, jobs: readonly JobDb[]): JobsState {
  if (s.status === 'duplicate') return { state: 'duplicate', error: null };
  if (s.status === 'failed' && s.error_code) return { state: 'failed', error: { code: s.error_code, message: s.error_message ?? '' } };
  if (s.status === 'pending') return s.error_code ? { state: 'failed', error: { code: s.error_code, message: s.error_message ?? '' } } : { state: 'waiting', error: null };
  return fromJobs(jobs);
}

function scoreOf(gradings: readonly GradingDb[], combine: CombineGradings): Pick<SubmissionState, 'score' | 'maxScore' | 'feedback'> {
  if (gradings.length === 0) return { score: null, maxScore: null, feedback: '' };
  const values = gradings.map((g) => ({
    modelId: g.model_id,
    criteria: JSON.parse(g.criteria_json) as unknown,
    score: g.score,
    maxScore: g.max_score,
    flags: JSON.parse(g.flags_json) as string[],
    value: g.value_json === null ? null : (JSON.parse(g.value_json) as unknown),
  }));
  const feedback = preview(values.map((v) => overallFeedback(v.value)).find((f) => f !== '') ?? '');
  try {
    const combined = combine(values);
    return { score: combined.score, maxScore: combined.maxScore, feedback };
  } catch {
    // A consensus that cannot be reached yet (answers of another rubric version): the first model's.
    const first = values[0];
    return { score: first?.score ?? null, maxScore: first?.maxScore ?? null, feedback };
  }
}

function groupBy<T extends { submission_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) out.set(row.submission_id, [...(out.get(row.submission_id) ?? []), row]);
  return out;
}

/** The submissions of a batch, or only the one `submissionId` names. */
export function submissionStates(db: ReadableDB, batchId: string, combine: CombineGradings, submissionId?: number): SubmissionState[] {
  const only = submissionId === undefined ? sql`` : sql`AND id = ${submissionId}`;
  const onlyJobs = submissionId === undefined ? sql`` : sql`AND submission_id = ${submissionId}`;
  const onlyGradings = submissionId === undefined ? sql`` : sql`AND s.id = ${submissionId}`;
  const submissions = queryAll<SubmissionDb>(
    db,
    sql`SELECT id, file, student, status, error_code, error_message FROM submissions WHERE batch_id = ${batchId} ${only} ORDER BY id`,
  );
  const jobs = groupBy(
    queryAll<JobDb>(db, sql`SELECT submission_id, model_id, status, error_code, error_message FROM jobs WHERE batch_id = ${batchId} ${onlyJobs} ORDER BY id`),
  );
  const gradings = groupBy(
    queryAll<GradingDb>(
      db,
      sql`SELECT g.submission_id, g.model_id, g.criteria_json, g.score, g.max_score, g.flags_json, g.value_json
          FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE s.batch_id = ${batchId} ${onlyGradings} ORDER BY g.submission_id, g.model_id`,
    ),
  );
  return submissions.map((s) => {
    const { state, error } = stateOf(s, jobs.get(s.id) ?? []);
    const scored = state === 'graded' ? scoreOf(gradings.get(s.id) ?? [], combine) : { score: null, maxScore: null, feedback: '' };
    return { id: s.id, student: s.student?.trim() || fileName(s.file), file: shownFile(s.file), state, error, ...scored };
  });
}

export function countStates(states: Iterable<SubmissionState>): RunCounts {
  const counts: RunCounts = { total: 0, graded: 0, failed: 0, inDoubt: 0, skipped: 0, duplicate: 0, open: 0 };
  for (const s of states) {
    counts.total += 1;
    if (s.state === 'graded') counts.graded += 1;
    else if (s.state === 'failed') counts.failed += 1;
    else if (s.state === 'in_doubt') counts.inDoubt += 1;
    else if (s.state === 'skipped') counts.skipped += 1;
    else if (s.state === 'duplicate') counts.duplicate += 1;
    else counts.open += 1;
  }
  return counts;
}
