/**
 * Rubrics kept in a spreadsheet and saved as CSV: the same columns as the Markdown table
 * ({@link rubricFromTable}), the first row being the header. Comma, semicolon (European
 * Excel) and tab separators are recognised from the header row; a UTF-8 BOM is ignored.
 * Row numbers in errors are the spreadsheet's (header = row 1). A CSV has no place for a
 * title or instructions, so the title comes from the caller (the loader uses the file name).
 */
import { parse } from 'csv-parse/sync';
import { fail, type Result } from '../../../shared/errors.ts';
import type { Rubric } from './schema.ts';
import { rubricFromTable, type TableRow } from './table.ts';

export interface CsvRubricOptions {
  title?: string;
  instructions?: string;
}

/** The separator used most often in the first line, outside quotes. */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, unquoted.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0] !== undefined && counts[0][1] > 0 ? counts[0][0] : ',';
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** Reads CSV rows with their line numbers; a malformed file yields the parser's own location. */
export function readCsvRows(text: string): Result<{ line: number; cells: string[] }[]> {
  const source = text.replace(/^\uFEFF/, '');
  try {
    const records = parse(source, {
      delimiter: detectDelimiter(source),
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as CsvRecord[];
    return {
      ok: true,
      data: records
        .map((r) => ({ line: r.info.lines, cells: r.record.map((cell) => cell.trim()) }))
        .filter((r) => r.cells.some((cell) => cell !== '')),
    };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('RUBRIC_INVALID', `The CSV file could not be read: ${detail}`);
  }
}

export function parseRubricCsv(text: string, options: CsvRubricOptions = {}): Result<Rubric> {
  const rows = readCsvRows(text);
  if (!rows.ok) return rows;
  const [header, ...body] = rows.data;
  if (header === undefined) return fail('RUBRIC_INVALID', 'The CSV file is empty: it needs a header row and one row per criterion.');
  const tableRows: TableRow[] = body.map((row) => ({ where: `row ${row.line}`, cells: row.cells }));
  return rubricFromTable({
    title: options.title ?? 'Rubric',
    instructions: options.instructions ?? '',
    header: header.cells,
    rows: tableRows,
    headerWhere: `the header row (row ${header.line})`,
  });
}
