/**
 * Names the student wrote at the top of the submission, which the roster may spell
 * differently or not know at all: "Name: …", "Student: …", "By …", "姓名：…", or a first
 * line that is nothing but 2–4 capitalized words. Only the first few lines are read — a name
 * further down is either in the roster or part of the essay — and a first line containing
 * ordinary words ("The Case Against Homework") is taken for a title.
 */
import { isPlainWord } from './common-words.ts';

/** How many non-empty lines from the top are searched. */
export const HEADER_LINES = 6;

const LABELLED =
  /^\s*(?:student(?:'s)?\s+name|full\s+name|name|student|author|written\s+by|submitted\s+by|by)\s*[:：\-–]\s*(.+)$/i;
const CHINESE_LABELLED = /(?:学生姓名|姓名|名字|学生|作者)\s*[:：]\s*([\p{Script=Han}·]{2,6}|[\p{L}][\p{L}'’\- ]{1,60})/u;
const BY_LINE = /^\s*by\s+(\p{Lu}[\p{L}'’\-.]*(?:\s+\p{Lu}[\p{L}'’\-.]*){0,3})\s*$/iu;
const NAME_WORD = /^\p{Lu}[\p{Ll}'’-]*\p{Ll}[\p{L}'’-]*$|^\p{Lu}\.?$/u;
const CAPITALIZED_LINE = /^\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+){1,3}$/u;
/** Where a labelled value ends: another field ("Class:"), a separator, a date. */
const FIELD_END =
  /\s{2,}|\t|\s*[|;,/·•]\s*|\s+(?:class|date|period|grade|teacher|id|student\s+id|form|section|course|due)\b|\s+\d/i;

/** A plausible personal name: 1–5 words, letters only, not ordinary English words. */
function plausibleName(candidate: string): string | null {
  const name = candidate.trim().replace(/[.:,;]+$/, '');
  if (name === '' || name.length > 80) return null;
  if (/\p{Script=Han}/u.test(name)) return /^[\p{Script=Han}·]{2,6}$/u.test(name) ? name : null;
  const words = name.split(/\s+/);
  if (words.length > 5) return null;
  if (!words.every((w) => /^[\p{L}'’\-.]+$/u.test(w))) return null;
  if (words.every((w) => isPlainWord(w))) return null;
  return name;
}

export function detectWrittenNames(text: string): string[] {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, HEADER_LINES);
  const found = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const chinese = CHINESE_LABELLED.exec(line);
    if (chinese?.[1] !== undefined) {
      const name = plausibleName(chinese[1].split(/\s{2,}|\u3000/)[0] ?? '');
      if (name !== null) found.add(name);
      continue;
    }
    const by = BY_LINE.exec(line);
    if (by?.[1] !== undefined) {
      const name = plausibleName(by[1]);
      if (name !== null) found.add(name);
      continue;
    }
    const labelled = LABELLED.exec(line);
    if (labelled?.[1] !== undefined) {
      const value = labelled[1].split(FIELD_END)[0] ?? '';
      const name = plausibleName(value);
      if (name !== null) found.add(name);
      continue;
    }
    if (index === 0 && CAPITALIZED_LINE.test(line)) {
      const words = line.split(/\s+/);
      if (words.every((w) => NAME_WORD.test(w) && !isPlainWord(w))) found.add(line);
    }
  }
  return [...found];
}
