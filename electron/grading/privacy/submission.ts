/**
 * Putting the privacy pieces together for one submission: who it belongs to, which names
 * to hide (its student first, then names written at its top, then the whole roster), and a
 * pseudonymizer for exactly that set.
 *
 * Why one pseudonymizer per submission rather than one per batch: a first name shared by
 * two students must map to the pseudonym of the student who wrote this submission. Codes
 * are still stable across the batch because they depend only on name and secret.
 */
import { isPlainWord } from './common-words.ts';
import { fold } from './fold.ts';
import { createPseudonymizer, type PersonRef, type Pseudonymizer } from './pseudonymizer.ts';
import type { RosterEntry } from './roster.ts';
import { studentForFile, type StudentMatch } from './student-for-file.ts';
import { detectWrittenNames } from './written-name.ts';

/**
 * A name guessed from a file name without a roster, with the words that are obviously not
 * part of a name removed ("ana_essay_final_v2" → "ana"); null when nothing is left.
 */
export function nameFromFileNameForPrivacy(student: string): string | null {
  const words = student.split(/\s+/).filter((w) => w !== '' && !/\d/.test(w) && !isPlainWord(w) && !LMS_MARKERS.has(w.toLowerCase()) && /\p{L}/u.test(w));
  return words.length === 0 ? null : words.join(' ');
}

/** Words learning platforms add to a submission's file name ("lopezana_LATE_123_456_essay"). */
const LMS_MARKERS = new Set(['late', 'resubmission', 'submission']);
const lettersOf = (s: string): string => fold(s).replace(/[^\p{L}]/gu, '');

/**
 * Learning platforms squash the student's name into the file name ("lopezana" for Ana López),
 * a word that never occurs in the essay. Two neighbouring capitalized words of the text that
 * squash to it, in either order, are the name as written.
 */
export function namesSquashedInto(word: string, text: string): string[] {
  const target = lettersOf(word);
  if (target.length < 6) return [];
  const found = new Set<string>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const words = line.split(/[\s_,.;:!?()"]+/).filter((w) => w !== '');
    for (let i = 0; i + 1 < words.length; i++) {
      const a = words[i] ?? '';
      const b = words[i + 1] ?? '';
      if (!/^\p{Lu}/u.test(a) || !/^\p{Lu}/u.test(b)) continue;
      if (lettersOf(a + b) === target || lettersOf(b + a) === target) found.add(`${a} ${b}`);
    }
  }
  return [...found];
}

export interface SubmissionPrivacyInput {
  fileName: string;
  /** Extracted text of the submission, to find a name written at its top. */
  text: string;
  roster?: readonly RosterEntry[] | null;
  secret: string;
}

export interface SubmissionPrivacy {
  student: StudentMatch;
  pseudonymizer: Pseudonymizer;
  /** The names hidden for this submission, in priority order. */
  names: PersonRef[];
}

const refOf = (entry: RosterEntry): PersonRef => ({ name: entry.name, email: entry.email, studentId: entry.studentId });

export function privacyForSubmission(input: SubmissionPrivacyInput): SubmissionPrivacy {
  const student = studentForFile(input.fileName, input.roster);
  const names: PersonRef[] = [];
  if (student.entry !== null) names.push(refOf(student.entry));
  else {
    const guessed = nameFromFileNameForPrivacy(student.student);
    if (guessed !== null) {
      names.push({ name: guessed });
      for (const word of guessed.split(' ')) for (const written of namesSquashedInto(word, input.text)) names.push({ name: written });
    }
  }
  for (const written of detectWrittenNames(input.text)) names.push({ name: written });
  for (const entry of input.roster ?? []) if (entry !== student.entry) names.push(refOf(entry));
  return { student, pseudonymizer: createPseudonymizer({ names, secret: input.secret }), names };
}

/**
 * The teacher named the student: that name (the roster's entry when it is one) is the
 * submission's, and the first the pseudonymizer hides, before every name found otherwise. A new
 * batch applies it when it reads the file, a resumed one from the name it stored, so a
 * correction that is on no list never reaches the model either way.
 */
export function withNamedStudent(detected: SubmissionPrivacy, name: string, roster: readonly RosterEntry[] | null | undefined, secret: string): SubmissionPrivacy {
  const key = (s: string): string => fold(s).replace(/\s+/g, ' ').trim();
  const entry = roster?.find((e) => key(e.name) === key(name)) ?? null;
  const first: PersonRef = entry ? refOf(entry) : { name };
  const names = [first, ...detected.names.filter((n) => key(n.name) !== key(first.name))];
  return {
    student: { student: entry?.name ?? name, entry, matchedBy: entry ? 'name' : 'file_name' },
    names,
    pseudonymizer: createPseudonymizer({ names, secret }),
  };
}
