/**
 * A class list as teachers have one: a plain CSV, a Canvas gradebook export or a Moodle grading
 * worksheet, saved by whatever spreadsheet was at hand. The grading pipeline's own reader
 * (parseRoster) does the parsing; this adds what an export carries besides students.
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../shared/errors.ts';
import type { RosterView } from '../../shared/ipc/intake.ts';
import { gradebookKind } from '../grading/gradebook-fill.ts';
import { decodeRosterBytes, parseRoster, type RosterEntry } from '../grading/privacy/index.ts';
import { RosterIndex } from './roster-index.ts';

export interface ClassList {
  fileName: string;
  format: RosterView['format'];
  entries: RosterEntry[];
  index: RosterIndex;
}

/** Two Chinese characters in a row: a name, where a misread Western byte pair gives one at most. */
const HAN_PAIR = /\p{Script=Han}{2}/u;

/** In GBK, non-ASCII bytes come in pairs; a Windows-1252 "ü" or "é" stands alone between letters. */
function highBytesInPairs(bytes: Uint8Array): boolean {
  let run = 0;
  for (const byte of bytes) {
    if (byte >= 0x80) run += 1;
    else if (run % 2 === 1) return false;
    else run = 0;
  }
  return run % 2 === 0;
}

/**
 * The text of a class list. Excel on a Chinese Windows saves "CSV" as GBK (GB18030): read as
 * Windows-1252 (decodeRosterBytes' fallback for non-UTF-8), every name would be mojibake. A file
 * that is not UTF-8, is valid GB18030 with its high bytes in pairs, and then holds Chinese names
 * is read that way; the rest as before.
 */
export function decodeClassList(bytes: Uint8Array): string {
  const hasBom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (!hasBom) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      try {
        const gb = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
        if (highBytesInPairs(bytes) && HAN_PAIR.test(gb)) return gb;
      } catch {
        // not GB18030 either: Windows-1252 below
      }
    }
  }
  return decodeRosterBytes(bytes);
}

function headerOf(text: string): string[] {
  try {
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const delimiter = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0] ?? ',';
    const [header] = parse(firstLine, { delimiter, relax_column_count: true, relax_quotes: true }) as string[][];
    return (header ?? []).map((cell) => cell.trim());
  } catch {
    return [];
  }
}

/** Rows of an LMS export that are not students: Canvas's "Points Possible" and its test student. */
const NOT_A_STUDENT = /^(points possible|test student|student, test)$/i;

/** ROSTER_INVALID, naming the row, when the file is not a class list GradeDesk can read. */
export function readClassList(fileName: string, bytes: Uint8Array): ClassList {
  const text = decodeClassList(bytes);
  const parsed = parseRoster(text);
  if (!parsed.ok) throw new AppError(parsed.error.code, parsed.error.message);
  const format = gradebookKind(headerOf(text)) ?? 'plain';
  const entries = parsed.data.filter((entry) => !NOT_A_STUDENT.test(entry.name.trim()));
  if (entries.length === 0) throw new AppError('ROSTER_INVALID', 'The class list has a header row but no students.');
  return { fileName, format, entries, index: new RosterIndex(entries) };
}

export function rosterView(list: ClassList): RosterView {
  return {
    fileName: list.fileName,
    format: list.format,
    students: list.entries.map((entry) => ({ name: entry.name, studentId: entry.studentId })),
  };
}
