/**
 * One submission as the review screen shows it: the text and pages, the rubric, what each
 * model said per criterion (level, evidence, feedback, whether its quote is in the text), the
 * combined result the report uses, the teacher's saved grade and its history.
 */
import { basename } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { ConsensusView, ModelGrading, SubmissionReview } from '../../shared/ipc/review.ts';
import { isNotApplicable } from '../grading/batch/job-outcomes.ts';
import type { Rubric } from '../grading/rubric/index.ts';
import { consensus, type ScoredAnswer } from '../grading/scoring/index.ts';
import type { ReadableDB } from '../store/index.ts';
import { auditOf, failedJobsOf, gradingsOfSubmission, pageList, reviewOf, submissionForReview } from '../store/reviews.ts';
import { batchWithRubric } from './batch-rubric.ts';
import { modelFailedFlag } from './flags.ts';
import { auditView, storedReviewView } from './views.ts';

type Stored = ReturnType<typeof gradingsOfSubmission>[number];
type StoredCriterion = { id: string; points: number; evidence?: string; feedback?: string; evidence_found?: boolean };

const clip = (text: string | undefined): string => (text ?? '').slice(0, LIMITS.message);

/** A stored grading as a scored answer; rows from before answers were kept have only their criteria. */
function scoredOf(g: Stored): { criteria: StoredCriterion[]; overallFeedback: string; confidence: number | null; flags: string[]; aimedAtGrader: string } {
  const value = g.value as Partial<ScoredAnswer> | null;
  const criteria = (value?.criteria ?? (Array.isArray(g.criteria) ? g.criteria : [])) as StoredCriterion[];
  // Scoring flags the grading only when the quote is in the work: an invented one is not shown.
  const quoted = g.flags.includes('possible_prompt_injection') ? (value?.answer?.addressed_to_grader ?? '') : '';
  return { criteria, overallFeedback: value?.overallFeedback ?? '', confidence: typeof value?.confidence === 'number' ? value.confidence : null, flags: g.flags, aimedAtGrader: quoted.trim() };
}

function modelView(g: Stored): ModelGrading {
  const scored = scoredOf(g);
  return {
    modelId: g.modelId,
    score: g.score,
    maxScore: g.maxScore,
    overallFeedback: clip(scored.overallFeedback),
    confidence: scored.confidence === null ? null : Math.min(1, Math.max(0, scored.confidence)),
    criteria: scored.criteria.map((c) => ({
      criterionId: c.id,
      points: c.points,
      evidence: clip(c.evidence),
      feedback: clip(c.feedback),
      evidenceFound: c.evidence_found !== false,
    })),
    aimedAtGrader: clip(scored.aimedAtGrader),
  };
}

/** The models' combined result, as the batch report combines it (DESIGN §6), with which model each criterion came from. */
function combined(rubric: Rubric, gradings: readonly Stored[], models: readonly ModelGrading[]): { view: ConsensusView | null; flags: string[] } {
  const first = models[0];
  if (!first) return { view: null, flags: [] };
  if (models.length === 1) {
    const criteria = first.criteria.map((c) => ({ criterionId: c.criterionId, points: c.points, fromModel: first.modelId, evidence: c.evidence, feedback: c.feedback }));
    return { view: { score: first.score, maxScore: first.maxScore, criteria, overallFeedback: first.overallFeedback }, flags: gradings[0]?.flags ?? [] };
  }
  const agreed = consensus(rubric, gradings.map((g) => ({ model: g.modelId, scored: g.value as ScoredAnswer })));
  if (!agreed.ok) throw new AppError(agreed.error.code, agreed.error.message);
  const criteria = agreed.data.criteria.map((c) => ({ criterionId: c.id, points: c.points, fromModel: c.from_model, evidence: clip(c.evidence), feedback: clip(c.feedback) }));
  // The overall words of the model the consensus followed most often.
  const votes = new Map<string, number>();
  for (const c of criteria) votes.set(c.fromModel, (votes.get(c.fromModel) ?? 0) + 1);
  const leader = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const overallFeedback = models.find((m) => m.modelId === leader)?.overallFeedback ?? first.overallFeedback;
  return { view: { score: agreed.data.score, maxScore: agreed.data.maxScore, criteria, overallFeedback }, flags: [...agreed.data.flags] };
}

export function submissionReview(db: ReadableDB, submissionId: number): SubmissionReview {
  const sub = submissionForReview(db, submissionId);
  if (!sub || (sub.status !== 'graded' && sub.status !== 'in_doubt')) {
    throw new AppError('INVALID_INPUT', 'This student work has no grade to review. Go back to the review list and open another.');
  }
  const { rubric } = batchWithRubric(db, sub.batchId);
  const gradings = sub.status === 'graded' ? gradingsOfSubmission(db, submissionId) : [];
  const models = gradings.map(modelView);
  const result = combined(rubric, gradings, models);
  const failures = failedJobsOf(db, submissionId)
    .filter((j) => j.modelId !== 'auto' && !isNotApplicable(j) && !gradings.some((g) => g.modelId === j.modelId))
    .map((j) => modelFailedFlag(j.modelId, j.errorCode ?? 'INTERNAL_ERROR'));
  const flags = sub.status === 'in_doubt' ? ['in_doubt'] : [...new Set([...sub.flags, ...result.flags, ...failures])];
  const review = reviewOf(db, submissionId);
  return {
    submissionId,
    batchId: sub.batchId,
    student: sub.student,
    fileName: basename(sub.file),
    gradingStatus: sub.status === 'graded' ? 'graded' : 'in_doubt',
    flags,
    fileCheck: sub.injectionFindings.slice(0, 20).map((f) => ({ kind: f.kind, quote: clip(f.quote) })),
    text: sub.text,
    pages: pageList(db, submissionId),
    rubricTitle: rubric.title,
    criteria: rubric.criteria.map((c) => ({ id: c.id, name: c.name, description: c.description, levels: c.levels.map((l) => ({ ...l })) })),
    models,
    consensus: result.view,
    review: review ? storedReviewView(review) : null,
    audit: auditOf(db, submissionId, LIMITS.listItems).map(auditView),
  };
}
