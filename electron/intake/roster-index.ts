/**
 * The class list, prepared so a file is matched against the few students its name could be,
 * not against all of them: the pipeline's matcher (studentForFile) folds every name on every
 * call, and 300 files × 3,000 students took many seconds on the main process.
 *
 * The matcher finds an entry when the file name holds all the words of its name (in any of the
 * orders it tries), all the words of its student id, its name squashed into one word
 * ("lopezana"), or its Chinese name. Each test below is looser than the matcher's (words split
 * on anything but letters and digits, squashed names looked for anywhere), so the matcher run on
 * the candidates finds exactly what it would on the whole list.
 */
import { fold, type RosterEntry } from '../grading/privacy/index.ts';

const HAN = /\p{Script=Han}/u;
const wordsOf = (text: string): string[] => fold(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');

interface Prepared {
  entry: RosterEntry;
  words: string[];
  idWords: string[];
  /** First-last and last-first, squashed; empty for a one-word name. */
  squashed: string[];
  han: boolean;
}

export class RosterIndex {
  private readonly prepared: Prepared[];

  constructor(readonly entries: readonly RosterEntry[]) {
    this.prepared = entries.map((entry) => {
      const words = wordsOf(entry.name);
      const last = words[words.length - 1] ?? '';
      const squashed = words.length >= 2 ? [words.join(''), [last, ...words.slice(0, -1)].join('')] : [];
      return { entry, words, idWords: wordsOf(entry.studentId ?? ''), squashed, han: HAN.test(entry.name) };
    });
  }

  /** The entries that may match `fileName`, in roster order. */
  candidates(fileName: string): RosterEntry[] {
    const words = wordsOf(fileName);
    const present = new Set(words);
    const joined = words.join('');
    const has = (list: string[]): boolean => list.length > 0 && list.every((w) => present.has(w));
    return this.prepared
      .filter((p) => has(p.words) || has(p.idWords) || p.squashed.some((s) => joined.includes(s)) || (p.han && joined.includes(p.words.join(''))))
      .map((p) => p.entry);
  }
}
