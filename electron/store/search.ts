/**
 * Full-text search over submission text and student names (the submissions_fts index, kept in
 * step with submissions by triggers).
 */
import type { ReadableDB } from './db-types.ts';
import { sql } from './sql.ts';
import { queryAll } from './statements.ts';

export interface SubmissionHit {
  submissionId: number;
  batchId: string;
  file: string;
  student: string | null;
}

export interface SearchOptions {
  /** At most this many hits, best first; 1..500, default 50. */
  limit?: number;
  /** Only within one batch. */
  batchId?: string;
}

const MAX_TERMS = 16;
const MAX_TERM_LENGTH = 100;

/**
 * Turns what the teacher typed into an FTS5 query: every word must occur (as a prefix, so
 * "ana" finds "Anaïs"), and nothing typed is read as FTS syntax, so quotes, stars, AND/OR/NOT
 * or a stray parenthesis cannot break the query. Null when there is nothing to search for.
 */
export function toFtsQuery(text: string): string | null {
  const terms = text
    .split(/[\s"]+/u)
    .map((term) => term.slice(0, MAX_TERM_LENGTH))
    .filter((term) => /[\p{L}\p{N}]/u.test(term))
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term}"*`).join(' ');
}

/** Submissions whose text or student name matches every word of `text`, best match first. */
export function searchSubmissions(db: ReadableDB, text: string, options: SearchOptions = {}): SubmissionHit[] {
  const match = toFtsQuery(text);
  if (match === null) return [];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const inBatch = options.batchId !== undefined ? sql`AND s.batch_id = ${options.batchId}` : sql``;
  return queryAll<SubmissionHit>(
    db,
    sql`SELECT s.id AS submissionId, s.batch_id AS batchId, s.file AS file, s.student AS student
        FROM submissions_fts AS f
        JOIN submissions AS s ON s.id = f.rowid
        WHERE submissions_fts MATCH ${match} ${inBatch}
        ORDER BY f.rank
        LIMIT ${limit}`,
  );
}
