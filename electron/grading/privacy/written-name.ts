/**
 * Names the student wrote at the top of the submission, which the roster may spell
 * differently or not know at all: "Name: …", "Student: …", "By …", "姓名：…", or a first
 * line that is nothing but 2–4 capitalized words ("Ana López", "ANA LÓPEZ", "López, Ana",
 * "Ana M. López"), before a date or a " - Period 3". Only the first few lines are read — a name
 * further down is either in the roster or part of the essay — and a first line containing
 * ordinary words ("The Case Against Homework") is taken for a title. A DOCX's page header and
 * footer lines count as top lines wherever the extractor put them, and a comment's author is a
 * name.
 */
import { isPlainWord } from './common-words.ts';

/** How many non-empty lines from the top are searched. */
export const HEADER_LINES = 6;

const LABELLED =
  /^\s*(?:student(?:'s)?\s+name|full\s+name|name|student|author|written\s+by|submitted\s+by|by|nombre|nom|alumno|alumna|élève)\s*[:：\-–]\s*(.+)$/i;
const CHINESE_LABELLED = /(?:学生姓名|姓名|名字|学生|作者)\s*[:：]\s*([\p{Script=Han}·]{2,6}|[\p{L}][\p{L}'’\- ]{1,60})/u;
const BY_LINE = /^\s*by\s+(\p{Lu}[\p{L}'’\-.]*(?:\s+\p{Lu}[\p{L}'’\-.]*){0,3})\s*$/iu;
/** A capitalized word, a word in capitals, or an initial. */
const NAME_WORD = /^\p{Lu}[\p{Ll}'’-]*\p{Ll}[\p{L}'’-]*$|^\p{Lu}[\p{Lu}'’-]*\p{Lu}$|^\p{Lu}\.?$/u;
const CAPITALIZED_LINE = /^\p{Lu}[\p{L}'’.-]*(?:,?\s+\p{Lu}[\p{L}'’.-]*){1,3}$/u;
/** Where a first line's name ends: a date or number, a dash or bar between fields, a wide gap. */
const NAME_LINE_END = /\s{2,}|\t|\s+[-–—|]\s+|\s+\d/;
/** DOCX header and footer lines (docx.ts), and a comment's author. */
const PAGE_EDGE = /^\[(?:Header|Footer)\]\s*(.*)$/;
const COMMENT_AUTHOR = /^\[Comment by ([^\]]{2,80})\]/;
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

/** "Ana López", "ANA LÓPEZ", "López, Ana" ("Ana López"), or null: a line that is only a name. */
function nameLine(line: string): string | null {
  const head = (line.split(NAME_LINE_END)[0] ?? '').trim();
  if (!CAPITALIZED_LINE.test(head)) return null;
  const comma = /^([^,]+),\s*([^,]+)$/.exec(head);
  const name = comma ? `${comma[2]} ${comma[1]}` : head;
  const words = name.split(/\s+/);
  return words.every((w) => NAME_WORD.test(w) && !isPlainWord(w)) ? name : null;
}

export function detectWrittenNames(text: string): string[] {
  const all = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const found = new Set<string>();
  const edges: string[] = [];
  for (const line of all) {
    const edge = PAGE_EDGE.exec(line);
    if (edge?.[1]) edges.push(edge[1].trim());
    const author = COMMENT_AUTHOR.exec(line);
    const commenter = author?.[1] !== undefined ? plausibleName(author[1]) : null;
    if (commenter !== null) found.add(commenter);
  }
  const lines = all.slice(0, HEADER_LINES).filter((l) => !PAGE_EDGE.test(l));
  for (const [index, line] of [...lines.entries(), ...edges.map((l) => [0, l] as const)]) {
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
    if (index === 0) {
      const name = nameLine(line);
      if (name !== null) found.add(name);
    }
  }
  return [...found];
}
