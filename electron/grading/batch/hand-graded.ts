/**
 * Work in doubt that the teacher graded by hand: no model's answer is stored (a request may have
 * been sent when GradeDesk stopped), but the teacher's accepted grade is the final, so the report
 * (and every export and history built on it) shows it as graded, with the teacher's levels and
 * words, no models and no AI score. A draft is no final: the work stays in doubt.
 */
import type { Rubric } from '../rubric/index.ts';
import type { ReviewRecord } from '../../store/reviews.ts';

/** The fields of a submission's report a hand grade sets (a part of report.ts's SubmissionReport, spelled out so neither file imports the other). */
export interface HandGraded {
  status: 'graded';
  score: number;
  max_score: number;
  criteria: Array<{ id: string; points: number; max_points: number; evidence: string; feedback: string }>;
  models: [];
  flags: [];
  reviewed: true;
  feedback: string;
}

export function handGradedReport(review: ReviewRecord | undefined, rubric: () => Rubric | null): HandGraded | null {
  if (review?.status !== 'accepted') return null;
  const criteria = rubric()?.criteria;
  if (!criteria) return null;
  return {
    status: 'graded',
    score: review.finalScore,
    max_score: review.maxScore,
    criteria: criteria.map((c) => {
      const mine = review.criteria.find((r) => r.criterionId === c.id);
      return { id: c.id, points: mine?.points ?? 0, max_points: Math.max(...c.levels.map((l) => l.points)), evidence: '', feedback: mine?.feedback ?? '' };
    }),
    models: [],
    flags: [],
    reviewed: true,
    feedback: review.feedback,
  };
}
