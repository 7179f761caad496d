/**
 * The table shape shared by the Markdown and CSV rubric formats:
 *
 *   Criterion | Description | 4                    | 2                     | 0
 *   Thesis    | States…     | Excellent: Clear…    | Developing: Vague…    | Missing: No claim.
 *
 * - A `Criterion` (or `Name`) column is required; `Description` and `Id` are optional.
 * - Every other column is a level: its header is the points (`4`, `4 pts`, `4 points`) and may
 *   carry a default label (`Excellent (4)` or `4 - Excellent`).
 * - A cell is the level's description; `Label: description` or `**Label** description` sets
 *   the label (when the part before the colon is at most 4 words and 40 characters without a
 *   sentence mark). Without one the label is the header's, else "4 points".
 * - `-`, `—` or `n/a` in a cell means the criterion has no such level; an empty cell is an
 *   error, because a forgotten description would silently shrink the scale.
 * - Without an `Id` column, ids are made from the names (`Use of evidence` → `use_of_evidence`).
 *
 * Errors name the row as the teacher sees it (the caller says how: "row 3", "line 12").
 */
import { fail, type Result } from '../../../shared/errors.ts';
import { parseRubric } from './parse.ts';
import type { Rubric } from './schema.ts';

export interface TableRow {
  /** How the teacher finds this row, e.g. `row 3` or `row 2 (line 9)`. */
  where: string;
  cells: string[];
}

export interface RubricTable {
  title: string;
  instructions: string;
  header: string[];
  rows: TableRow[];
  /** How the teacher finds the header, e.g. `the header row`. */
  headerWhere: string;
}

type Column =
  | { kind: 'id' }
  | { kind: 'name' }
  | { kind: 'description' }
  | { kind: 'level'; points: number; label: string | null }
  | { kind: 'ignored' };

const ID_HEADERS = new Set(['id', 'criterion id', 'criterion_id', 'key', '编号']);
const NAME_HEADERS = new Set(['criterion', 'criteria', 'name', 'criterion name', 'category', 'dimension', '标准', '评分项', '项目', '维度']);
const DESCRIPTION_HEADERS = new Set(['description', 'details', 'descriptor', 'what it means', '描述', '说明']);
/** Cells that mean "this criterion has no level worth these points". */
const ABSENT = new Set(['-', '—', '–', 'n/a', 'na', '/', '无']);

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const UNIT = String.raw`(?:\s*(?:pts?|points?|marks?|分))?`;
const POINTS_ONLY = new RegExp(`^${NUMBER}${UNIT}$`, 'i');
const LABEL_THEN_POINTS = new RegExp(`^(.+?)\\s*[(（\\[]\\s*${NUMBER}${UNIT}\\s*[)）\\]]$`, 'i');
const POINTS_THEN_LABEL = new RegExp(`^${NUMBER}${UNIT}\\s*[-–—:：]\\s*(.+)$`, 'i');

const toNumber = (text: string): number => Number(text.replace(',', '.'));

function classify(header: string): Column | null {
  const h = header.normalize('NFKC').trim().replace(/\s+/g, ' ');
  const lower = h.toLowerCase();
  if (lower === '') return null;
  if (ID_HEADERS.has(lower)) return { kind: 'id' };
  if (NAME_HEADERS.has(lower)) return { kind: 'name' };
  if (DESCRIPTION_HEADERS.has(lower)) return { kind: 'description' };
  let m = POINTS_ONLY.exec(h);
  if (m?.[1] !== undefined) return { kind: 'level', points: toNumber(m[1]), label: null };
  m = LABEL_THEN_POINTS.exec(h);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'level', points: toNumber(m[2]), label: m[1].trim() };
  m = POINTS_THEN_LABEL.exec(h);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'level', points: toNumber(m[1]), label: m[2].trim() };
  return null;
}

const BOLD_LABEL = /^\*\*(.+?)\*\*\s*[:：\-–—]?\s*([\s\S]+)$/;
const COLON_LABEL = /^([^:：\n]{1,40}?)\s*[:：]\s*([\s\S]+)$/;

/** Splits `Label: description`; a long or sentence-like prefix stays part of the description. */
export function splitLabel(cell: string): { label: string | null; description: string } {
  const bold = BOLD_LABEL.exec(cell);
  if (bold?.[1] !== undefined && bold[2] !== undefined) return { label: bold[1].trim(), description: bold[2].trim() };
  const colon = COLON_LABEL.exec(cell);
  if (colon?.[1] !== undefined && colon[2] !== undefined) {
    const head = colon[1].trim();
    const words = head.split(/\s+/).length;
    if (words <= 4 && !/[.,;!?。，；！？]/.test(head) && !/^https?$/i.test(head)) {
      return { label: head, description: colon[2].trim() };
    }
  }
  return { label: null, description: cell.trim() };
}

