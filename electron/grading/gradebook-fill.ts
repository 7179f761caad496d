/**
 * Fills the teacher's own gradebook file: Moodle's offline grading worksheet or a Canvas
 * gradebook export, downloaded from the course. Each LMS matches an import row by its own id
 * (Moodle's "Participant 1234", Canvas's user ID), which only its own file holds; so the grades
 * go into that file, every other cell is kept as it was, and students are matched by name,
 * email or id. Who could not be matched is listed, never guessed.
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../shared/errors.ts';
import type { SubmissionReport } from './batch/report.ts';
import { fold } from './privacy/index.ts';

export type GradebookKind = 'moodle' | 'canvas';

/** One graded student of the batch, as the gradebook should show them. */
export interface GradeToFill {
  student: string;
  email: string | null;
  studentId: string | null;
  score: number;
  maxScore: number;
  feedback: string;
}

export interface FilledGradebook {
  rows: string[][];
  /** Students of the batch no row of the gradebook matched. */
  unmatched: string[];
  /** Rows of the gradebook no graded student matched (left as they were). */
  untouchedRows: number;
}

/** "Ana López", "López, Ana" and "ANA LOPEZ" are one person; word order is not. */
function nameKey(name: string): string {
  const parts = fold(name.includes(',') ? name.split(',').reverse().join(' ') : name)
    .split(/[^\p{L}\p{N}'-]+/u)
    .filter((p) => p !== '');
  return parts.sort().join(' ');
}

/** Reads the teacher's file; a BOM, a semicolon-free CSV and quoted cells as the LMS writes them. */
export function readGradebook(text: string): string[][] {
  try {
    return parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new AppError('INVALID_INPUT', `The gradebook file could not be read as CSV (${(error as Error).message}). Export it again from your course and pass that file.`);
  }
}

const column = (header: readonly string[], name: string): number => header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());

/** Which LMS wrote the file, from its header. */
export function gradebookKind(header: readonly string[]): GradebookKind | null {
  if (column(header, 'Identifier') >= 0 && column(header, 'Grade') >= 0) return 'moodle';
  if (column(header, 'Student') >= 0 && column(header, 'ID') >= 0 && column(header, 'SIS User ID') >= 0) return 'canvas';
  return null;
}

/** The Canvas column to fill: the one named (without its " (id)") as asked, else the one the rubric's title names. */
function canvasAssignmentColumn(header: readonly string[], wanted: string): number {
  const bare = (h: string): string => fold(h.replace(/\s*\(\d+\)\s*$/, '').trim());
  const index = header.findIndex((h, i) => i > 4 && bare(h) === fold(wanted.trim()));
  if (index >= 0) return index;
  const candidates = header.slice(5).filter((h) => /\(\d+\)\s*$/.test(h));
  throw new AppError(
    'INVALID_INPUT',
    `The gradebook has no assignment column named "${wanted}". Name the column to fill with --assignment; its assignments are: ${candidates.join('; ') || '(none)'}.`,
  );
}

function matcherFor(rows: readonly string[][], nameCol: number, emailCol: number, idCols: readonly number[]) {
  return (grade: GradeToFill): number => {
    const byEmail = grade.email ? rows.findIndex((r) => emailCol >= 0 && fold(r[emailCol] ?? '') === fold(grade.email ?? '')) : -1;
    if (byEmail >= 0) return byEmail;
    const byId = grade.studentId ? rows.findIndex((r) => idCols.some((c) => (r[c] ?? '').trim() !== '' && (r[c] ?? '').trim() === grade.studentId)) : -1;
    if (byId >= 0) return byId;
    const key = nameKey(grade.student);
    const byName = rows.map((r, i) => (nameKey(r[nameCol] ?? '') === key ? i : -1)).filter((i) => i >= 0);
    // Two students of one name: which row is whose cannot be told from the name.
    return byName.length === 1 ? (byName[0] as number) : -1;
  };
}

/**
 * Puts each graded student's score (and, for Moodle, feedback) into the row the LMS knows them
 * by. Canvas's "Points Possible" row and any other row that is not a student stay as they are.
 */
export function fillGradebook(table: string[][], grades: readonly GradeToFill[], assignment: string): FilledGradebook {
  const header = table[0] ?? [];
  const kind = gradebookKind(header);
  if (kind === null) {
    throw new AppError('INVALID_INPUT', 'This file is neither a Moodle grading worksheet nor a Canvas gradebook export. Download it again from your course (Moodle: Assignment → Grading action → Download grading worksheet; Canvas: Grades → Export).');
  }
  const rows = table.slice(1).map((r) => [...r]);
  const moodle = kind === 'moodle';
  const nameCol = column(header, moodle ? 'Full name' : 'Student');
  const emailCol = moodle ? column(header, 'Email address') : column(header, 'SIS Login ID');
  const idCols = moodle ? [] : [column(header, 'SIS User ID'), column(header, 'ID'), column(header, 'SIS Login ID')];
  const gradeCol = moodle ? column(header, 'Grade') : canvasAssignmentColumn(header, assignment);
  const feedbackCol = moodle ? column(header, 'Feedback comments') : -1;
  const students = rows.map((r) => (!moodle && /^\s*points possible\s*$/i.test(r[nameCol] ?? '') ? [] : r));
  const match = matcherFor(students, nameCol, emailCol, idCols);
  const unmatched: string[] = [];
  const filled = new Set<number>();
  for (const grade of grades) {
    const at = match(grade);
    if (at < 0 || filled.has(at)) {
      unmatched.push(grade.student);
      continue;
    }
    filled.add(at);
    const row = rows[at] as string[];
    while (row.length < header.length) row.push('');
    row[gradeCol] = String(grade.score);
    if (feedbackCol >= 0) row[feedbackCol] = grade.feedback;
  }
  const studentRows = students.filter((r) => r.length > 0).length;
  return { rows: [header, ...rows], unmatched, untouchedRows: studentRows - filled.size };
}

/** The graded students of a report; a duplicate takes the grade of the file it duplicates. */
export function gradesOf(submissions: readonly SubmissionReport[], roster: ReadonlyArray<{ name: string; studentId?: string | null; email?: string | null }>): GradeToFill[] {
  const byFile = new Map(submissions.map((s) => [s.file, s]));
  const out: GradeToFill[] = [];
  for (const s of submissions) {
    const graded = s.status === 'duplicate' && s.duplicate_of ? byFile.get(s.duplicate_of) : s;
    if (!graded || graded.status !== 'graded' || graded.score === undefined || graded.max_score === undefined) continue;
    const student = s.student ?? s.file;
    const entry = roster.find((r) => r.name === s.student);
    out.push({
      student,
      email: entry?.email ?? null,
      studentId: entry?.studentId ?? null,
      score: graded.score,
      maxScore: graded.max_score,
      // The teacher's own words where the teacher wrote the grade; else the models' per criterion.
      feedback: graded.feedback ?? (graded.criteria ?? []).map((c) => `${c.id}: ${c.points}/${c.max_points} ${c.feedback}`).join('\n'),
    });
  }
  return out;
}
