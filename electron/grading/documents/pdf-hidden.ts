/**
 * Text on a PDF page that a reader cannot see, and the page's text items without it.
 *
 * `getTextContent` (the page text) knows nothing of colour or render mode and merges visible and
 * hidden words into one item when they share a font, so hidden glyphs are found by walking the
 * operator list (`pdf-ink.ts`) and then matched to the text items character by character: both
 * come from the same content stream in the same order. Only an exact match is trusted; when
 * anything differs (bidi reordering, a normalisation we do not mirror, an odd font) the text is
 * left as it was and the hidden text is still reported.
 */
import { normalizeUnicode } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import type { InkGlyph, PageInk } from './pdf-ink.ts';

export type HiddenReason = 'invisible' | 'white' | 'tiny' | 'off_page';

/**
 * Share of a page that images must cover for it to count as a scan. Invisible or white text on
 * a scan is its OCR layer (what makes a scanned essay searchable), not a trick: it stays in the
 * text and is not flagged.
 */
export const SCAN_COVERAGE = 0.75;
/** A gap wider than this many ems between two hidden glyphs is a space in the reported text. */
const WORD_GAP_EMS = 0.15;
/** A move of more than this many ems across the line starts a new hidden string: the next line is closer. */
const NEW_BLOCK_EMS = 2;

type Item = TextItem | TextMarkedContent;
const isTextItem = (item: Item): item is TextItem => 'str' in item;

/** Why a reader cannot see this glyph, or null. */
export function glyphHiddenReason(glyph: InkGlyph, scanned: boolean): HiddenReason | null {
  const { run } = glyph;
  if (scanned && (run.invisible || run.white)) return null;
  if (glyph.offPage) return 'off_page';
  if (run.invisible) return 'invisible';
  if (run.white) return 'white';
  if (run.tiny) return 'tiny';
  return null;
}

export interface PageSeparation {
  /** The text items without hidden glyphs (the input items when they could not be matched). */
  items: Item[];
  /** Hidden text, consecutive hidden glyphs joined into one string. */
  hidden: string[];
  /** False when hidden glyphs could not be matched to the items and are still in them. */
  separated: boolean;
}

/** Splits a page's text into what a reader sees and what is hidden. */
export function separateHiddenText(items: Item[], ink: PageInk): PageSeparation {
  const scanned = ink.imageCoverage >= SCAN_COVERAGE;
  const reasons = ink.glyphs.map((glyph) => glyphHiddenReason(glyph, scanned));
  const hidden = hiddenStrings(ink.glyphs, reasons);
  if (hidden.length === 0) return { items, hidden, separated: true };
  const visibleItems = withoutHiddenGlyphs(items, ink, reasons);
  return { items: visibleItems ?? items, hidden, separated: visibleItems !== null };
}

function isWordGap(previous: InkGlyph, next: InkGlyph): boolean {
  const distance = Math.hypot(next.x - previous.endX, next.y - previous.endY);
  return distance > WORD_GAP_EMS * Math.max(previous.em, next.em);
}

/** Distance across the line (perpendicular to its direction) from the end of `previous` to `next`. */
function isNewBlock(previous: InkGlyph, next: InkGlyph): boolean {
  const dx = previous.endX - previous.x;
  const dy = previous.endY - previous.y;
  const length = Math.hypot(dx, dy);
  const across = length > 0 ? Math.abs((next.x - previous.endX) * -dy + (next.y - previous.endY) * dx) / length : Math.abs(next.y - previous.y);
  return across > NEW_BLOCK_EMS * Math.max(previous.em, next.em);
}

/**
 * Hidden glyphs in drawing order, one string per stretch: a visible character, a change of
 * reason (white, then invisible) or a jump away from the line ends it. Spaces come from space
 * glyphs and from gaps between glyphs.
 */