/** `Use of evidence` → `use_of_evidence`; names without Latin letters get `criterion_<n>`. */
export function slugify(name: string, index: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
    .replace(/_+$/, '');
  return slug === '' ? `criterion_${index + 1}` : slug;
}

const quote = (s: string) => `"${s.length > 40 ? `${s.slice(0, 40)}…` : s}"`;

export function rubricFromTable(table: RubricTable): Result<Rubric> {
  const columns: Column[] = [];
  for (const [index, header] of table.header.entries()) {
    const column = classify(header);
    if (column === null) {
      if (header.trim() === '' && table.rows.every((row) => (row.cells[index] ?? '').trim() === '')) {
        columns.push({ kind: 'ignored' });
        continue;
      }
      return fail(
        'RUBRIC_INVALID',
        `In ${table.headerWhere}, column ${index + 1} ${quote(header)} is neither Criterion, Description, Id nor a level. ` +
          'Level columns need the points as their header, e.g. "4", "4 pts" or "Excellent (4)".',
      );
    }
    columns.push(column);
  }
  const count = (kind: Column['kind']) => columns.filter((c) => c.kind === kind).length;
  if (count('name') !== 1) {
    return fail('RUBRIC_INVALID', `${capital(table.headerWhere)} needs exactly one "Criterion" column (found ${count('name')}).`);
  }
  if (count('id') > 1 || count('description') > 1) {
    return fail('RUBRIC_INVALID', `${capital(table.headerWhere)} has more than one "Id" or "Description" column.`);
  }
  const levelColumns = columns.flatMap((c, index) => (c.kind === 'level' ? [{ ...c, index }] : []));
  if (levelColumns.length < 2) {
    return fail('RUBRIC_INVALID', `${capital(table.headerWhere)} needs at least two level columns, headed by their points (e.g. "4", "2", "0").`);
  }
  const seenPoints = new Set<number>();
  for (const level of levelColumns) {
    if (seenPoints.has(level.points)) {
      return fail('RUBRIC_INVALID', `${capital(table.headerWhere)} has two level columns worth ${level.points} points.`);
    }
    seenPoints.add(level.points);
  }
  if (table.rows.length === 0) return fail('RUBRIC_INVALID', 'The rubric table has a header but no criteria rows.');

  const nameAt = columns.findIndex((c) => c.kind === 'name');
  const idAt = columns.findIndex((c) => c.kind === 'id');
  const descriptionAt = columns.findIndex((c) => c.kind === 'description');
  const usedIds = new Set<string>();
  const criteria: unknown[] = [];
  for (const [rowIndex, row] of table.rows.entries()) {
    const cell = (index: number) => (index < 0 ? '' : (row.cells[index] ?? '').trim());
    const name = cell(nameAt);
    if (name === '') return fail('RUBRIC_INVALID', `${capital(row.where)}: the criterion has no name.`);
    const where = `${capital(row.where)} (${quote(name)})`;
    if (row.cells.length > columns.length && row.cells.slice(columns.length).some((c) => c.trim() !== '')) {
      return fail('RUBRIC_INVALID', `${where}: has more cells than the header has columns.`);
    }
    let id = cell(idAt);
    if (id === '') {
      const base = slugify(name, rowIndex);
      id = base;
      for (let n = 2; usedIds.has(id); n += 1) id = `${base}_${n}`;
    }
    usedIds.add(id);
    const levels: { points: number; label: string; description: string }[] = [];
    for (const column of levelColumns) {
      const text = cell(column.index);
      if (text === '') {
        return fail(
          'RUBRIC_INVALID',
          `${where}: level ${column.points} has no description. Write one, or "-" if this criterion has no ${column.points}-point level.`,
        );
      }
      if (ABSENT.has(text.toLowerCase())) continue;
      const { label, description } = splitLabel(text);
      levels.push({ points: column.points, label: label ?? column.label ?? `${column.points} points`, description });
    }
    if (levels.length < 2) {
      return fail('RUBRIC_INVALID', `${where}: needs at least two levels with a description; it has ${levels.length}.`);
    }
    criteria.push({ id, name, description: cell(descriptionAt), levels });
  }
  const parsed = parseRubric({ title: table.title, instructions: table.instructions, criteria });
  if (parsed.ok) return parsed;
  // Map `criteria[i]` in the generic message back to the row the teacher sees.
  const message = parsed.error.message.replace(/criteria\[(\d+)\]/g, (whole, index: string) => table.rows[Number(index)]?.where ?? whole);
  return fail('RUBRIC_INVALID', message);
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
