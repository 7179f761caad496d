/**
 * Full-text search over student names, file names and submission text: the submissions_fts
 * index (trigram tokenizer, migration 11), kept in step with submissions by triggers, so work
 * graded by the app and by the `gradedesk` command is found alike.
 *
 * Trigrams find any piece of three or more characters in any script (王芳作文, "photosynth",
 * "perez" for Pérez). Shorter pieces cannot be looked up in a trigram index; a piece of one or
 * two characters (a two-character Chinese name such as 王芳, or "Li") is matched with LIKE
 * against names and file names only, through a covering index of those short columns, so it
 * never reads the texts. A short piece that must be found in the text is refused instead of
 * scanning every essay (`textTooShort`): the screen asks for a third character.
 */
import type { ReadableDB } from './db-types.ts';
import { sql, sqlJoin, type SqlFragment } from './sql.ts';
import { queryAll } from './statements.ts';

export interface SubmissionHit {
  submissionId: number;
  batchId: string;
  file: string;
  student: string | null;
}

export interface SearchOptions {
  /** At most this many hits, newest first; 1..500, default 50. */
  limit?: number;
  /** Only within one batch. */
  batchId?: string;
}

/** Where the words are looked for: names (student and file name), the text, or both. */
export type SearchScope = 'all' | 'student' | 'text';

const MAX_TERMS = 16;
const MAX_TERM_LENGTH = 100;
/** The trigram tokenizer's unit: a shorter piece matches nothing in the index. */
const TRIGRAM = 3;

/** The words of what the teacher typed: split on spaces and quotes, each with a letter or digit. */
function termsOf(text: string): string[] {
  return text
    .split(/[\s"]+/u)
    .map((term) => [...term].slice(0, MAX_TERM_LENGTH).join(''))
    .filter((term) => /[\p{L}\p{N}]/u.test(term))
    .slice(0, MAX_TERMS);
}

/**
 * Turns what the teacher typed into an FTS5 query: every word must occur, and nothing typed is
 * read as FTS syntax, so quotes, stars, AND/OR/NOT or a stray parenthesis cannot break the
 * query. Null when there is nothing to search for.
 */
export function toFtsQuery(text: string): string | null {
  const terms = termsOf(text);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term}"*`).join(' ');
}

/** A LIKE pattern that matches `term` anywhere, with LIKE's own wildcards taken literally. */
const containing = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type SearchCondition =
  | { kind: 'none' }
  | { kind: 'textTooShort' }
  /**
   * A condition on `s` (the submissions table's alias) that every match meets; `match` (the FTS
   * query of the long words, if any) and `names` (the short words' condition) apart, for a query
   * that reads the index itself in rowid order (see store/history.ts).
   */
  | { kind: 'where'; where: SqlFragment; match: string | null; names: SqlFragment | null };

/**
 * The condition on `submissions AS s` for what the teacher typed, in the scope chosen: words of
 * three or more characters through the trigram index, shorter ones through the name index.
 */
export function searchCondition(text: string, scope: SearchScope = 'all'): SearchCondition {
  const terms = termsOf(text);
  if (terms.length === 0) return { kind: 'none' };
  const long = terms.filter((t) => [...t].length >= TRIGRAM);
  const short = terms.filter((t) => [...t].length < TRIGRAM);
  if (short.length > 0 && scope === 'text') return { kind: 'textTooShort' };
  let match: string | null = null;
  let names: SqlFragment | null = null;
  const parts: SqlFragment[] = [];
  if (long.length > 0) {
    const words = long.map((term) => `"${term}"`).join(' ');
    match = scope === 'all' ? words : scope === 'student' ? `{student file} : (${words})` : `{extracted_text} : (${words})`;
    parts.push(sql`s.id IN (SELECT rowid FROM submissions_fts WHERE submissions_fts MATCH ${match})`);
  }
  if (short.length > 0) {
    const likes = short.map((term) => sql`(n.student LIKE ${containing(term)} ESCAPE '\\' OR n.file LIKE ${containing(term)} ESCAPE '\\')`);
    // INDEXED BY: the scan reads the names' index (a few bytes a row), never the rows with their texts.
    names = sql`s.id IN (SELECT n.id FROM submissions AS n INDEXED BY submissions_student_file WHERE ${sqlJoin(likes, sql` AND `)})`;
    parts.push(names);
  }
  return { kind: 'where', where: sqlJoin(parts, sql` AND `), match, names };
}

/** Submissions whose text, student or file name holds every word of `text`, newest first. */
export function searchSubmissions(db: ReadableDB, text: string, options: SearchOptions = {}): SubmissionHit[] {
  const condition = searchCondition(text);
  if (condition.kind !== 'where') return [];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const inBatch = options.batchId !== undefined ? sql`AND s.batch_id = ${options.batchId}` : sql``;
  return queryAll<SubmissionHit>(
    db,
    sql`SELECT s.id AS submissionId, s.batch_id AS batchId, s.file AS file, s.student AS student
        FROM submissions AS s
        WHERE ${condition.where} ${inBatch}
        ORDER BY s.id DESC
        LIMIT ${limit}`,
  );
}
