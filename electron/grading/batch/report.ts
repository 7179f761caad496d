import {
  batchCallTotals,
  batchPreparer,
  countFilesToRead,
  filesToRead,
  getBatch,
  gradingsOfBatch,
  jobsOfBatch,
  listBatches,
  submissionCountsOfBatch,
  submissionsOfBatch,
  type BatchRow,
  type GradingRow,
  type JobRow,
  type ReadableDB,
} from '../../store/index.ts';
import { acceptedCount, reviewsOfBatch, type ReviewRecord } from '../../store/reviews.ts';
import { handGradedReport } from './hand-graded.ts';
import { isNotApplicable } from './job-outcomes.ts';
import { ownerIsAlive } from './lease-owner.ts';
import { parseStoredPlan } from './plan.ts';

const rubricOf = (configJson: string) => {
  const plan = parseStoredPlan(configJson);
  return plan.ok ? plan.data.rubric : null;
};

/** One criterion as reported: points from the chosen level, never from the model's arithmetic. */
export interface CriterionReport {
  id: string;
  points: number;
  max_points: number;
  evidence: string;
  feedback: string;
}

export interface SubmissionReport {
  file: string;
  student?: string;
  status: 'graded' | 'failed' | 'in_doubt' | 'duplicate' | 'pending';
  score?: number;
  max_score?: number;
  criteria?: CriterionReport[];
  models?: ModelReport[];
  flags?: string[];
  cost_usd?: number | null;
  cost_unpriced?: true;
  duplicate_of?: string;
  error?: { code: string; message: string };
  /**
   * Of a graded submission: the teacher accepted its grade. When the teacher saved a grade
   * (accepted or not), `score`, `criteria` and `feedback` are the teacher's and `ai_score` is
   * what the models suggested: the teacher's grade always takes priority.
   */
  reviewed?: boolean;
  ai_score?: number;
  /** The teacher's overall feedback, when the teacher saved a grade. */
  feedback?: string;
}

/** One model's part in a submission (DESIGN §6): it graded it, failed, or cannot take it at all. */
export type ModelReport =
  | { model: string; status: 'graded'; score: number; cost_usd: number | null; cost_unpriced?: true; latency_ms: number | null }
  | { model: string; status: 'failed'; error: { code: string; message: string } }
  | { model: string; status: 'not_applicable'; reason: string };

export interface BatchReport {
  batch_id: string;
  status: string;
  /** Why a `stopped` batch stopped (a refused key, no credits): fix it, then resume. */
  error?: { code: string; message: string };
  submissions: SubmissionReport[];
  total_cost_usd: number | null;
  /** Some call's cost is unknown: the total leaves it out (or, for an answer, is null). */
  cost_unpriced?: true;
  estimated_calls: number;
  unpriced_calls: number;
  api_calls: number;
  possible_duplicate_paid_calls: number;
}

/** How several models' answers become one result (the consensus rule lives with scoring). */
export type CombineGradings = (
  gradings: Array<{ modelId: string; criteria: unknown; score: number; maxScore: number; flags: string[]; value: unknown }>,
) => { score: number; maxScore: number; criteria: CriterionReport[]; flags: string[] };

/** To the micro-dollar: sums of float prices print as 0.098031, not 0.09803100000000001. */
export const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * A batch's status as reported. One whose files were still being read when its process died is
 * stored `running` with no one running it: it reads `interrupted` (DESIGN §6: resumable, exit
 * 130), never as finished. While a live process reads them it is `running`, as it is.
 */
function reportedStatus(db: ReadableDB, batch: Pick<BatchRow, 'id' | 'status'>): BatchRow['status'] {
  if (batch.status !== 'running' || countFilesToRead(db, batch.id) === 0) return batch.status;
  const preparer = batchPreparer(db, batch.id);
  return preparer !== null && ownerIsAlive(preparer) ? 'running' : 'interrupted';
}

/**
 * The `--json` object of DESIGN §6 for a whole batch, across every run of it: costs include
 * earlier runs, and a submission a budget stopped reads as failed with BUDGET_EXCEEDED.
 */
