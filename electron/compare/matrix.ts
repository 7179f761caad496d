/**
 * The criterion × model matrix of a batch: one row per submission (a block of criteria), one
 * cell per model, the models' totals, which criteria the models disagree on, and whether the
 * rest of a sample-first batch is waiting. Built from what batch-data.ts read; pure.
 */
import { createHash } from 'node:crypto';
import type { CompareCell, CompareMatrix, CompareModel, CompareRow } from '../../shared/ipc/compare.ts';
import { COMPARE_TEXT_MAX } from '../../shared/ipc/compare.ts';
import { isNotApplicable } from '../grading/batch/job-outcomes.ts';
import type { BatchData, RubricCriterion, StoredGrading, StoredJob, StoredSubmission } from './batch-data.ts';

export interface MatrixPage {
  offset: number;
  limit: number;
  disagreementsOnly: boolean;
}

const cut = (text: string): string => (text.length > COMPARE_TEXT_MAX ? `${text.slice(0, COMPARE_TEXT_MAX - 1)}…` : text);
const fileName = (path: string): string => path.split(/[\\/]/).pop() || path;

/**
 * Blind-mode letters: the models in an order shuffled by the batch (a hash of batch and model),
 * so the letters are stable for the batch but "Model A" is not always the same model.
 */
export function blindOrder(batchId: string, modelIds: readonly string[]): Array<{ modelId: string; alias: string }> {
  const key = (id: string): string => createHash('sha256').update(`${batchId}\u0000${id}`).digest('hex');
  return [...modelIds]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((modelId, i) => ({ modelId, alias: i < 26 ? String.fromCharCode(65 + i) : `${i + 1}` }));
}

/** The models of a batch: those that graded something, and those a compare job names. */
function modelsOf(data: BatchData): string[] {
  const ids = new Set<string>(data.gradings.map((g) => g.modelId));
  for (const j of data.jobs) if (j.modelId !== 'auto') ids.add(j.modelId);
  return [...ids];
}

function cellOf(modelId: string, grading: StoredGrading | undefined, jobs: readonly StoredJob[]): CompareCell {
  if (grading) {
    return {
      modelId,
      status: 'graded',
      errorCode: null,
      score: grading.score,
      maxScore: grading.maxScore,
      criteria: grading.criteria.slice(0, 50).map((c) => ({ criterionId: c.id, points: c.points, evidence: cut(c.evidence), feedback: cut(c.feedback) })),
      overallFeedback: cut(grading.overallFeedback),
      promptTokens: grading.promptTokens,
      completionTokens: grading.completionTokens,
      latencyMs: grading.latencyMs,
      costUsd: grading.costUsd,
    };
  }
  const job = jobs.find((j) => j.modelId === modelId && j.status === 'failed');
  const status = job ? (isNotApplicable(job) ? 'not_applicable' : 'failed') : 'waiting';
  return {
    modelId,
    status,
    errorCode: job?.errorCode ?? null,
    score: null,
    maxScore: null,
    criteria: [],
    overallFeedback: '',
    promptTokens: null,
    completionTokens: null,
    latencyMs: null,
    costUsd: null,
  };
}

/** Criteria on which the graded cells chose different points (a level is its points). */
function disagreementsOf(criteria: readonly RubricCriterion[], cells: readonly CompareCell[]): string[] {
  const graded = cells.filter((c) => c.status === 'graded');
  if (graded.length < 2) return [];
  return criteria
    .map((criterion) => criterion.id)
    .filter((id) => new Set(graded.map((c) => c.criteria.find((x) => x.criterionId === id)?.points ?? null)).size > 1);
}

function rowOf(data: BatchData, submission: StoredSubmission, models: readonly string[]): CompareRow {
  const gradings = data.gradings.filter((g) => g.submissionId === submission.id);
  const jobs = data.jobs.filter((j) => j.submissionId === submission.id);
  const cells = models.map((m) => cellOf(m, gradings.find((g) => g.modelId === m), jobs));
  const finals = data.finals.get(submission.id) ?? new Map<string, number>();
  return {
    submissionId: submission.id,
    student: (submission.student ?? '').trim() || fileName(submission.file),
    file: fileName(submission.file),
    reviewed: data.criteria.length > 0 && data.criteria.every((c) => finals.has(c.id)),
    finals: [...finals].slice(0, 50).map(([criterionId, points]) => ({ criterionId, points })),
    disagreements: disagreementsOf(data.criteria, cells),
    cells,
  };
}

function totalsOf(data: BatchData, modelId: string, alias: string): CompareModel {
  const mine = data.gradings.filter((g) => g.modelId === modelId);
  const calls = data.calls.find((c) => c.modelId === modelId);
  const latencies = mine.map((g) => g.latencyMs).filter((l): l is number => l !== null);
  const graded = new Set(mine.map((g) => g.submissionId));
  const notGraded = new Set(data.jobs.filter((j) => j.modelId === modelId && j.status === 'failed' && !graded.has(j.submissionId)).map((j) => j.submissionId));
  const unpriced = calls?.unpricedCalls ?? 0;
  return {
    modelId,
    alias,
    graded: graded.size,
    notGraded: notGraded.size,
    costUsd: unpriced > 0 ? null : (calls?.costUsd ?? 0),
    unpricedCalls: unpriced,
    calls: calls?.calls ?? 0,
    // Every attempt's tokens, retries included: what the provider billed.
    promptTokens: calls?.promptTokens ?? 0,
    completionTokens: calls?.completionTokens ?? 0,
    meanLatencyMs: latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
    simulated: calls?.simulated ?? false,
  };
}

/** Submissions the matrix shows: not duplicates (graded once, as their original), and sent to a model. */
function shownSubmissions(data: BatchData): StoredSubmission[] {
  const withWork = new Set<number>([...data.gradings.map((g) => g.submissionId), ...data.jobs.map((j) => j.submissionId)]);
  return data.submissions.filter((s) => s.status !== 'duplicate' && withWork.has(s.id));
}

export function buildMatrix(data: BatchData, page: MatrixPage): CompareMatrix {
  const order = blindOrder(data.id, modelsOf(data)).slice(0, 20);
  const models = order.map((o) => o.modelId);
  const all = shownSubmissions(data).map((s) => rowOf(data, s, models));
  const matching = page.disagreementsOnly ? all.filter((r) => r.disagreements.length > 0) : all;
  const graded = all.filter((r) => r.cells.some((c) => c.status === 'graded'));
  const gradedIds = new Set(data.gradings.map((g) => g.submissionId));
  const waiting = new Set(data.jobs.filter((j) => j.status === 'queued' && !gradedIds.has(j.submissionId)).map((j) => j.submissionId));
  return {
    batchId: data.id,
    rubricTitle: data.rubricTitle.slice(0, 300),
    batchStatus: data.status,
    criteria: data.criteria.slice(0, 50).map((c) => ({ ...c, levels: c.levels.slice(0, 20) })),
    models: order.map((o) => totalsOf(data, o.modelId, o.alias)),
    totalRows: all.length,
    matchingRows: matching.length,
    offset: page.offset,
    rows: matching.slice(page.offset, page.offset + page.limit),
    calibration: { waiting: waiting.size, graded: graded.length, reviewed: graded.filter((r) => r.reviewed).length },
  };
}
