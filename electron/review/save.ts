/**
 * Saving the teacher's grade. The whole check-and-write is one synchronous IMMEDIATE
 * transaction: the version the screen was based on is compared with the stored one, and the new
 * grade, its per-criterion rows and one audit row per change commit together. A save based on
 * an older version writes nothing and answers REVIEW_CONFLICT; the screen then shows both.
 * Work in doubt (no model's grade) saves the same way, graded by hand: no source model, the
 * teacher's words only, and an audit row that says so.
 */
import { AppError } from '../../shared/errors.ts';
import type { HandlerInput } from '../../shared/ipc/contract.ts';
import type { StoredReview, SubmissionReview } from '../../shared/ipc/review.ts';
import type { WritableDB } from '../store/index.ts';
import { reviewOf, writeReview, type AuditRow, type CriterionFinal, type ReviewRecord } from '../store/reviews.ts';
import { isOwnWords, modelWords } from './criterion-words.ts';
import { submissionReview } from './submission.ts';
import { storedReviewView } from './views.ts';

type SaveInput = HandlerInput<'saveReview'>;
type Change = Omit<AuditRow, 'submissionId' | 'at' | 'who' | 'version'>;

/** The teacher's levels, checked against the rubric: every criterion once, each a level it has. */
function checkedCriteria(view: SubmissionReview, input: SaveInput): CriterionFinal[] {
  const given = new Map(input.criteria.map((c) => [c.criterionId, c]));
  if (given.size !== input.criteria.length) throw new AppError('INVALID_INPUT', 'A criterion was graded twice in one save.');
  const unknown = input.criteria.filter((c) => !view.criteria.some((r) => r.id === c.criterionId));
  if (unknown.length > 0) throw new AppError('INVALID_INPUT', `The rubric of this batch has no criterion ${unknown.map((c) => `"${c.criterionId}"`).join(', ')}.`);
  return view.criteria.map((criterion) => {
    const choice = given.get(criterion.id);
    if (!choice) throw new AppError('INVALID_INPUT', `Choose a level for "${criterion.name}" before saving.`);
    if (!criterion.levels.some((l) => l.points === choice.points)) {
      throw new AppError('INVALID_INPUT', `"${criterion.name}" has no level worth ${choice.points} points; use the adjustment for points outside the rubric.`);
    }
    // The model named as the source must have said this level; otherwise the first that did, or the teacher alone.
    const said = (model: string): boolean => view.models.some((m) => m.modelId === model && m.criteria.some((c) => c.criterionId === criterion.id && c.points === choice.points));
    const agreed = view.consensus?.criteria.find((c) => c.criterionId === criterion.id);
    const source =
      choice.sourceModelId !== null && said(choice.sourceModelId)
        ? choice.sourceModelId
        : agreed && agreed.points === choice.points
          ? agreed.fromModel
          : (view.models.find((m) => said(m.modelId))?.modelId ?? null);
    // The teacher's own words win; without them the words of the model whose level was kept.
    // Blank words where no model is the source are no words at all.
    const words = choice.feedback ?? null;
    const own = words !== null && words.trim() === '' && source === null ? null : words;
    return { criterionId: criterion.id, points: choice.points, sourceModelId: source, feedback: own ?? modelWords(view, criterion.id, source) };
  });
}

const adjustmentText = (points: number, reason: string | null): string => (points === 0 ? '0' : `${points > 0 ? '+' : ''}${points} (${reason ?? ''})`);
const statusWord = (r: ReviewRecord | null): string => (r === null ? 'unreviewed' : r.status === 'accepted' ? 'reviewed' : 'draft');

/**
 * A criterion's words changed in a way the teacher made: they are (or were) the teacher's own.
 * Words that only follow a new level to another model's are no edit of the teacher's.
 */
