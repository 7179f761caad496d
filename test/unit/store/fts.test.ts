import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  closeDatabase,
  openDatabase,
  searchSubmissions,
  toFtsQuery,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { makeTempDir } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let db: WritableDB;

function addSubmission(batchId: string, file: string, student: string | null, text: string | null): number {
  const result = db
    .prepare(
      `INSERT INTO submissions (batch_id, file, student, file_hash, kind, extracted_text, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'text', ?, 0, 0)`,
    )
    .run(batchId, file, student, `hash-${file}`, text);
  return Number(result.lastInsertRowid);
}

/** FTS5's own check that the index matches the content table exactly. */
function assertIndexInSync(): void {
  expect(() =>
    db.prepare("INSERT INTO submissions_fts (submissions_fts, rank) VALUES ('integrity-check', 1)").run(),
  ).not.toThrow();
}

const ids = (hits: Array<{ submissionId: number }>): number[] => hits.map((h) => h.submissionId).sort((a, b) => a - b);

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(path.join(tmp.dir, 'fts.db'));
  db.prepare(
    `INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r1', 'Essay', '{}', 'h', 16, 0)`,
  ).run();
  for (const id of ['b_1', 'b_2']) {
    db.prepare(
      `INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json) VALUES (?, 0, 0, 'running', 'r1', '{}')`,
    ).run(id);
  }
});

afterEach(() => {
  if (db.open) closeDatabase(db);
  tmp.cleanup();
});

describe('submission search', () => {
  it('finds a submission by a word of its text and by the student name', () => {
    const ana = addSubmission('b_1', 'essays/ana.docx', 'Ana Pérez', 'Photosynthesis converts light into chemical energy.');
    const ben = addSubmission('b_1', 'essays/ben.docx', 'Ben Okafor', 'The French Revolution began in 1789.');
    expect(ids(searchSubmissions(db, 'photosynthesis'))).toEqual([ana]);
    expect(ids(searchSubmissions(db, 'revolution'))).toEqual([ben]);
    expect(ids(searchSubmissions(db, 'Okafor'))).toEqual([ben]);
    expect(ids(searchSubmissions(db, 'perez'))).toEqual([ana]); // diacritics folded
    expect(ids(searchSubmissions(db, 'ana pér'))).toEqual([ana]); // every word, last as prefix
    expect(ids(searchSubmissions(db, 'ana revolution'))).toEqual([]); // all words must match
    expect(searchSubmissions(db, 'photosynthesis')[0]).toMatchObject({ file: 'essays/ana.docx', batchId: 'b_1' });
    assertIndexInSync();
  });

  it('stays in sync when the text or the name changes', () => {
    const id = addSubmission('b_1', 'a.txt', null, 'mitochondria');
    expect(ids(searchSubmissions(db, 'mitochondria'))).toEqual([id]);

    db.prepare("UPDATE submissions SET extracted_text = 'ribosome', student = 'Chloé Martin' WHERE id = ?").run(id);
    expect(searchSubmissions(db, 'mitochondria')).toEqual([]);
    expect(ids(searchSubmissions(db, 'ribosome'))).toEqual([id]);
    expect(ids(searchSubmissions(db, 'chloe'))).toEqual([id]);

    db.prepare("UPDATE submissions SET status = 'graded' WHERE id = ?").run(id); // no text change
    expect(ids(searchSubmissions(db, 'ribosome'))).toEqual([id]);

    db.prepare('UPDATE submissions SET extracted_text = NULL WHERE id = ?').run(id);
    expect(searchSubmissions(db, 'ribosome')).toEqual([]);
    expect(ids(searchSubmissions(db, 'martin'))).toEqual([id]);
    assertIndexInSync();
  });

  it('stays in sync when a submission or its whole batch is deleted', () => {
    const one = addSubmission('b_1', 'one.txt', 'Dana', 'glacier');
    const two = addSubmission('b_2', 'two.txt', 'Eli', 'glacier');
    expect(ids(searchSubmissions(db, 'glacier'))).toEqual([one, two]);

    db.prepare('DELETE FROM submissions WHERE id = ?').run(one);
    expect(ids(searchSubmissions(db, 'glacier'))).toEqual([two]);
    expect(searchSubmissions(db, 'dana')).toEqual([]);

    db.prepare("DELETE FROM batches WHERE id = 'b_2'").run(); // cascades to its submissions
    expect(searchSubmissions(db, 'glacier')).toEqual([]);
    assertIndexInSync();
  });

  it('can be limited to one batch', () => {
    const one = addSubmission('b_1', 'one.txt', 'Dana', 'volcano');
    addSubmission('b_2', 'two.txt', 'Eli', 'volcano');
    expect(ids(searchSubmissions(db, 'volcano', { batchId: 'b_1' }))).toEqual([one]);
  });

  it('reads typed text as words, never as FTS syntax', () => {
    addSubmission('b_1', 'x.txt', 'Fay', 'said "hello" (twice) AND left');
    for (const hostile of ['"', 'hello"', '(twice', 'AND', 'NOT hello', '*', 'col:hello', "'; DROP TABLE submissions; --", '']) {
      expect(() => searchSubmissions(db, hostile)).not.toThrow();
    }
    expect(searchSubmissions(db, '(twice)')).toHaveLength(1);
    expect(toFtsQuery('   ')).toBeNull();
    expect(toFtsQuery('a "b" c*')).toBe('"a"* "b"* "c*"*');
  });
});