export function batchReport(db: ReadableDB, batchId: string, combine: CombineGradings): BatchReport | null {
  const batch = getBatch(db, batchId);
  if (!batch) return null;
  const submissions = submissionsOfBatch(db, batchId);
  const fileOf = new Map(submissions.map((s) => [s.id, s.file]));
  const gradings = gradingsOfBatch(db, batchId);
  const jobs = jobsOfBatch(db, batchId);
  const totals = batchCallTotals(db, batchId);
  const reviews = reviewsOfBatch(db, batchId);
  const out: SubmissionReport[] = submissions.map((s) => {
    const base = { file: s.file, ...(s.student ? { student: s.student } : {}) };
    if (s.status === 'duplicate') {
      return { ...base, status: 'duplicate', ...(s.duplicateOf !== null ? { duplicate_of: fileOf.get(s.duplicateOf) ?? '' } : {}) };
    }
    if (s.status === 'failed' && s.errorCode) return { ...base, status: 'failed', error: { code: s.errorCode, message: s.errorMessage ?? '' } };
    // Waiting for the teacher (images held back, REDACTION_FAILED): the error says what to decide.
    if (s.status === 'pending' && s.errorCode) return { ...base, status: 'pending', flags: s.flags, error: { code: s.errorCode, message: s.errorMessage ?? '' } };
    const mine = gradings.filter((g) => g.submissionId === s.id);
    if (s.status === 'graded' && mine.length > 0) {
      const combined = combine(mine);
      const models = modelReports(mine, jobs.filter((j) => j.submissionId === s.id));
      const unpriced = mine.some((g) => g.costUsd === null);
      const cost = unpriced ? null : round6(mine.reduce((sum, g) => sum + (g.costUsd ?? 0), 0));
      return {
        ...base,
        status: 'graded',
        score: combined.score,
        max_score: combined.maxScore,
        criteria: combined.criteria,
        models,
        flags: [...new Set([...s.flags, ...combined.flags, ...modelFailureFlags(models)])],
        cost_usd: cost,
        ...(unpriced ? { cost_unpriced: true as const } : {}),
        ...teacherFinal(combined, reviews.get(s.id)),
      };
    }
    if (s.status === 'in_doubt') return { ...base, status: 'in_doubt', ...handGradedReport(reviews.get(s.id), () => rubricOf(batch.configJson)) };
    const myJobs = jobs.filter((j) => j.submissionId === s.id);
    const failed = myJobs.find((j) => j.status === 'failed');
    if (failed) return { ...base, status: 'failed', error: { code: failed.errorCode ?? 'INTERNAL_ERROR', message: failed.errorMessage ?? '' } };
    if (batch.status === 'budget_stopped') {
      return { ...base, status: 'failed', error: { code: 'BUDGET_EXCEEDED', message: 'The budget was reached before this submission was graded.' } };
    }
    return { ...base, status: 'pending' };
  });
  // Files of a batch whose preparation stopped, not read yet: `pending`, as resume reads and grades them.
  const unread: SubmissionReport[] = filesToRead(db, batchId).map((f) => ({ file: f.file, ...(f.student ? { student: f.student } : {}), status: 'pending' }));
  return {
    batch_id: batch.id,
    status: reportedStatus(db, batch),
    ...(batch.status === 'stopped' && batch.error ? { error: batch.error } : {}),
    submissions: [...out, ...unread],
    total_cost_usd: totals.unpriced > 0 ? null : round6(totals.costUsd),
    // A total is never silently low: any call of unknown cost is said, and counted.
    ...(totals.unpricedCalls > 0 ? { cost_unpriced: true as const } : {}),
    estimated_calls: totals.estimatedCalls,
    unpriced_calls: totals.unpricedCalls,
    api_calls: totals.calls,
    possible_duplicate_paid_calls: batch.possibleDuplicates,
  };
}

/** The teacher's grade over the models' suggestion, where the teacher saved one. */
function teacherFinal(combined: { score: number; criteria: CriterionReport[] }, review: ReviewRecord | undefined): Partial<SubmissionReport> {
  if (!review) return { reviewed: false };
  const criteria = combined.criteria.map((c) => {
    const mine = review.criteria.find((r) => r.criterionId === c.id);
    return mine ? { ...c, points: mine.points, feedback: mine.feedback ?? c.feedback } : c;
  });
  return { score: review.finalScore, criteria, reviewed: review.status === 'accepted', ai_score: combined.score, feedback: review.feedback };
}

/** Each model's part: the gradings, then the compared models that did not grade it, and why. */
function modelReports(gradings: readonly GradingRow[], jobs: readonly JobRow[]): ModelReport[] {
  const graded: ModelReport[] = gradings.map((g) => ({
    model: g.modelId,
    status: 'graded',
    score: g.score,
    cost_usd: g.costUsd === null ? null : round6(g.costUsd),
    ...(g.costUsd === null ? { cost_unpriced: true as const } : {}),
    latency_ms: g.latencyMs,
  }));
  const others: ModelReport[] = jobs
    .filter((j) => j.status === 'failed' && j.modelId !== 'auto' && !gradings.some((g) => g.modelId === j.modelId))
    .map((j) =>
      isNotApplicable(j)
        ? { model: j.modelId, status: 'not_applicable', reason: j.errorCode ?? 'NO_MODEL_AVAILABLE' }
        : { model: j.modelId, status: 'failed', error: { code: j.errorCode ?? 'INTERNAL_ERROR', message: j.errorMessage ?? '' } },
    );
  return [...graded, ...others];
}

/** A review signal per compared model that failed, naming it and why (`model_failed:<model>:<code>`). */
const modelFailureFlags = (models: readonly ModelReport[]): string[] =>
  models.flatMap((m) => (m.status === 'failed' ? [`model_failed:${m.model}:${m.error.code}`] : []));

/** `history --json` without a batch id. */
export function historyReport(db: ReadableDB) {
  return {
    batches: listBatches(db).map((b) => {
      // Counted, not read: a history of many batches never loads their students' texts.
      const counts = submissionCountsOfBatch(db, b.id);
      const totals = batchCallTotals(db, b.id);
      return {
        batch_id: b.id,
        created_at: new Date(b.createdAt).toISOString(),
        status: reportedStatus(db, b),
        rubric: b.rubricTitle,
        // Files still to read count: a batch stopped while its files were read is never "0 of 0".
        submissions: counts.total + countFilesToRead(db, b.id),
        graded: counts.graded,
        failed: counts.failed,
        /** Graded submissions whose grade the teacher accepted. */
        reviewed: acceptedCount(db, b.id),
        total_cost_usd: totals.unpriced > 0 ? null : round6(totals.costUsd),
        ...(totals.unpriced > 0 ? { cost_unpriced: true as const } : {}),
      };
    }),
  };
}
