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
import { createPseudonymizer, type PersonRef, type Pseudonymizer } from './pseudonymizer.ts';
import type { RosterEntry } from './roster.ts';
import { studentForFile, type StudentMatch } from './student-for-file.ts';
import { detectWrittenNames } from './written-name.ts';

/**
 * A name guessed from a file name without a roster, with the words that are obviously not
 * part of a name removed ("ana_essay_final_v2" → "ana"); null when nothing is left.
 */
export function nameFromFileNameForPrivacy(student: string): string | null {
  const words = student.split(/\s+/).filter((w) => w !== '' && !/\d/.test(w) && !isPlainWord(w) && /\p{L}/u.test(w));
  return words.length === 0 ? null : words.join(' ');
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
    if (guessed !== null) names.push({ name: guessed });
  }
  for (const written of detectWrittenNames(input.text)) names.push({ name: written });
  for (const entry of input.roster ?? []) if (entry !== student.entry) names.push(refOf(entry));
  return { student, pseudonymizer: createPseudonymizer({ names, secret: input.secret }), names };
}