export function hiddenStrings(glyphs: InkGlyph[], reasons: Array<HiddenReason | null>): string[] {
  const strings: string[] = [];
  let current = '';
  let last: { glyph: InkGlyph; reason: HiddenReason } | null = null;
  let space = false;
  const flush = () => {
    const text = current.replace(/\s+/g, ' ').trim();
    if (text) strings.push(text);
    current = '';
    last = null;
    space = false;
  };
  glyphs.forEach((glyph, i) => {
    const reason = reasons[i] ?? null;
    if (glyph.category === 'space' || glyph.category === 'format') {
      space ||= current.length > 0;
      return;
    }
    if (reason === null) {
      if (glyph.category === 'char') flush();
      return;
    }
    if (last && (last.reason !== reason || isNewBlock(last.glyph, glyph))) flush();
    if (last && (space || isWordGap(last.glyph, glyph))) current += ' ';
    current += glyph.text;
    last = { glyph, reason };
    space = false;
  });
  flush();
  return strings;
}

interface ExpectedChar {
  char: string;
  glyph: InkGlyph;
  hidden: boolean;
}

/** The characters `getTextContent` should produce, in order: glyphs it keeps, whitespace left out. */
function expectedChars(ink: PageInk, reasons: Array<HiddenReason | null>): ExpectedChar[] {
  const out: ExpectedChar[] = [];
  ink.glyphs.forEach((glyph, i) => {
    if (glyph.offPage || (glyph.category !== 'char' && glyph.category !== 'mark')) return;
    for (const char of normalizeUnicode(glyph.text)) if (!/\s/u.test(char)) out.push({ char, glyph, hidden: reasons[i] !== null });
  });
  return out;
}

type Token = { space: string } | { char: string; expected: ExpectedChar | null };

/**
 * The items with hidden characters removed, or null when the items do not match the glyphs
 * exactly. With an incomplete walk, characters past its end count as visible.
 */
function withoutHiddenGlyphs(items: Item[], ink: PageInk, reasons: Array<HiddenReason | null>): Item[] | null {
  const expected = expectedChars(ink, reasons);
  let next = 0;
  const out: Item[] = [];
  for (const item of items) {
    if (!isTextItem(item)) {
      out.push(item);
      continue;
    }
    const rtl = item.dir === 'rtl';
    const tokens: Token[] = [];
    for (const char of rtl ? [...item.str].reverse() : item.str) {
      if (/\s/u.test(char)) {
        tokens.push({ space: char });
        continue;
      }
      const want = expected[next];
      if (!want) {
        if (ink.complete) return null;
        tokens.push({ char, expected: null });
        continue;
      }
      if (want.char !== char) return null;
      tokens.push({ char, expected: want });
      next += 1;
    }
    const kept = rebuildItem(item, tokens, rtl);
    if (kept) out.push(kept);
  }
  return next === expected.length ? out : null;
}

/** The item with its hidden characters cut; whitespace survives only between visible characters. Null when nothing is left. */
function rebuildItem(item: TextItem, tokens: Token[], rtl: boolean): TextItem | null {
  if (!tokens.some((t) => 'char' in t && t.expected?.hidden)) return item;
  let str = '';
  let pendingSpace = '';
  let first: InkGlyph | null = null;
  let last: InkGlyph | null = null;
  for (const token of tokens) {
    if ('space' in token) {
      pendingSpace ||= token.space;
      continue;
    }
    if (token.expected?.hidden) continue;
    if (str) str += pendingSpace;
    pendingSpace = '';
    str += token.char;
    first ??= token.expected?.glyph ?? null;
    last = token.expected?.glyph ?? last;
  }
  if (!str) return item.hasEOL ? { ...item, str: '', width: 0 } : null;
  const transform = [...(item.transform as number[])];
  if (first && last) {
    transform[4] = first.x;
    transform[5] = first.y;
  }
  const width = first && last ? Math.hypot(last.endX - first.x, last.endY - first.y) : item.width;
  return { ...item, str: rtl ? [...str].reverse().join('') : str, transform, width };
}
