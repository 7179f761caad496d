/**
 * A batch as the exports need it: the report with the teacher's finals, the rubric and feedback
 * language stored with it, and per student the words that may go out — the teacher's, or the
 * models' only where the teacher reviewed the work or chose to include them.
 */
import { AppError } from '../../shared/errors.ts';
import { combineWith } from '../grading/batch/combine.ts';
import { parseStoredPlan, resolveSettings, type BatchPlan } from '../grading/batch/plan.ts';
import { batchReport, type BatchReport, type SubmissionReport } from '../grading/batch/report.ts';
import type { Rubric } from '../grading/rubric/index.ts';
import { getBatch, gradingsOfBatch, submissionsOfBatch, type ReadableDB } from '../store/index.ts';
import { reviewsOfBatch } from '../store/reviews.ts';

export interface LoadedBatch {
  batchId: string;
  rubric: Rubric;
  roster: NonNullable<BatchPlan['roster']>;
  report: BatchReport;
  /** The feedback language stored with the batch; null when its settings cannot be read. */
  language: string | null;
  /** Graded work the teacher has not accepted yet, by the name the teacher knows. */
  unreviewed: string[];
}

export const nameOf = (s: Pick<SubmissionReport, 'student' | 'file'>): string => s.student ?? s.file.split(/[\\/]/).pop() ?? s.file;

export function loadBatch(db: ReadableDB, batchId: string): LoadedBatch {
  const batch = getBatch(db, batchId);
  if (!batch) throw new AppError('INVALID_INPUT', 'That batch is not in this database any more. Open the batch again from the list.');
  const plan = parseStoredPlan(batch.configJson);
  if (!plan.ok) throw new AppError(plan.error.code, plan.error.message);
  const report = batchReport(db, batchId, combineWith(plan.data.rubric));
  if (!report) throw new AppError('INVALID_INPUT', 'That batch is not in this database any more. Open the batch again from the list.');
  const settings = resolveSettings(plan.data);
  return {
    batchId,
    rubric: plan.data.rubric,
    roster: plan.data.roster ?? [],
    report,
    language: settings.ok ? settings.data.language : null,
    unreviewed: report.submissions.filter((s) => s.status === 'graded' && s.reviewed !== true).map(nameOf),
  };
}

/** What a student's document holds. Feedback null: withheld (the models' words on work not reviewed). */
export interface StudentFeedback {
  student: string;
  reviewed: boolean;
  score: number;
  maxScore: number;
  criteria: Array<{ id: string; points: number; maxPoints: number; feedback: string | null }>;
  overall: string | null;
}

/** The models' overall words per submission id: the first grading that has any. */
function aiOverallFeedback(db: ReadableDB, batchId: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const g of gradingsOfBatch(db, batchId)) {
    const words = (g.value as { overallFeedback?: unknown } | null)?.overallFeedback;
    if (!out.has(g.submissionId) && typeof words === 'string' && words.trim() !== '') out.set(g.submissionId, words);
  }
  return out;
}

/**
 * Per graded student: accepted work carries its criteria's words and the teacher's; a draft the
 * teacher's overall words; the models' words go out on work not accepted only when chosen.
 */
export function studentFeedback(db: ReadableDB, loaded: LoadedBatch, includeAi: boolean): StudentFeedback[] {
  const ids = new Map(submissionsOfBatch(db, loaded.batchId).map((s) => [s.file, s.id]));
  const reviews = reviewsOfBatch(db, loaded.batchId);
  const ai = aiOverallFeedback(db, loaded.batchId);
  return loaded.report.submissions
    .filter((s) => s.status === 'graded' && s.score !== undefined && s.max_score !== undefined)
    .map((s) => {
      const id = ids.get(s.file) ?? -1;
      const accepted = s.reviewed === true;
      const draft = !accepted && reviews.has(id);
      const criterionWords = accepted || includeAi;
      const teacherWords = accepted || draft ? (s.feedback ?? '') : null;
      return {
        student: nameOf(s),
        reviewed: accepted,
        score: s.score ?? 0,
        maxScore: s.max_score ?? 0,
        criteria: (s.criteria ?? []).map((c) => ({ id: c.id, points: c.points, maxPoints: c.max_points, feedback: criterionWords && c.feedback.trim() !== '' ? c.feedback : null })),
        overall: teacherWords ?? (includeAi ? (ai.get(id) ?? null) : null),
      };
    });
}

/**
 * The report as the gradebook export should read it: work not accepted carries only the
 * teacher's own words (a draft's) unless the models' are chosen, so nothing unreviewed goes out
 * into Moodle's feedback column by default.
 */
export function reportForGradebook(report: BatchReport, includeAi: boolean): BatchReport {
  if (includeAi) return report;
  return { ...report, submissions: report.submissions.map((s) => (s.status === 'graded' && s.reviewed !== true ? { ...s, feedback: s.feedback ?? '' } : s)) };
}
