/**
 * Parsing the JSON rubric of DESIGN §5 into a validated {@link Rubric}. Errors name the place
 * in the file the way a teacher would look for it ("criteria[2] "Evidence", levels[1].points")
 * and never throw: a rubric arrives from a file picker, so a bad one is an ordinary event.
 */
import type { z } from 'zod';
import { fail, ok, type Result } from '../../../shared/errors.ts';
import { RubricSchema, type Rubric } from './schema.ts';

/** At most this many problems are listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

/** Accepts the parsed JSON value or the JSON text itself. */
export function parseRubric(json: unknown): Result<Rubric> {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json.replace(/^\uFEFF/, ''));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return fail('RUBRIC_INVALID', `The rubric is not valid JSON (${detail}). Check for a missing comma or quote.`);
    }
  }
  const parsed = RubricSchema.safeParse(value);
  if (!parsed.success) return fail('RUBRIC_INVALID', describeIssues(parsed.error, value));
  return ok(parsed.data);
}

/** One readable sentence per problem, each starting with where it is. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  const lines = error.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${placeOf(issue.path, input)}: ${messageOf(issue)}`);
  const more = error.issues.length - MAX_LISTED_ISSUES;
  if (more > 0) lines.push(`…and ${more} more problem${more === 1 ? '' : 's'}`);
  return `The rubric has ${error.issues.length === 1 ? 'a problem' : 'problems'}: ${lines.join('; ')}.`;
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is missing';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/** `criteria[1] ("Thesis").levels[0].points`: the criterion's name helps find it in a long file. */
function placeOf(path: ReadonlyArray<PropertyKey>, input: unknown): string {
  if (path.length === 0) return 'the rubric';
  let out = '';
  let node: unknown = input;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number' && out.startsWith('criteria[') && !out.includes('.levels')) {
      const name = node !== null && typeof node === 'object' ? (node as Record<string, unknown>).name : undefined;
      if (typeof name === 'string' && name.trim() !== '') out += ` ("${name.trim().slice(0, 60)}")`;
    }
  }
  return out;
}
