/**
 * Case- and diacritic-insensitive text search that can still point back into the original.
 * Names are found in a folded copy ("José Núñez" → "jose nunez") and replaced in the original
 * at the mapped span, so the rest of the submission — what the model quotes as evidence —
 * stays byte-for-byte what the student wrote.
 *
 * Folding: NFKD (full-width letters and ligatures become ASCII), combining marks dropped,
 * lower case, a few letters without a decomposition mapped by hand (ß→ss, ø→o, ł→l, …),
 * typographic apostrophes → `'`, zero-width characters dropped (so "Ma\u200Bria" is found).
 */

const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  ł: 'l',
  Ł: 'l',
  ı: 'i',
  þ: 'th',
  Þ: 'th',
  '\u2019': "'",
  '\u2018': "'",
  '\u02BC': "'",
  '\u0060': "'",
  '\u00B4': "'",
};

/** Zero-width and formatting characters that render as nothing. */
const INVISIBLE = /^[\u00AD\u200B-\u200F\u2060-\u2064\uFEFF]$/;
const MARK = /^\p{M}$/u;

export function foldChar(ch: string): string {
  if (INVISIBLE.test(ch) || MARK.test(ch)) return '';
  const special = SPECIAL[ch];
  if (special !== undefined) return special;
  return ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Folds a whole string, without position bookkeeping. */
export function fold(text: string): string {
  let out = '';
  for (const ch of text) out += foldChar(ch);
  return out;
}

export interface FoldedText {
  folded: string;
  /** For each UTF-16 unit of `folded`: start offset of the original character it came from. */
  starts: number[];
  /** …and the end offset of that original character. */
  ends: number[];
}

export function foldWithMap(text: string): FoldedText {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const out = foldChar(ch);
    for (let i = 0; i < out.length; i += 1) {
      starts.push(offset);
      ends.push(offset + ch.length);
    }
    folded += out;
    offset += ch.length;
  }
  return { folded, starts, ends };
}

/**
 * Original span of folded `[from, to)`. The end is widened over trailing combining marks and
 * invisible characters, so replacing "Jose" in "Jose\u0301" leaves no stray accent behind.
 */
export function originalSpan(map: FoldedText, text: string, from: number, to: number): [number, number] {
  const start = map.starts[from] ?? text.length;
  let end = map.ends[to - 1] ?? start;
  while (end < text.length) {
    const next = String.fromCodePoint(text.codePointAt(end) ?? 0);
    if (!(MARK.test(next) || INVISIBLE.test(next))) break;
    end += next.length;
  }
  return [start, end];
}
