/**
 * The forms of a submission's text the injection rules read. Normalizing first keeps the rules
 * short and, above all, fast: every run of whitespace becomes one space or one line break, so
 * no rule can backtrack over a long run of blank lines (a file of ideographic-space lines once
 * took the scan cubic time).
 */

import { collapseLetterSpacing, foldHomoglyphs, foldLeet, stripInvisible } from './injection-normalize.ts';

/**
 * Lower case, NFKC (full-width → ASCII), look-alike letters of mixed-script words in Latin, no
 * accents, no invisible characters, letter-spaced words joined, straight quotes; any whitespace
 * run is one space, one line break or one blank line.
 */
export function normalizeForScan(text: string): string {
  return collapseLetterSpacing(foldHomoglyphs(stripInvisible(text.normalize('NFKC'))).text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC\u00B4]/g, "'")
    .replace(/[\u201C\u201D\u00AB\u00BB]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\r\n?|[\u2028\u2029\u0085\v\f]/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** Letter-spaced and dotted words joined ("i g n o r e" → "ignore"); Han characters un-spaced. */
function despace(text: string): string {
  return text
    .replace(/\b(?:[a-z][ .\-_*]){2,}[a-z]\b/g, (run) => run.replace(/[ .\-_*]/g, ''))
    .replace(/(?<=[a-z])[-_*·]+(?=[a-z])/g, '')
    .replace(/(?<=\p{Script=Han}) +(?=\p{Script=Han})/gu, '');
}

/** The normalized text, de-spaced, de-leeted and both: a rule matching any of them matches. */
export function scanVariants(normalized: string): string[] {
  return [...new Set([normalized, despace(normalized), foldLeet(normalized), despace(foldLeet(normalized))])];
}

/** Letters and Han characters only, for phrases hidden by punctuation ("ign0re_prev-ious"). */
export function squash(normalized: string): string {
  return despace(foldLeet(normalized)).replace(/[^a-z\p{Script=Han}]+/gu, '');
}
