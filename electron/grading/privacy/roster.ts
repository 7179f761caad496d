/**
 * The class roster of `--roster` (DESIGN §6): a CSV with a header row, a `name` column and
 * optional `student_id` and `email` columns. Exports from school systems vary, so a few
 * header spellings are accepted (`Student Name`, `ID`, `E-mail`, `姓名`, `学号`…) and a
 * `first_name` + `last_name` pair is joined when there is no `name` column. Errors name the
 * spreadsheet row (header = row 1).
 */
import { parse } from 'csv-parse/sync';
import { fail, ok, type Result } from '../../../shared/errors.ts';

export interface RosterEntry {
  name: string;
  studentId: string | null;
  email: string | null;
  /** Spreadsheet row, for messages. */
  row: number;
}

export const MAX_ROSTER_ROWS = 5000;
const MAX_NAME_LENGTH = 200;

type Field = 'name' | 'student_id' | 'email' | 'first_name' | 'last_name';

const HEADER_ALIASES: Record<string, Field> = {
  name: 'name',
  student_name: 'name',
  full_name: 'name',
  student: 'name',
  姓名: 'name',
  student_id: 'student_id',
  studentid: 'student_id',
  id: 'student_id',
  sis_id: 'student_id',
  sis_user_id: 'student_id',
  student_number: 'student_id',
  学号: 'student_id',
  email: 'email',
  e_mail: 'email',
  email_address: 'email',
  邮箱: 'email',
  first_name: 'first_name',
  given_name: 'first_name',
  firstname: 'first_name',
  last_name: 'last_name',
  family_name: 'last_name',
  surname: 'last_name',
  lastname: 'last_name',
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const normalizeHeader = (header: string): string =>
  header
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');

function delimiterOf(firstLine: string): string {
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const best = [',', ';', '\t']
    .map((d) => [d, unquoted.split(d).length - 1] as const)
    .sort((a, b) => b[1] - a[1])[0];
  return best !== undefined && best[1] > 0 ? best[0] : ',';
}

/**
 * A class list file's text. Spreadsheets save CSV as UTF-8, UTF-16 (with a byte-order mark) or,
 * Excel's plain "CSV" on Windows, Windows-1252: read as UTF-8, that last one would turn "José"
 * into "Jos\uFFFD", a name that then matches nothing in the essays and is sent as written.
 */
export function decodeRosterBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export function parseRoster(csvText: string): Result<RosterEntry[]> {
  const text = csvText.replace(/^\uFEFF/, '');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: delimiterOf(text.split(/\r?\n/, 1)[0] ?? ''),
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('ROSTER_INVALID', `The roster CSV could not be read: ${detail}`);
  }
  records = records.filter((r) => r.record.some((cell) => cell.trim() !== ''));
  const [header, ...rows] = records;
  if (header === undefined) return fail('ROSTER_INVALID', 'The roster is empty: it needs a header row with a "name" column and one row per student.');
  if (rows.length > MAX_ROSTER_ROWS) return fail('ROSTER_INVALID', `The roster has ${rows.length} students; at most ${MAX_ROSTER_ROWS} are supported.`);

  const columns = new Map<Field, number>();
  for (const [index, cell] of header.record.entries()) {
    const normalized = normalizeHeader(cell);
    const field = HEADER_ALIASES[normalized];
    // Canvas exports carry its internal "ID" before the "SIS User ID" the school (and the
    // student, on a paper) uses: that one wins.
    if (field !== undefined && (!columns.has(field) || normalized === 'sis_user_id')) columns.set(field, index);
  }
  const hasSplitName = columns.has('first_name') && columns.has('last_name');
  if (!columns.has('name') && !hasSplitName) {
    const found = header.record.map((h) => `"${h.trim()}"`).join(', ');
    return fail('ROSTER_INVALID', `The roster's header row (row ${header.info.lines}) needs a "name" column; it has ${found}.`);
  }
  const cell = (record: string[], field: Field): string => {
    const index = columns.get(field);
    return index === undefined ? '' : (record[index] ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
  };

  const entries: RosterEntry[] = [];
  const idRows = new Map<string, number>();
  for (const { record, info } of rows) {
    const row = info.lines;
    const name = columns.has('name') ? cell(record, 'name') : `${cell(record, 'first_name')} ${cell(record, 'last_name')}`.trim();
    if (name === '') return fail('ROSTER_INVALID', `Roster row ${row}: the name is empty.`);
    if (name.length > MAX_NAME_LENGTH) return fail('ROSTER_INVALID', `Roster row ${row}: the name is longer than ${MAX_NAME_LENGTH} characters.`);
    const studentId = cell(record, 'student_id') || null;
    const email = cell(record, 'email') || null;
    if (email !== null && !EMAIL.test(email)) {
      return fail('ROSTER_INVALID', `Roster row ${row}: "${email}" is not an email address.`);
    }
    if (studentId !== null) {
      const earlier = idRows.get(studentId.toLowerCase());
      if (earlier !== undefined) {
        return fail('ROSTER_INVALID', `Roster rows ${earlier} and ${row} have the same student_id "${studentId}".`);
      }
      idRows.set(studentId.toLowerCase(), row);
    }
    entries.push({ name, studentId, email, row });
  }
  if (entries.length === 0) return fail('ROSTER_INVALID', 'The roster has a header row but no students.');
  return ok(entries);
}
