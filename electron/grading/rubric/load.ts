/**
 * Loading a rubric file picked by the teacher or named by `--rubric`: JSON (DESIGN §5),
 * Markdown table (`.md`, `.markdown`) or CSV (`.csv`, `.tsv`), chosen by extension.
 * Files over 1 MB are refused before reading: no real rubric is that large, and reading a
 * mistaken pick (a video, a database) would only produce a confusing parse error.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fail, type Result } from '../../../shared/errors.ts';
import { parseRubricCsv } from './csv.ts';
import { parseRubricMarkdown } from './markdown.ts';
import { parseRubric } from './parse.ts';
import type { Rubric } from './schema.ts';

export const MAX_RUBRIC_FILE_BYTES = 1_000_000;

export type RubricFormat = 'json' | 'markdown' | 'csv';

export function rubricFormatOf(path: string): RubricFormat | null {
  switch (extname(path).toLowerCase()) {
    case '.json':
      return 'json';
    case '.md':
    case '.markdown':
      return 'markdown';
    case '.csv':
    case '.tsv':
      return 'csv';
    default:
      return null;
  }
}

/** Parses rubric text in a known format; `name` (a file name) supplies a title where the format has none. */
export function parseRubricText(text: string, format: RubricFormat, name = 'Rubric'): Result<Rubric> {
  const title = name.replace(/\.[^.]+$/, '').replace(/[_]+/g, ' ').trim() || 'Rubric';
  switch (format) {
    case 'json':
      return parseRubric(text);
    case 'markdown':
      return parseRubricMarkdown(text, { defaultTitle: title });
    case 'csv':
      return parseRubricCsv(text, { title });
  }
}

export async function loadRubricFile(path: string): Promise<Result<Rubric>> {
  const format = rubricFormatOf(path);
  if (format === null) {
    return fail('RUBRIC_INVALID', `"${basename(path)}" is not a rubric file: use a .json, .md or .csv file.`);
  }
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return fail('FILE_NOT_FOUND', `The rubric file "${path}" was not found.`);
  }
  if (size > MAX_RUBRIC_FILE_BYTES) {
    return fail('RUBRIC_INVALID', `"${basename(path)}" is ${Math.round(size / 1000)} kB; a rubric file is at most 1 MB. Is it the right file?`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('RUBRIC_INVALID', `The rubric file "${basename(path)}" could not be read (${detail}).`);
  }
  const result = parseRubricText(text, format, basename(path));
  if (result.ok) return result;
  return fail(result.error.code, `${basename(path)}: ${result.error.message}`);
}
