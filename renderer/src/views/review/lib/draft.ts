/**
 * The teacher's grade being edited on the review screen, before it is saved: a level per
 * criterion, the teacher's own words per criterion where they wrote some, the feedback, an
 * optional adjustment with its reason. It starts from the saved grade, or from the models'
 * combined suggestion with the AI's feedback (none for work graded by hand).
 */
import type { SaveReviewInput, StoredReview, SubmissionReview } from '../../../../../shared/ipc/review.ts';

export interface Draft {
  choices: Record<string, number>;
  /** The teacher's own words per criterion; absent: the words of the model whose level is chosen. */
  words: Record<string, string>;
  feedback: string;
  /** As typed; empty or 0 means no adjustment. */
  adjustPoints: string;
  adjustReason: string;
}

/** What the model named as the source said under a criterion; null when no model is the source. */
function modelWords(view: SubmissionReview, criterionId: string, modelId: string | null): string | null {
  if (modelId === null) return null;
  return view.models.find((m) => m.modelId === modelId)?.criteria.find((c) => c.criterionId === criterionId)?.feedback ?? null;
}

export function draftFrom(view: SubmissionReview, review: StoredReview | null = view.review): Draft {
  const choices: Record<string, number> = {};
  const words: Record<string, string> = {};
  for (const c of view.consensus?.criteria ?? []) choices[c.criterionId] = c.points;
  for (const c of review?.criteria ?? []) {
    choices[c.criterionId] = c.points;
    // Words that differ from the source model's are the teacher's own (the final keeps one text).
    if (c.feedback !== null && c.feedback !== (modelWords(view, c.criterionId, c.sourceModelId) ?? '')) words[c.criterionId] = c.feedback;
  }
  return {
    choices,
    words,
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
  Object.keys({ ...a.words, ...b.words }).every((k) => a.words[k] === b.words[k]) &&
  adjustmentOf(a) === adjustmentOf(b) &&
  a.adjustReason.trim() === b.adjustReason.trim() &&
  Object.keys({ ...a.choices, ...b.choices }).every((k) => a.choices[k] === b.choices[k]);

/** The model whose level the teacher kept: the one the consensus followed, else any that chose it. */
function sourceOf(view: SubmissionReview, criterionId: string, points: number): string | null {
  const agreed = view.consensus?.criteria.find((c) => c.criterionId === criterionId);
  if (agreed && agreed.points === points) return agreed.fromModel;
  return view.models.find((m) => m.criteria.some((c) => c.criterionId === criterionId && c.points === points))?.modelId ?? null;
}

/** The AI's words under a criterion at the level chosen: the starting point of the teacher's. */
export function aiWordsFor(view: SubmissionReview, criterionId: string, points: number | undefined): string | null {
  return points === undefined ? null : modelWords(view, criterionId, sourceOf(view, criterionId, points));
}

/** The words a criterion shows: the teacher's own, else the AI's at the chosen level. */
export const wordsShown = (view: SubmissionReview, draft: Draft, criterionId: string): string =>
  draft.words[criterionId] ?? aiWordsFor(view, criterionId, draft.choices[criterionId]) ?? '';

/** Sets the teacher's words for a criterion; words equal to the AI's (or none) are not the teacher's own. */
export function setWords(view: SubmissionReview, draft: Draft, criterionId: string, text: string | undefined): void {
  if (text === undefined || text === (aiWordsFor(view, criterionId, draft.choices[criterionId]) ?? '')) delete draft.words[criterionId];
  else draft.words[criterionId] = text;
}

export function saveInput(view: SubmissionReview, draft: Draft, basedOn: number, accept: boolean): SaveReviewInput {
  const adjustment = adjustmentOf(draft);
  return {
    submissionId: view.submissionId,
    basedOn,
    criteria: view.criteria.map((c) => {
      const points = draft.choices[c.id] ?? 0;
      return { criterionId: c.id, points, sourceModelId: sourceOf(view, c.id, points), feedback: draft.words[c.id] ?? null };
    }),
    feedback: draft.feedback,
    adjustment: adjustment === 0 ? null : { points: adjustment, reason: draft.adjustReason.trim() },
    accept,
  };
}
