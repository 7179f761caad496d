/**
 * A rubric file the teacher picked, read as text in the renderer and parsed here with the same
 * parsers the command uses, so a file that imports in the app grades the same from the command.
 * Nothing is saved: the result opens in the editor.
 */
import { fail, ok, type Result } from '../../shared/errors.ts';
import type { RubricFormat } from '../../shared/ipc/rubrics.ts';
import { parseRubricText, rubricFormatOf } from '../grading/rubric/load.ts';
import { parseRubric } from '../grading/rubric/parse.ts';
import type { Rubric } from '../grading/rubric/schema.ts';

/**
 * The parsers name places as a file's structure does (`criteria[1] ("Thesis").levels[0].points`);
 * a teacher counts from one and reads "criterion 2 ("Thesis"), level 1, points".
 */
export function inTeachersWords(message: string): string {
  return message
    .replace(/\bcriteria\[(\d+)\]/g, (_whole, index: string) => `criterion ${Number(index) + 1}`)
    .replace(/\.levels\[(\d+)\]/g, (_whole, index: string) => `, level ${Number(index) + 1}`)
    .replace(/\.(points|label|description|name|id)\b/g, ', $1');
}

/** Parses a rubric file's text by its name's extension; errors name the file and the place. */
export function importRubricText(fileName: string, text: string): Result<{ rubric: Rubric; format: RubricFormat }> {
  const format = rubricFormatOf(fileName);
  if (format === null) {
    return fail('RUBRIC_INVALID', `"${fileName}" is not a rubric file: use a .json, .md or .csv file.`);
  }
  if (text.trim() === '') return fail('RUBRIC_INVALID', `"${fileName}" is empty.`);
  const parsed = parseRubricText(text, format, fileName);
  if (!parsed.ok) return fail(parsed.error.code, `${fileName}: ${inTeachersWords(parsed.error.message)}`);
  return ok({ rubric: parsed.data, format });
}

/** Validates a rubric from the editor with the grading schema; the error names criterion and level. */
export function validateRubric(value: unknown): Result<Rubric> {
  const parsed = parseRubric(value);
  return parsed.ok ? parsed : fail(parsed.error.code, inTeachersWords(parsed.error.message));
}
