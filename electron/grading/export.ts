import { stringify } from 'csv-stringify/sync';
import type { Rubric } from './rubric/index.ts';
import type { BatchReport } from './batch/report.ts';
import { AppError } from '../../shared/errors.ts';
import { fillGradebook, gradebookKind, gradesOf, readGradebook } from './gradebook-fill.ts';

export type ExportFormat = 'csv' | 'canvas' | 'moodle';

/** Excel opens a CSV as UTF-8 only with a byte-order mark; names in any script survive. */
const BOM = '\uFEFF';

/**
 * Text that a spreadsheet would run as a formula (a file name like `=HYPERLINK(…) - essay.txt`
 * is the student's to choose) is written with a leading apostrophe, which spreadsheets show as
 * text. Numbers stay numbers.
 */
export function safeCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const csv = (rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string => BOM + stringify(rows.map((row) => row.map(safeCell)));

/** The teacher's own gradebook file, to fill (Canvas, Moodle). */
export interface GradebookInput {
  text: string;
  /** The Canvas assignment column to fill; the rubric's title when absent. */
  assignment?: string;
}

export interface ExportResult {
  text: string;
  /** Graded students the teacher's gradebook has no row for: to be entered by hand. */
  unmatched: string[];
  /** Graded students whose grade the teacher has not accepted yet: the models' suggestion went out. */
  unreviewed: string[];
}

const HOW_TO_DOWNLOAD: Record<'canvas' | 'moodle', string> = {
  canvas: 'In Canvas open Grades, choose Export → Export Entire Gradebook, and pass that file with --gradebook.',
  moodle: 'In Moodle open the assignment, choose View all submissions → Grading action → Download grading worksheet, and pass that file with --gradebook.',
};

/**
 * The gradebook files of DESIGN §6. Generic: one row per submission, one column per criterion.
 * Canvas and Moodle: the teacher's own downloaded gradebook (Canvas) or grading worksheet
 * (Moodle), filled by matching students, because each LMS imports a row by an id that only its
 * own file holds; a file written without it put grades on the wrong students.
 */
export function exportBatch(
  report: BatchReport,
  rubric: Rubric,
  format: ExportFormat,
  roster: Array<{ name: string; studentId?: string | null; email?: string | null }> = [],
  gradebook?: GradebookInput,
): ExportResult {
  const unreviewed = report.submissions.filter((s) => s.status === 'graded' && s.reviewed !== true).map((s) => s.student ?? s.file);
  if (format === 'csv') return { text: genericCsv(report, rubric), unmatched: [], unreviewed };
  if (!gradebook) throw new AppError('GRADEBOOK_REQUIRED', `${format === 'canvas' ? 'Canvas' : 'Moodle'} matches grades by its own student IDs, so GradeDesk fills in the file you download from your course. ${HOW_TO_DOWNLOAD[format]}`);
  const table = readGradebook(gradebook.text);
  const kind = gradebookKind(table[0] ?? []);
  if (kind !== null && kind !== format) throw new AppError('INVALID_INPUT', `That file is a ${kind === 'canvas' ? 'Canvas gradebook' : 'Moodle grading worksheet'}, not what --format ${format} fills. ${HOW_TO_DOWNLOAD[format]}`);
  const grades = gradesOf(report.submissions, roster).map((g) => ({ ...g, feedback: String(safeCell(g.feedback)) }));
  const filled = fillGradebook(table, grades, gradebook.assignment ?? rubric.title);
  return { text: BOM + stringify(filled.rows), unmatched: filled.unmatched, unreviewed };
}

/**
 * The words under one criterion where the teacher saved a grade (their own, or the model's they
 * kept); empty where the teacher saved none. A saved grade leaves ai_score beside the teacher's
 * score, or is accepted work no model graded (graded by hand); `feedback` alone says nothing, as
 * the gradebook export blanks it on unreviewed work.
 */
function criterionWords(s: BatchReport['submissions'][number], id: string): string {
  const teacherSaved = s.reviewed === true || s.ai_score !== undefined;
  return teacherSaved ? (s.criteria?.find((c) => c.id === id)?.feedback ?? '') : '';
}

function genericCsv(report: BatchReport, rubric: Rubric): string {
  const ids = rubric.criteria.map((c) => c.id);
  // reviewed, ai_score, teacher_feedback and the words per criterion come last so that readers of the earlier columns keep working.
  const header = ['file', 'student', 'status', 'score', 'max_score', ...ids, 'flags', 'cost_usd', 'error', 'reviewed', 'ai_score', 'teacher_feedback', ...ids.map((id) => `${id}_feedback`)];
  const rows = report.submissions.map((s) => [
    s.file,
    s.student ?? '',
    s.status,
    s.score ?? '',
    s.max_score ?? '',
    ...ids.map((id) => s.criteria?.find((c) => c.id === id)?.points ?? ''),
    (s.flags ?? []).join(' '),
    s.cost_usd ?? '',
    s.error ? `${s.error.code}: ${s.error.message}` : '',
    s.status === 'graded' ? (s.reviewed === true ? 'yes' : 'no') : '',
    s.ai_score ?? '',
    s.feedback ?? '',
    ...ids.map((id) => criterionWords(s, id)),
  ]);
  return csv([header, ...rows]);
}