function wordChanges(view: SubmissionReview, before: ReviewRecord | null, after: ReviewRecord): Change[] {
  const rows: Change[] = [];
  for (const c of after.criteria) {
    const was = before ? before.criteria.find((p) => p.criterionId === c.criterionId) : undefined;
    const wasWords = was ? was.feedback : (view.consensus?.criteria.find((p) => p.criterionId === c.criterionId)?.feedback ?? null);
    const teachers = isOwnWords(view, c) || (was !== undefined && isOwnWords(view, was));
    if ((wasWords ?? '') !== (c.feedback ?? '') && teachers) rows.push({ field: 'criterion_feedback', criterionId: c.criterionId, from: wasWords, to: c.feedback });
  }
  return rows;
}

/** One audit row per thing that changed, from the saved grade, or from the models' suggestion on a first save. */
function changes(view: SubmissionReview, before: ReviewRecord | null, after: ReviewRecord): Change[] {
  const rows: Change[] = [];
  if (before === null && view.gradingStatus === 'in_doubt') rows.push({ field: 'by_hand', criterionId: null, from: null, to: null });
  for (const c of after.criteria) {
    const was = before ? before.criteria.find((p) => p.criterionId === c.criterionId)?.points : view.consensus?.criteria.find((p) => p.criterionId === c.criterionId)?.points;
    if (was !== c.points) rows.push({ field: 'points', criterionId: c.criterionId, from: was === undefined ? null : String(was), to: String(c.points) });
  }
  const feedbackWas = before ? before.feedback : (view.consensus?.overallFeedback ?? '');
  rows.push(...wordChanges(view, before, after));
  if (feedbackWas !== after.feedback) rows.push({ field: 'feedback', criterionId: null, from: feedbackWas, to: after.feedback });
  const adjustmentWas = before ? adjustmentText(before.adjustmentPoints, before.adjustmentReason) : '0';
  const adjustmentNow = adjustmentText(after.adjustmentPoints, after.adjustmentReason);
  if (adjustmentWas !== adjustmentNow) rows.push({ field: 'adjustment', criterionId: null, from: adjustmentWas, to: adjustmentNow });
  if (statusWord(before) !== statusWord(after)) rows.push({ field: 'status', criterionId: null, from: statusWord(before), to: statusWord(after) });
  return rows;
}

export function saveReview(db: WritableDB, input: SaveInput, who: string, now: number): StoredReview {
  const save = db.transaction((): StoredReview => {
    const view = submissionReview(db, input.submissionId);
    const before = reviewOf(db, input.submissionId);
    const current = before?.version ?? 0;
    if (current !== input.basedOn) {
      throw new AppError(
        'REVIEW_CONFLICT',
        `This grade was saved elsewhere (another window) after you opened it: yours was based on version ${input.basedOn}, the saved one is version ${current}. Nothing was overwritten; compare both and choose.`,
      );
    }
    const criteria = checkedCriteria(view, input);
    const adjustment = input.adjustment && input.adjustment.points !== 0 ? input.adjustment : null;
    const total = criteria.reduce((sum, c) => sum + c.points, 0) + (adjustment?.points ?? 0);
    const status = input.accept ? 'accepted' : (before?.status ?? 'draft');
    const after: ReviewRecord = {
      submissionId: input.submissionId,
      status,
      finalScore: Math.max(0, total),
      maxScore: view.consensus?.maxScore ?? view.criteria.reduce((sum, c) => sum + Math.max(...c.levels.map((l) => l.points)), 0),
      feedback: input.feedback,
      adjustmentPoints: adjustment?.points ?? 0,
      adjustmentReason: adjustment?.reason ?? null,
      version: current + 1,
      reviewedBy: who,
      updatedAt: now,
      acceptedAt: input.accept ? now : (before?.acceptedAt ?? null),
      criteria,
    };
    const changed = changes(view, before, after);
    // Saving what is already saved changes nothing: no new version, nothing to audit.
    if (before && changed.length === 0) return storedReviewView(before);
    writeReview(db, after, changed.map((c) => ({ ...c, submissionId: input.submissionId, at: now, who, version: after.version })));
    return storedReviewView(after);
  });
  return save.immediate();
}
