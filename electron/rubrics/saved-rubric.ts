import { RubricSchema, type Rubric } from '../grading/rubric/schema.ts';
import { queryOne, sql, type ReadableDB } from '../store/index.ts';

/**
 * A rubric from the library by id, as grading takes it; null when there is none by that id or
 * its stored JSON no longer passes the rubric schema (so it is never sent half-valid).
 */
export function getSavedRubric(db: ReadableDB, id: string): Rubric | null {
  const row = queryOne<{ json: string }>(db, sql`SELECT rubric_json AS json FROM rubrics WHERE id = ${id}`);
  if (!row) return null;
  const parsed = RubricSchema.safeParse(JSON.parse(row.json));
  return parsed.success ? parsed.data : null;
}
