/**
 * The rubric library in SQLite (migration 008). A saved rubric is an entry with numbered
 * versions; each version is its own `rubrics` row, never changed, so a batch keeps the exact
 * rubric it was graded with after the teacher edits it. The id handed to the renderer is a
 * version's `rubrics.id`: what the teacher previewed is what gets graded.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import type { RubricSummary } from '../../shared/ipc/rubrics.ts';
import { maxScore } from '../grading/rubric/points.ts';
import { RubricSchema, type Rubric } from '../grading/rubric/schema.ts';
import { rubricVersion } from '../grading/rubric/version.ts';
import { queryAll, queryOne, sql, type ReadableDB, type WritableDB } from '../store/index.ts';
import { execute } from '../store/statements.ts';
import type { SqlFragment } from '../store/sql.ts';

interface SummaryRow {
  id: string;
  title: string;
  criteria: number;
  max_points: number;
  version: number | null;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  in_library: number;
}

/**
 * Every rubric in `rubrics` with what the library knows of it. `last_used_at` matches batches
 * by content: the grading pipeline stores a batch's rubric by its hash, so a batch may point at
 * another row with the same text.
 */
const SUMMARY_SELECT = sql`
  SELECT r.id, r.title, json_array_length(r.rubric_json, '$.criteria') AS criteria, r.max_points,
    v.version, COALESCE(l.created_at, r.created_at) AS created_at, COALESCE(v.saved_at, r.created_at) AS updated_at,
    (SELECT MAX(b.created_at) FROM batches b JOIN rubrics br ON br.id = b.rubric_id
      WHERE br.content_hash IN (
        SELECT r2.content_hash FROM rubrics r2 WHERE r2.id = r.id
        UNION SELECT r3.content_hash FROM rubric_library_versions v3 JOIN rubrics r3 ON r3.id = v3.rubric_id
          WHERE v3.library_id = v.library_id)) AS last_used_at,
    (l.id IS NOT NULL AND l.deleted_at IS NULL) AS in_library
  FROM rubrics r
  LEFT JOIN rubric_library_versions v ON v.rubric_id = r.id
  LEFT JOIN rubric_library l ON l.id = v.library_id`;

/** The newest version of every listed entry. */
const CURRENT_VERSION = sql`v.version = (SELECT MAX(version) FROM rubric_library_versions WHERE library_id = v.library_id)`;

const iso = (ms: number): string => new Date(ms).toISOString();

function toSummary(row: SummaryRow): RubricSummary {
  return {
    id: row.id,
    title: row.title,
    criteria: row.criteria,
    maxPoints: row.max_points,
    version: row.version ?? 1,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
    inLibrary: row.in_library === 1,
  };
}

function summaryWhere(db: ReadableDB, where: SqlFragment): SummaryRow | undefined {
  return queryOne<SummaryRow>(db, sql`${SUMMARY_SELECT} WHERE ${where}`);
}

/** Saved rubrics, the one used or edited most recently first. */
export function listLibrary(db: ReadableDB, limit: number): RubricSummary[] {
  const rows = queryAll<SummaryRow>(
    db,
    sql`SELECT * FROM (${SUMMARY_SELECT} WHERE l.deleted_at IS NULL AND l.id IS NOT NULL AND ${CURRENT_VERSION})
        ORDER BY MAX(COALESCE(last_used_at, 0), updated_at) DESC, id LIMIT ${limit}`,
  );
  return rows.map(toSummary);
}

/** A rubric by id with its summary; null when no row has that id or its JSON no longer validates. */
export function findRubric(db: ReadableDB, id: string): { summary: RubricSummary; rubric: Rubric } | null {
  const row = summaryWhere(db, sql`r.id = ${id}`);
  const stored = queryOne<{ json: string }>(db, sql`SELECT rubric_json AS json FROM rubrics WHERE id = ${id}`);
  if (!row || !stored) return null;
  const parsed = RubricSchema.safeParse(JSON.parse(stored.json));
  return parsed.success ? { summary: toSummary(row), rubric: parsed.data } : null;
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

interface Entry {
  libraryId: string;
  currentId: string;
  currentHash: string;
  version: number;
}

function entryOf(db: ReadableDB, rubricId: string): Entry | null {
  const row = queryOne<{ library_id: string; current_id: string; current_hash: string; version: number }>(
    db,
    sql`SELECT v.library_id, cur.rubric_id AS current_id, r.content_hash AS current_hash, cur.version
        FROM rubric_library_versions v
        JOIN rubric_library_versions cur ON cur.library_id = v.library_id
          AND cur.version = (SELECT MAX(version) FROM rubric_library_versions WHERE library_id = v.library_id)
        JOIN rubrics r ON r.id = cur.rubric_id
        WHERE v.rubric_id = ${rubricId}`,
  );
  return row ? { libraryId: row.library_id, currentId: row.current_id, currentHash: row.current_hash, version: row.version } : null;
}

function insertVersion(db: WritableDB, rubric: Rubric, hash: string, libraryId: string, version: number, now: number): string {
  const id = newId('r');
  execute(
    db,
    sql`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at)
        VALUES (${id}, ${rubric.title}, ${JSON.stringify(rubric)}, ${hash}, ${maxScore(rubric)}, ${now})`,
  );
  execute(
    db,
    sql`INSERT INTO rubric_library_versions (rubric_id, library_id, version, saved_at) VALUES (${id}, ${libraryId}, ${version}, ${now})`,
  );
  return id;
}

/**
 * Saves `rubric` (already validated) as a new entry, or as the next version of the entry that
 * `replaces` belongs to. Saving what the newest version already holds adds nothing. A rubric
 * only batches know (graded from the command line) becomes a new entry. Returns the id to grade with.
 */
export function saveToLibrary(db: WritableDB, rubric: Rubric, replaces: string | null, now: number): string {
  const hash = rubricVersion(rubric);
  return db.transaction(() => {
    if (replaces !== null && !queryOne(db, sql`SELECT 1 FROM rubrics WHERE id = ${replaces}`)) {
      throw new AppError('RUBRIC_NOT_FOUND', 'The rubric being edited is no longer saved; save it as a new rubric.');
    }
    const entry = replaces === null ? null : entryOf(db, replaces);
    if (entry === null) {
      const libraryId = newId('rl');
      execute(db, sql`INSERT INTO rubric_library (id, created_at, updated_at) VALUES (${libraryId}, ${now}, ${now})`);
      return insertVersion(db, rubric, hash, libraryId, 1, now);
    }
    // Saving restores an entry removed meanwhile (in another window): the teacher just chose to keep it.
    execute(db, sql`UPDATE rubric_library SET updated_at = ${now}, deleted_at = NULL WHERE id = ${entry.libraryId}`);
    if (entry.currentHash === hash) return entry.currentId;
    return insertVersion(db, rubric, hash, entry.libraryId, entry.version + 1, now);
  })();
}

/** Hides the entry `rubricId` belongs to; false when it is not in the library. */
export function removeFromLibrary(db: WritableDB, rubricId: string, now: number): boolean {
  const entry = entryOf(db, rubricId);
  if (entry === null) return false;
  return execute(db, sql`UPDATE rubric_library SET deleted_at = ${now} WHERE id = ${entry.libraryId} AND deleted_at IS NULL`) > 0;
}
