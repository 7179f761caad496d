/**
 * Which OCR'd words are a student's name (for {@link ImageRedactor}). OCR text differs from
 * typed text: case is unreliable, punctuation sticks to words ("Lopez," "Name:Ana"), and a
 * letter may be misread ("Lopcz"). So words are compared folded (case and accents), split at
 * anything that is not a letter, and a name part of 5+ letters also matches at edit distance 1
 * (unless the word read is an ordinary word: "more" is not a misread "Moore").
 * Parts of 1–2 letters are ignored ("Li", an initial): painting over every "Li" on a page
 * would hide the work, not the name. A part that is also an ordinary word (Will, May, Grace)
 * matches only a capitalized word, as in the text path.
 */
import { isAmbiguousNamePart, isPlainWord } from './common-words.ts';
import { fold } from './fold.ts';

export interface NamePart {
  /** Folded letters only ("o'connor" → "oconnor"). */
  folded: string;
  /** Only a word written with a capital matches (the part is also an ordinary word). */
  capitalizedOnly: boolean;
}

export const MIN_PART_LETTERS = 3;
/** Parts at least this long tolerate one OCR error (substitution, insertion or deletion). */
export const FUZZY_MIN_LETTERS = 5;

const LATIN = /^[\p{Script=Latin}]+$/u;
const lettersOf = (s: string): string[] => fold(s).split(/[^\p{L}]+/u).filter((t) => t !== '');

/**
 * The parts of `names` worth looking for in an image: every word of each name, its pieces
 * around hyphens and apostrophes, and the name squashed together ("analopez", "lopezana"),
 * which OCR produces when it misses a space. Names in non-Latin scripts are skipped: the
 * English OCR model cannot read them.
 */
export function namePartsToHide(names: Iterable<string>): NamePart[] {
  const parts = new Map<string, NamePart>();
  const add = (folded: string, original: string): void => {
    if (folded.length < MIN_PART_LETTERS || !LATIN.test(folded)) return;
    const capitalizedOnly = isAmbiguousNamePart(original);
    const existing = parts.get(folded);
    // One spelling that is not ambiguous is enough to match in any case.
    if (existing === undefined || (existing.capitalizedOnly && !capitalizedOnly)) parts.set(folded, { folded, capitalizedOnly });
  };
  for (const name of names) {
    const words = name.split(/[\s,]+/).filter((w) => w !== '');
    const squashed: string[] = [];
    for (const word of words) {
      const pieces = lettersOf(word);
      const joined = pieces.join('');
      squashed.push(joined);
      add(joined, word);
      for (const piece of pieces) add(piece, piece);
    }
    // Only from parts that count on their own: "Li Na" is not squashed into "lina".
    if (squashed.length >= 2 && squashed.every((p) => p.length >= MIN_PART_LETTERS)) {
      const first = squashed[0]!;
      const last = squashed[squashed.length - 1]!;
      add(first + last, `${first}${last}`);
      add(last + first, `${last}${first}`);
      add(squashed.join(''), squashed.join(''));
    }
  }
  return [...parts.values()];
}

/** Levenshtein distance, stopping early once it must exceed `max`. */
export function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return false;
    previous = current;
  }
  return previous[b.length]! <= max;
}

function pieceMatches(piece: string, capitalized: boolean, part: NamePart): boolean {
  if (part.capitalizedOnly && !capitalized) return false;
  if (piece === part.folded) return true;
  // An ordinary word one letter off a name is that word ("more" is not a misread "Moore").
  if (isPlainWord(piece)) return false;
  return part.folded.length >= FUZZY_MIN_LETTERS && piece.length >= FUZZY_MIN_LETTERS - 1 && withinEdits(piece, part.folded, 1);
}

/** Whether an OCR'd word is (or contains, between punctuation) one of `parts`. */
export function wordMatchesName(word: string, parts: readonly NamePart[]): boolean {
  if (parts.length === 0) return false;
  const raw = word.split(/[^\p{L}]+/u).filter((t) => t !== '');
  const candidates = raw.map((r) => ({ folded: lettersOf(r).join(''), capitalized: /^\p{Lu}/u.test(r) }));
  // "Ana's", "Lopez," and "Name:Ana" as a whole, too ("O'Connor" → "oconnor").
  if (raw.length > 1) candidates.push({ folded: lettersOf(word).join(''), capitalized: /^\P{L}*\p{Lu}/u.test(word) });
  return candidates.some((c) => c.folded.length >= MIN_PART_LETTERS && parts.some((p) => pieceMatches(c.folded, c.capitalized, p)));
}
