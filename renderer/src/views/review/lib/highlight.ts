/**
 * Where a model's quoted evidence sits in the submission's text, for highlighting. Models
 * re-type quotes: they change line breaks and spacing, case, curly and straight quotation
 * marks, dashes, and cut the middle out with an ellipsis. Matching ignores whitespace entirely
 * and folds those characters one for one, so every matched character maps back to a position
 * in the original text; a quote that still does not match is "not found" and listed apart.
 */

/** A [start, end) span of the original text. */
export type Range = readonly [number, number];

const QUOTES_SINGLE = /[\u2018\u2019\u201A\u201B\u2032\u00B4`]/;
const QUOTES_DOUBLE = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB「」『』]/;
const DASHES = /[\u2010-\u2015\u2212]/;
const INVISIBLE = /[\u200B-\u200F\u2060\uFEFF\u00AD]/;
const ELLIPSIS = /(?:\.{3,}|…|\[\s*(?:\.{3}|…)\s*\])/u;

function fold(ch: string): string {
  if (QUOTES_SINGLE.test(ch)) return "'";
  if (QUOTES_DOUBLE.test(ch)) return '"';
  if (DASHES.test(ch)) return '-';
  const lower = ch.toLowerCase();
  // One character in, one out: a fold that changes the length would break the map back.
  return lower.length === ch.length ? lower : ch;
}

/** The text without whitespace or invisible characters, folded, and for each character where it came from. */
function squeeze(source: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (/\s/u.test(ch) || INVISIBLE.test(ch)) continue;
    text += fold(ch);
    at.push(i);
  }
  return { text, at };
}

/** Quote marks around a quote and punctuation after it are the model's, not the student's. */
const trimFragment = (s: string): string =>
  s
    .trim()
    .replace(/^["'“”‘’「『]+|["'“”‘’」』]+$/gu, '')
    .replace(/[.,;:!?。，；：！？]+$/u, '')
    .trim();

/**
 * The spans of the text a quote covers (one per ellipsis-separated part, in order), or null
 * when some part is not in the text. Parts shorter than 3 characters prove nothing and are
 * skipped; a quote with nothing left is not found.
 */
export function findQuote(text: string, quote: string): Range[] | null {
  const hay = squeeze(text);
  const parts = quote
    .split(ELLIPSIS)
    .map(trimFragment)
    .map((p) => squeeze(p).text)
    .filter((p) => p.length >= 3);
  if (parts.length === 0) return null;
  const ranges: Range[] = [];
  let from = 0;
  for (const part of parts) {
    const found = hay.text.indexOf(part, from);
    if (found < 0) return null;
    const end = found + part.length;
    ranges.push([hay.at[found] as number, (hay.at[end - 1] as number) + 1]);
    from = end;
  }
  return ranges;
}

/** A run of the text and the criteria whose quotes cover it (none: plain text). */
export interface Segment {
  start: number;
  text: string;
  criteria: string[];
}

/** The text cut where any highlight starts or ends, each piece knowing which criteria cover it. */
export function segmentText(text: string, marks: ReadonlyArray<{ criterionId: string; ranges: readonly Range[] }>): Segment[] {
  const cuts = new Set<number>([0, text.length]);
  for (const m of marks) for (const [a, b] of m.ranges) cuts.add(a).add(b);
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    if (end <= start) continue;
    const criteria = marks.filter((m) => m.ranges.some(([a, b]) => a <= start && end <= b)).map((m) => m.criterionId);
    segments.push({ start, text: text.slice(start, end), criteria: [...new Set(criteria)] });
  }
  return segments;
}
