/**
 * The category pdfjs' text extraction gives a glyph, which decides how the ink walk (pdf-ink.ts)
 * advances past it and whether `getTextContent` reports it at all.
 */

export type GlyphCategory = 'char' | 'space' | 'mark' | 'format';

const SPECIAL_CHAR = /^(\s)|(\p{Mn})|(\p{Cf})$/u;

const categories = new Map<string, GlyphCategory>();

/** The category pdfjs' text extraction gives a glyph's text (same expression as pdfjs, cached like pdfjs). */
export function categoryOf(unicode: string): GlyphCategory {
  let category = categories.get(unicode);
  if (category === undefined) {
    category = matchCategory(unicode);
    if (categories.size < 10_000) categories.set(unicode, category);
  }
  return category;
}

function matchCategory(unicode: string): GlyphCategory {
  const match = SPECIAL_CHAR.exec(unicode);
  if (match?.[1] !== undefined) return 'space';
  if (match?.[2] !== undefined) return 'mark';
  if (match?.[3] !== undefined) return 'format';
  return 'char';
}
