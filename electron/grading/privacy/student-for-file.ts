/**
 * Which student a file belongs to (DESIGN §6): the roster entry whose name or id occurs in
 * the file name; without a roster (or without a match), the file name without extension,
 * cut at the first " - ", underscores read as spaces.
 *
 * "Occurs" is forgiving in the ways file names differ from rosters: case, accents, `_`, `-`
 * and `.` as separators, "Last First" order, and the squashed "garciamaria" of LMS exports.
 * Latin names must occur as whole words ("Ana" does not match "Anastasia"); Chinese names as
 * substrings. When two entries match equally well the file is not guessed: it falls back to
 * the file-name rule so the teacher sees and fixes it.
 */
import { fold } from './fold.ts';
import type { RosterEntry } from './roster.ts';

export interface StudentMatch {
  /** The student's display name (the roster's spelling when matched). */
  student: string;
  entry: RosterEntry | null;
  matchedBy: 'student_id' | 'name' | 'file_name';
}

const HAN = /\p{Script=Han}/u;

/** The last path segment, for `/` and `\` paths alike. */
export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] ?? fileName;
}

/** The no-roster rule of DESIGN §6. */
export function nameFromFileName(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const cut = stem.indexOf(' - ');
  const head = cut >= 0 ? stem.slice(0, cut) : stem;
  const name = head.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  return name === '' ? stem : name;
}

/** Folded file name with every separator turned into one space, padded for whole-word tests. */
function searchable(text: string): string {
  return ` ${fold(text)
    .replace(/[\s_\-.,()[\]{}+&]+/g, ' ')
    .trim()} `;
}

const tokensOf = (name: string): string[] => searchable(name).trim().split(' ').filter((t) => t !== '');

/** How well `entry` matches the file (0 = not at all); longer, more specific matches win. */
function score(entry: RosterEntry, file: string, squashedTokens: string[]): { score: number; by: 'student_id' | 'name' } | null {
  if (entry.studentId !== null) {
    const id = searchable(entry.studentId).trim();
    if (id.length >= 3 && file.includes(` ${id} `)) return { score: 1000 + id.length, by: 'student_id' };
  }
  const tokens = tokensOf(entry.name);
  if (tokens.length === 0) return null;
  const phrase = tokens.join(' ');
  if (HAN.test(phrase)) {
    const compact = phrase.replace(/ /g, '');
    return file.replace(/ /g, '').includes(compact) ? { score: compact.length * 3, by: 'name' } : null;
  }
  if (file.includes(` ${phrase} `)) return { score: phrase.length, by: 'name' };
  if (tokens.length >= 2) {
    const reversed = [...tokens.slice(1), tokens[0]].join(' ');
    const lastFirst = [tokens[tokens.length - 1], ...tokens.slice(0, -1)].join(' ');
    if (file.includes(` ${reversed} `) || file.includes(` ${lastFirst} `)) return { score: phrase.length - 0.5, by: 'name' };
    const squashed = [tokens.join(''), [tokens[tokens.length - 1], ...tokens.slice(0, -1)].join('')];
    if (squashed.some((s) => s.length >= 6 && squashedTokens.some((t) => t.startsWith(s)))) {
      return { score: phrase.length - 1, by: 'name' };
    }
  }
  return null;
}

export function studentForFile(fileName: string, roster?: readonly RosterEntry[] | null): StudentMatch {
  const fallback: StudentMatch = { student: nameFromFileName(fileName), entry: null, matchedBy: 'file_name' };
  if (!roster || roster.length === 0) return fallback;
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  const file = searchable(dot > 0 ? base.slice(0, dot) : base);
  const squashedTokens = file.trim().split(' ');
  let best: { entry: RosterEntry; score: number; by: 'student_id' | 'name' } | null = null;
  let tie = false;
  for (const entry of roster) {
    const match = score(entry, file, squashedTokens);
    if (match === null) continue;
    if (best === null || match.score > best.score) {
      best = { entry, ...match };
      tie = false;
    } else if (match.score === best.score) {
      tie = true;
    }
  }
  if (best === null || tie) return fallback;
  return { student: best.entry.name, entry: best.entry, matchedBy: best.by };
}
