/**
 * Whose work an item is, before the teacher says otherwise. The grading pipeline's rule
 * (studentForFile: the roster entry named in the file name, else the file name) comes first;
 * a dropped folder adds what LMS downloads put there: Moodle's "Ana López_12345_assignsubmission_file_"
 * and a folder per student ("Period 3/Ana López/essay.docx") are matched to the roster too.
 */
import type { RosterEntry } from '../grading/privacy/index.ts';
import { fold, studentForFile } from '../grading/privacy/index.ts';

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

export function detectStudent(file: string, roster: readonly RosterEntry[] | null): DetectedStudent {
  const segments = file.split('/');
  const base = segments[segments.length - 1] ?? file;
  const folders = segments.slice(0, -1).reverse().map(folderName);
  const byFile = studentForFile(base, roster);
  if (byFile.entry) return { student: byFile.entry.name, source: 'roster', entry: byFile.entry };
  for (const folder of folders) {
    // A folder name is not a file name: give it a dummy extension so the rule reads it whole.
    const byFolder = studentForFile(`${folder}.folder`, roster);
    if (byFolder.entry) return { student: byFolder.entry.name, source: 'roster', entry: byFolder.entry };
  }
  const moodle = segments.slice(0, -1).reverse().find((s) => MOODLE_FOLDER.test(s));
  const guess = moodle ? folderName(moodle).trim() : byFile.student.trim();
  return guess === '' ? { student: null, source: null, entry: null } : { student: guess, source: 'file_name', entry: null };
}

/** The roster entry with exactly this name (ignoring case and accents), for a name the teacher typed. */
export function rosterEntryNamed(name: string, roster: readonly RosterEntry[] | null): RosterEntry | null {
  if (!roster) return null;
  const wanted = fold(name).replace(/\s+/g, ' ').trim();
  return roster.find((entry) => fold(entry.name).replace(/\s+/g, ' ').trim() === wanted) ?? null;
}
