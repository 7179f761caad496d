/**
 * The history's store queries on a real database: the trigram index (Latin, Chinese, two-character
 * names), its triggers, the upgrade that fills it for rows already there, filters and paging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, MIGRATIONS, openDatabase, searchSubmissions, type WritableDB } from '../../../electron/store/index.ts';
import { historyBatches, historySubmissions, modelsInHistory, rubricsInHistory, type SubmissionQuery } from '../../../electron/store/history.ts';
import { searchCondition } from '../../../electron/store/search.ts';

let dir: string;
let db: WritableDB;

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

function seedBatch(id: string, rubric: string, at: number): void {
  db.prepare(`INSERT OR IGNORE INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES (?, ?, '{}', ?, 8, 0)`).run(rubric, `Rubric ${rubric}`, rubric);
  db.prepare(`INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, source) VALUES (?, ?, ?, 'completed', ?, '{}', 'cli')`).run(id, at, at, rubric);
}

function addWork(batchId: string, file: string, student: string | null, text: string, at: number, status = 'graded'): number {
  const r = db
    .prepare(`INSERT INTO submissions (batch_id, file, student, file_hash, kind, extracted_text, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'text', ?, ?, ?, ?)`)
    .run(batchId, file, student, `h-${batchId}-${file}`, text, status, at, at);
  return Number(r.lastInsertRowid);
}

function grade(submissionId: number, model: string, flags: string[] = []): void {
  db.prepare(`INSERT INTO gradings (submission_id, model_id, criteria_json, score, max_score, flags_json, created_at) VALUES (?, ?, '[]', 5, 8, ?, 0)`).run(submissionId, model, JSON.stringify(flags));
}

const query = (over: Partial<SubmissionQuery> = {}): SubmissionQuery => ({ batchId: null, status: null, review: 'all', from: null, to: null, rubricId: null, modelId: null, offset: 0, limit: 50, ...over });
const find = (text: string, scope: 'all' | 'student' | 'text' = 'all', over: Partial<SubmissionQuery> = {}): number[] =>
  historySubmissions(db, query(over), searchCondition(text, scope)).rows.map((r) => r.id).sort((a, b) => a - b);

function assertIndexInSync(): void {
  expect(() => db.prepare("INSERT INTO submissions_fts (submissions_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-history-'));
  db = openDatabase(join(dir, 'h.db'));
});
afterEach(() => {
  if (db.open) closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

describe('history search', () => {
  it('finds Latin and Chinese names and text, a two-character Chinese name too', () => {
    seedBatch('b_1', 'r1', T0);
    const ana = addWork('b_1', 'essays/ana.docx', 'Ana Pérez', 'Photosynthesis converts light into chemical energy.', T0);
    const wang = addWork('b_1', 'essays/王芳-作文.docx', '王芳', '光合作用是植物利用光能把二氧化碳和水合成有机物的过程。', T0);
    const zhang = addWork('b_1', 'essays/zwm.txt', '张伟明', '工业革命改变了世界的面貌。', T0);
    const li = addWork('b_1', 'essays/li.txt', 'Li Na', 'Volcanoes erupt when magma rises.', T0);
    expect(find('perez')).toEqual([ana]);
    expect(find('synthes')).toEqual([ana]);
    expect(find('王芳')).toEqual([wang]); // two characters: through the names' index
    expect(find('芳')).toEqual([wang]);
    expect(find('张伟明')).toEqual([zhang]);
    expect(find('光合作用')).toEqual([wang]);
    expect(find('工业革命', 'text')).toEqual([zhang]);
    expect(find('Li')).toEqual([li]);
    expect(find('li magma')).toEqual([li]); // a short word and a long one together
    expect(find('光合作用', 'student')).toEqual([]);
    expect(find('Ana', 'text')).toEqual([]);
    // A short word cannot be looked for in the text without reading every essay: refused, not scanned.
    expect(searchCondition('王芳', 'text').kind).toBe('textTooShort');
    // LIKE's wildcards typed by the teacher are plain characters.
    expect(find('_a')).toEqual([]);
    expect(find('%n')).toEqual([]);
    expect(find('a%')).toEqual([]);
    expect(searchSubmissions(db, '王芳').map((h) => h.submissionId)).toEqual([wang]);
  });

  it('keeps the index in step on insert, update and delete', () => {
    seedBatch('b_1', 'r1', T0);
    const id = addWork('b_1', 'a.txt', '陈静怡', '关于细胞的研究报告', T0);
    expect(find('陈静怡')).toEqual([id]);
    db.prepare('UPDATE submissions SET student = ?, extracted_text = ? WHERE id = ?').run('Chloe Martin', 'Ribosomes build proteins.', id);
    expect(find('陈静怡')).toEqual([]);
    expect(find('细胞的研究')).toEqual([]);
    expect(find('chloe')).toEqual([id]);
    expect(find('ribosom')).toEqual([id]);
    db.prepare('UPDATE submissions SET file = ? WHERE id = ?').run('renamed-王小明.txt', id);
    expect(find('王小明')).toEqual([id]);
    assertIndexInSync();
    db.prepare('DELETE FROM submissions WHERE id = ?').run(id);
    expect(find('chloe')).toEqual([]);
    assertIndexInSync();
  });

  it('fills the new index for rows recorded before the upgrade', () => {
    closeDatabase(db);
    const path = join(dir, 'old.db');
    const old = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 10) });
    old.prepare(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r1', 'R', '{}', 'h', 8, 0)`).run();
    old.prepare(`INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json) VALUES ('b_old', 0, 0, 'completed', 'r1', '{}')`).run();
    old.prepare(`INSERT INTO submissions (batch_id, file, student, file_hash, kind, extracted_text, created_at, updated_at) VALUES ('b_old', 'x.txt', '刘洋', 'h', 'text', '我的家乡在四川成都', 0, 0)`).run();
    closeDatabase(old);
    db = openDatabase(path);
    expect(find('刘洋')).toHaveLength(1);
    expect(find('四川成都')).toHaveLength(1);
    assertIndexInSync();
  });
});

describe('history filters and paging', () => {
  beforeEach(() => {
    seedBatch('b_old', 'r1', T0);
    seedBatch('b_new', 'r2', T0 + 10 * DAY);
    const a = addWork('b_old', 'a.txt', 'Ana', 'text one', T0);
    const b = addWork('b_old', 'b.txt', 'Ben', 'text two', T0, 'failed');
    const c = addWork('b_new', 'c.txt', 'Cleo', 'text three', T0 + 10 * DAY);
    const d = addWork('b_new', 'd.txt', 'Dev', 'text four', T0 + 10 * DAY, 'in_doubt');
    grade(a, 'fast');
    grade(c, 'smart', ['low_confidence']);
    grade(c, 'fast', ['name_redacted_in_image']);
    db.prepare(`INSERT INTO submission_reviews (submission_id, status, final_score, max_score, feedback, version, reviewed_by, updated_at) VALUES (?, 'accepted', 6, 8, '', 1, 't', 0)`).run(a);
    void b;
    void d;
  });

  const ids = (over: Partial<SubmissionQuery>): string[] => historySubmissions(db, query(over), { kind: 'none' }).rows.map((r) => r.file);

  it('filters work by date, rubric, model, status and review state', () => {
    expect(ids({})).toEqual(['d.txt', 'c.txt', 'b.txt', 'a.txt']); // newest first
    expect(ids({ batchId: 'b_new' })).toEqual(['c.txt', 'd.txt']); // in a batch: as added
    expect(ids({ from: T0 + DAY })).toEqual(['d.txt', 'c.txt']);
    expect(ids({ to: T0 + DAY })).toEqual(['b.txt', 'a.txt']);
    expect(ids({ rubricId: 'r1' })).toEqual(['b.txt', 'a.txt']);
    expect(ids({ modelId: 'smart' })).toEqual(['c.txt']);
    expect(ids({ status: 'failed' })).toEqual(['b.txt']);
    expect(ids({ review: 'reviewed' })).toEqual(['a.txt']);
    expect(ids({ review: 'unreviewed' })).toEqual(['d.txt', 'c.txt']);
    // Flagged: a grading's signal or work in doubt; a name painted over is not a reason to look.
    expect(ids({ review: 'flagged' })).toEqual(['d.txt', 'c.txt']);
    db.prepare(`UPDATE gradings SET flags_json = '[]' WHERE model_id = 'smart'`).run();
    expect(ids({ review: 'flagged' })).toEqual(['d.txt']);
  });

  it('finds work flagged at report time: models more than one level apart, a compared model that failed', () => {
    const levels = [{ points: 4 }, { points: 2 }, { points: 0 }];
    db.prepare(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r3', 'Levels', ?, 'r3', 8, 0)`).run(
      JSON.stringify({ criteria: [{ id: 'thesis', levels }, { id: 'evidence', levels }] }),
    );
    db.prepare(`INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, source) VALUES ('b_cmp', ?, ?, 'completed', 'r3', '{}', 'app')`).run(T0, T0);
    const graded = (file: string, a: [number, number], b: [number, number]): number => {
      const id = addWork('b_cmp', file, null, `text of ${file}`, T0);
      for (const [model, [thesis, evidence]] of [['m1', a], ['m2', b]] as const) {
        const criteria = JSON.stringify([{ id: 'thesis', points: thesis }, { id: 'evidence', points: evidence }]);
        db.prepare(`INSERT INTO gradings (submission_id, model_id, criteria_json, score, max_score, flags_json, created_at) VALUES (?, ?, ?, ?, 8, '[]', 0)`).run(id, model, criteria, thesis + evidence);
      }
      return id;
    };
    graded('agree.txt', [4, 2], [2, 2]);
    graded('apart.txt', [4, 2], [0, 2]);
    const failed = addWork('b_cmp', 'one-failed.txt', null, 'text', T0);
    grade(failed, 'm1');
    db.prepare(`INSERT INTO jobs (batch_id, submission_id, model_id, status, idempotency_key, created_at, updated_at) VALUES ('b_cmp', ?, 'm2', 'failed', 'k-failed', 0, 0)`).run(failed);
    expect(ids({ batchId: 'b_cmp', review: 'flagged' }).sort()).toEqual(['apart.txt', 'one-failed.txt']);
  });

  it('filters batches, pages with hasMore, and offers the rubrics and models in the history', () => {
    const batches = (over: object) => historyBatches(db, { from: null, to: null, rubricId: null, modelId: null, status: null, offset: 0, limit: 50, ...over });
    expect(batches({}).rows.map((b) => b.id)).toEqual(['b_new', 'b_old']);
    expect(batches({ modelId: 'smart' }).rows.map((b) => b.id)).toEqual(['b_new']);
    expect(batches({ rubricId: 'r1' }).rows.map((b) => b.id)).toEqual(['b_old']);
    expect(batches({ from: T0 + DAY }).rows.map((b) => b.id)).toEqual(['b_new']);
    expect(batches({ status: 'partial' }).rows).toEqual([]);
    expect(batches({ limit: 1 })).toMatchObject({ hasMore: true, rows: [{ id: 'b_new', submissions: 2, graded: 1, failed: 0 }] });
    expect(batches({ limit: 1, offset: 1 })).toMatchObject({ hasMore: false, rows: [{ id: 'b_old', submissions: 2, graded: 1, failed: 1 }] });
    const first = historySubmissions(db, query({ limit: 3 }), { kind: 'none' });
    const second = historySubmissions(db, query({ limit: 3, offset: 3 }), { kind: 'none' });
    expect([first.hasMore, second.hasMore]).toEqual([true, false]);
    expect([...first.rows, ...second.rows].map((r) => r.file)).toEqual(['d.txt', 'c.txt', 'b.txt', 'a.txt']);
    expect(modelsInHistory(db, 10)).toEqual(['fast', 'smart']);
    expect(modelsInHistory(db, 1)).toEqual(['fast']);
    expect(rubricsInHistory(db, 10).map((r) => r.id)).toEqual(['r1', 'r2']);
  });
});
