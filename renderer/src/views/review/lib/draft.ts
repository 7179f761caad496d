/**
 * The teacher's grade being edited on the review screen, before it is saved: a level per
 * criterion, the feedback, an optional adjustment with its reason. It starts from the saved
 * grade, or from the models' combined suggestion with the AI's feedback.
 */
import type { SaveReviewInput, StoredReview, SubmissionReview } from '../../../../../shared/ipc/review.ts';

export interface Draft {
  choices: Record<string, number>;
  feedback: string;
  /** As typed; empty or 0 means no adjustment. */
  adjustPoints: string;
  adjustReason: string;
}

export function draftFrom(view: SubmissionReview, review: StoredReview | null = view.review): Draft {
  const choices: Record<string, number> = {};
  for (const c of view.consensus?.criteria ?? []) choices[c.criterionId] = c.points;
  for (const c of review?.criteria ?? []) choices[c.criterionId] = c.points;
  return {
    choices,
    feedback: review ? review.feedback : (view.consensus?.overallFeedback ?? ''),
    adjustPoints: review?.adjustment ? String(review.adjustment.points) : '',
    adjustReason: review?.adjustment?.reason ?? '',
  };
}

/** The adjustment as a number (0 when empty or not a number). */
export function adjustmentOf(draft: Draft): number {
  const n = Number(draft.adjustPoints.trim().replace(',', '.').replace('−', '-'));
  return draft.adjustPoints.trim() === '' || !Number.isFinite(n) ? 0 : n;
}

/** What is wrong before a save can go: a level missing, or points changed without a reason. */
export function draftProblem(view: SubmissionReview, draft: Draft): 'level' | 'reason' | null {
  if (view.criteria.some((c) => draft.choices[c.id] === undefined)) return 'level';
  if (adjustmentOf(draft) !== 0 && draft.adjustReason.trim() === '') return 'reason';
  return null;
}

export function draftTotal(view: SubmissionReview, draft: Draft): number {
  const sum = view.criteria.reduce((s, c) => s + (draft.choices[c.id] ?? 0), 0);
  return Math.max(0, sum + adjustmentOf(draft));
}

export const sameDraft = (a: Draft, b: Draft): boolean =>
  a.feedback === b.feedback &&
  adjustmentOf(a) === adjustmentOf(b) &&
  a.adjustReason.trim() === b.adjustReason.trim() &&
  Object.keys({ ...a.choices, ...b.choices }).every((k) => a.choices[k] === b.choices[k]);

/** The model whose level the teacher kept: the one the consensus followed, else any that chose it. */
function sourceOf(view: SubmissionReview, criterionId: string, points: number): string | null {
  const agreed = view.consensus?.criteria.find((c) => c.criterionId === criterionId);
  if (agreed && agreed.points === points) return agreed.fromModel;
  return view.models.find((m) => m.criteria.some((c) => c.criterionId === criterionId && c.points === points))?.modelId ?? null;
}

export function saveInput(view: SubmissionReview, draft: Draft, basedOn: number, accept: boolean): SaveReviewInput {
  const adjustment = adjustmentOf(draft);
  return {
    submissionId: view.submissionId,
    basedOn,
    criteria: view.criteria.map((c) => {
      const points = draft.choices[c.id] ?? 0;
      return { criterionId: c.id, points, sourceModelId: sourceOf(view, c.id, points) };
    }),
    feedback: draft.feedback,
    adjustment: adjustment === 0 ? null : { points: adjustment, reason: draft.adjustReason.trim() },
    accept,
  };
}
