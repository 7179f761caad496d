/**
 * Rubrics written as a Markdown table, the way teachers already keep them in notes apps:
 *
 *   # Argumentative essay, grade 10          ← title (first `#` heading; else the file name)
 *
 *   Write an essay that argues for or against… ← instructions (all prose outside the table)
 *
 *   | Criterion | Description         | 4                      | 2                   | 0              |
 *   |-----------|---------------------|------------------------|---------------------|----------------|
 *   | Thesis    | States a clear claim| Excellent: Specific…   | Developing: Vague…  | Missing: None. |
 *
 * Column and cell rules are those of {@link rubricFromTable}. `<br>` in a cell is a line break
 * and `\|` a literal pipe. Exactly one table is allowed: criteria spread over two tables are
 * more often a mistake than a plan.
 */
import { fail, type Result } from '../../../shared/errors.ts';
import type { Rubric } from './schema.ts';
import { rubricFromTable, type TableRow } from './table.ts';

const SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Cells of one table line: outer pipes dropped, `\|` kept as a pipe, `<br>` as a newline. */
export function splitTableLine(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i];
    if (ch === '\\' && body[i + 1] === '|') {
      current += '|';
      i += 1;
    } else if (ch === '|') {
      cells.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  cells.push(current);
  return cells.map((cell) => cell.replace(/<br\s*\/?>/gi, '\n').trim());
}

export interface MarkdownOptions {
  /** Title when the file has no `#` heading (the loader passes the file name). */
  defaultTitle?: string;
}

export function parseRubricMarkdown(markdown: string, options: MarkdownOptions = {}): Result<Rubric> {
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let title: string | null = null;
  const prose: string[] = [];
  const tables: { headerLine: number; header: string[]; rows: TableRow[] }[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    const next = lines[i + 1] ?? '';
    if (!inFence && line.includes('|') && SEPARATOR.test(next) && next.includes('-')) {
      const table = { headerLine: i + 1, header: splitTableLine(line), rows: [] as TableRow[] };
      let j = i + 2;
      for (; j < lines.length; j += 1) {
        const row = lines[j] ?? '';
        if (row.trim() === '' || !row.includes('|')) break;
        table.rows.push({ where: `row ${table.rows.length + 1} (line ${j + 1})`, cells: splitTableLine(row) });
      }
      tables.push(table);
      i = j - 1;
      continue;
    }
    const heading = /^\s*#\s+(.+?)\s*#*\s*$/.exec(line);
    if (!inFence && heading?.[1] !== undefined && title === null) {
      title = heading[1].trim();
      continue;
    }
    if (/^\s*#{1,6}\s/.test(line)) {
      // Sub-headings ("## Instructions") only structure the prose; keep their text as a line.
      prose.push(line.replace(/^\s*#{1,6}\s+/, '').trim());
      continue;
    }
    prose.push(line.trim());
  }
  if (tables.length === 0) {
    return fail(
      'RUBRIC_INVALID',
      'The Markdown file has no table. Write the rubric as a table with a "Criterion" column and one column per level, headed by its points (e.g. | Criterion | Description | 4 | 2 | 0 |).',
    );
  }
  if (tables.length > 1) {
    const at = tables.map((t) => `line ${t.headerLine}`).join(', ');
    return fail('RUBRIC_INVALID', `The Markdown file has ${tables.length} tables (${at}); put every criterion in one table.`);
  }
  const table = tables[0]!;
  const instructions = prose
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return rubricFromTable({
    title: title ?? options.defaultTitle ?? 'Rubric',
    instructions,
    header: table.header,
    rows: table.rows,
    headerWhere: `the table header (line ${table.headerLine})`,
  });
}
