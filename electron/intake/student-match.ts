/**
 * Whose work an item is, before the teacher says otherwise. The grading pipeline's rule
 * (studentForFile: the roster entry named in the file name, else the file name) comes first;
 * a dropped folder adds what LMS downloads put there: Moodle's "Ana López_12345_assignsubmission_file_"
 * and a folder per student ("Period 3/Ana López/essay.docx") are matched to the roster too, and
 * without one, a file named only "essay.docx" takes the name of the nearest folder that looks
 * like a name ("Ana López", not "Period 3").
 */
import type { RosterEntry } from '../grading/privacy/index.ts';
import { fold, studentForFile } from '../grading/privacy/index.ts';
import { nameFromFileName } from '../grading/privacy/student-for-file.ts';
import { nameFromFileNameForPrivacy } from '../grading/privacy/submission.ts';
import type { RosterIndex } from './roster-index.ts';

export interface DetectedStudent {
  student: string | null;
  source: 'roster' | 'file_name' | null;
  entry: RosterEntry | null;
}

/** Moodle's "download all submissions": one folder per student, named `<full name>_<id>_assignsubmission_…`. */
const MOODLE_FOLDER = /^(.+?)_\d+_assign(?:submission|feedback)_/;

function folderName(segment: string): string {
  return MOODLE_FOLDER.exec(segment)?.[1] ?? segment;
}

export function detectStudent(file: string, roster: RosterIndex | null): DetectedStudent {
  const segments = file.split('/');
  const base = segments[segments.length - 1] ?? file;
  const folders = segments.slice(0, -1).reverse().map(folderName);
  const byFile = studentForFile(base, roster?.candidates(base) ?? null);
  if (byFile.entry) return { student: byFile.entry.name, source: 'roster', entry: byFile.entry };
  for (const folder of folders) {
    // A folder name is not a file name: give it a dummy extension so the rule reads it whole.
    const byFolder = studentForFile(`${folder}.folder`, roster?.candidates(folder) ?? null);
    if (byFolder.entry) return { student: byFolder.entry.name, source: 'roster', entry: byFolder.entry };
  }
  const guess = nameFromFileNameForPrivacy(byFile.student) === null ? (folders.find(looksLikeAName) ?? byFile.student) : byFile.student;
  const student = nameFromFileName(`${guess}.folder`).trim();
  return student === '' ? { student: null, source: null, entry: null } : { student, source: 'file_name', entry: null };
}

/** Every word of it could be part of a name: no digits, no school words ("Period 3", "Essays"). */
function looksLikeAName(folder: string): boolean {
  const words = nameFromFileName(`${folder}.folder`).split(' ');
  return nameFromFileNameForPrivacy(words.join(' ')) === words.join(' ');
}

/** The roster entry with exactly this name (ignoring case and accents), for a name the teacher typed. */
export function rosterEntryNamed(name: string, roster: readonly RosterEntry[] | null): RosterEntry | null {
  if (!roster) return null;
  const wanted = fold(name).replace(/\s+/g, ' ').trim();
  return roster.find((entry) => fold(entry.name).replace(/\s+/g, ' ').trim() === wanted) ?? null;
}
