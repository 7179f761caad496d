import { stringify } from 'csv-stringify/sync';
import type { Rubric } from './rubric/index.ts';
import type { BatchReport } from './batch/report.ts';

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

/**
 * The gradebook files of DESIGN §6. Generic: one row per submission, one column per criterion.
 * Canvas: its gradebook import columns (Student, ID, SIS User ID, SIS Login ID, Section, and
 * the assignment). Moodle: the offline grading worksheet columns (Identifier, Full name,
 * Email address, Grade, Maximum Grade, Feedback comments).
 */
export function exportBatch(report: BatchReport, rubric: Rubric, format: ExportFormat, roster: Array<{ name: string; studentId?: string | null; email?: string | null }> = []): string {
  const graded = report.submissions.filter((s) => s.status === 'graded');
  const entry = (student: string | undefined) => roster.find((r) => r.name === student);
  if (format === 'canvas') {
    const assignment = rubric.title;
    const rows = graded.map((s) => [s.student ?? s.file, entry(s.student)?.studentId ?? '', entry(s.student)?.studentId ?? '', entry(s.student)?.email ?? '', '', s.score ?? '']);
    return csv([['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', assignment], ['Points Possible', '', '', '', '', graded[0]?.max_score ?? ''], ...rows]);
  }
  if (format === 'moodle') {
    const rows = graded.map((s, i) => [
      `Participant ${i + 1}`,
      s.student ?? s.file,
      entry(s.student)?.email ?? '',
      s.score ?? '',
      s.max_score ?? '',
      (s.criteria ?? []).map((c) => `${c.id}: ${c.points}/${c.max_points} ${c.feedback}`).join('\n'),
    ]);
    return csv([['Identifier', 'Full name', 'Email address', 'Grade', 'Maximum Grade', 'Feedback comments'], ...rows]);
  }
  const ids = rubric.criteria.map((c) => c.id);
  const header = ['file', 'student', 'status', 'score', 'max_score', ...ids, 'flags', 'cost_usd', 'error'];
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
  ]);
  return csv([header, ...rows]);
}
