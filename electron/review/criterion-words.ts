/**
 * The words under a criterion: the model's whose level the teacher kept, or the teacher's own.
 * The final keeps one text per criterion (`reviews.feedback`); whether the teacher wrote it is
 * read by comparing it with the source model's words, so an older final (which copied the
 * model's words) reads as "not edited" without a column of its own.
 */
import type { SubmissionReview } from '../../shared/ipc/review.ts';

/** What the model named as the source said for this criterion; null when no model is the source. */
export function modelWords(view: Pick<SubmissionReview, 'models'>, criterionId: string, sourceModelId: string | null): string | null {
  if (sourceModelId === null) return null;
  return view.models.find((m) => m.modelId === sourceModelId)?.criteria.find((c) => c.criterionId === criterionId)?.feedback ?? null;
}

/** The teacher wrote these words: they differ from the source model's (an empty text where the model said nothing is no words). */
export function isOwnWords(view: Pick<SubmissionReview, 'models'>, c: { criterionId: string; sourceModelId: string | null; feedback: string | null }): boolean {
  return c.feedback !== null && c.feedback !== (modelWords(view, c.criterionId, c.sourceModelId) ?? '');
}
