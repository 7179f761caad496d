import { afterEach, describe, expect, it } from 'vitest';
import type { AppHost } from '../../../electron/app/app-host.ts';
import { openHost, tempDir } from './helpers.ts';

/** Every table that holds a student's data, counted for the student's submissions (see the migrations). */
function studentRows(host: AppHost, student: string): Record<string, number> {
  const db = host.current.db;
  const subs = `SELECT id FROM submissions WHERE student = @s OR student_id = @s`;
  const jobs = `SELECT id FROM jobs WHERE submission_id IN (${subs})`;
  const one = (query: string): number => (db.prepare(query).get({ s: student }) as { n: number }).n;
  return {
    submissions: one(`SELECT count(*) AS n FROM submissions WHERE student = @s OR student_id = @s`),
    submission_pages: one(`SELECT count(*) AS n FROM submission_pages WHERE submission_id IN (${subs})`),
    jobs: one(`SELECT count(*) AS n FROM (${jobs})`),
    gradings: one(`SELECT count(*) AS n FROM gradings WHERE submission_id IN (${subs})`),
    reviews: one(`SELECT count(*) AS n FROM reviews WHERE submission_id IN (${subs})`),
    submission_reviews: one(`SELECT count(*) AS n FROM submission_reviews WHERE submission_id IN (${subs})`),
    attempts: one(`SELECT count(*) AS n FROM api_calls WHERE job_id IN (${jobs})`),
    fts: one(`SELECT count(*) AS n FROM submissions_fts WHERE submissions_fts MATCH '"' || @s || '"'`),
  };
}

describe('retention: deleting a student or a batch', () => {
  let host: AppHost | null = null;
  let temp = tempDir('gd-retention-');
  afterEach(async () => {
    await host?.close();
    host = null;
    temp.remove();
    temp = tempDir('gd-retention-');
  });

  it("removes everything about a student: submissions, gradings, reviews, search entries, attempts, the review record", async () => {
    host = await openHost(temp.dbPath);
    await host.handlers.gradeDemoClass({});
    await host.handlers.gradeDemoClass({});
    const db = host.current.db;
    const chen = db.prepare(`SELECT id FROM submissions WHERE student = 'Chen Wei' LIMIT 1`).get() as { id: number };
    // A review and its audit line, as the review screen writes them.
    db.prepare(
      `INSERT INTO submission_reviews (submission_id, status, final_score, max_score, feedback, version, reviewed_by, updated_at)
       VALUES (?, 'accepted', 10, 16, 'Clear thesis.', 1, 'teacher', 0)`,
    ).run(chen.id);
    db.prepare(`INSERT INTO review_audit (submission_id, at, who, version, field, to_value) VALUES (?, 0, 'teacher', 1, 'feedback', 'Clear thesis.')`).run(chen.id);
    const before = studentRows(host, 'Chen Wei');
    expect(before).toMatchObject({ submissions: 2, gradings: 2, submission_reviews: 1, fts: 2 });
    expect(before.attempts).toBeGreaterThanOrEqual(2);
    const others = studentRows(host, 'Ana Lopez');

    const preview = await host.handlers.previewDeleteStudentData({ student: 'Chen Wei' });
    expect(preview).toEqual({ batches: 0, submissions: 2, gradings: 2, reviews: 1, attempts: before.attempts });
    expect(studentRows(host, 'Chen Wei')).toEqual(before);

    expect(await host.handlers.deleteStudentData({ student: 'Chen Wei' })).toMatchObject({ ...preview, olderCopies: 0 });
    expect(Object.values(studentRows(host, 'Chen Wei')).every((n) => n === 0)).toBe(true);
    expect((db.prepare('SELECT count(*) AS n FROM review_audit WHERE submission_id = ?').get(chen.id) as { n: number }).n).toBe(0);
    // Their words are not findable any more; the others' are untouched.
    expect((db.prepare(`SELECT count(*) AS n FROM submissions_fts WHERE submissions_fts MATCH 'remember'`).get() as { n: number }).n).toBe(0);
    expect(studentRows(host, 'Ana Lopez')).toEqual(others);
    // The review record stays append-only for everything else.
    db.prepare(`INSERT INTO review_audit (submission_id, at, who, version, field) VALUES (1, 0, 'teacher', 1, 'status')`).run();
    expect(() => db.prepare('DELETE FROM review_audit').run()).toThrow(/append-only/);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it('deletes a batch with its attempts, after a preview; an unknown batch is refused', async () => {
    host = await openHost(temp.dbPath);
    await host.handlers.gradeDemoClass({});
    await host.handlers.gradeDemoClass({});
    const [first, second] = (host.current.db.prepare('SELECT id FROM batches ORDER BY created_at').all() as Array<{ id: string }>).map((b) => b.id);
    const preview = await host.handlers.previewDeleteBatch({ batchId: first ?? '' });
    expect(preview).toMatchObject({ batches: 1, submissions: 5, gradings: 4 });
    expect(preview.attempts).toBeGreaterThanOrEqual(4);
    // A backup made before the deletion still holds the batch: the answer says so, and it can go now.
    const older = await host.handlers.createBackup({});
    const deleted = await host.handlers.deleteBatch({ batchId: first ?? '' });
    expect(deleted).toMatchObject({ ...preview, olderCopies: 1 });
    expect(Date.parse(deleted.at)).toBeGreaterThanOrEqual(Date.parse(older.createdAt));
    const later = await host.handlers.createBackup({});
    expect(await host.handlers.deleteCopiesBefore({ before: deleted.at })).toEqual({ backups: 1, setAside: 0 });
    expect((await host.handlers.listBackups({})).backups.map((b) => b.id)).toEqual([later.id]);
    const db = host.current.db;
    const left = (q: string): number => (db.prepare(q).get(first) as { n: number }).n;
    expect(left('SELECT count(*) AS n FROM batches WHERE id = ?')).toBe(0);
    expect(left('SELECT count(*) AS n FROM submissions WHERE batch_id = ?')).toBe(0);
    expect(left('SELECT count(*) AS n FROM jobs WHERE batch_id = ?')).toBe(0);
    expect(left('SELECT count(*) AS n FROM api_calls WHERE batch_id = ?')).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM submissions_fts').get() as { n: number }).n).toBe(5);
    expect(await host.handlers.listBatches({})).toHaveLength(1);
    expect((await host.handlers.listBatches({}))[0]).toMatchObject({ batchId: second });
    await expect(Promise.resolve().then(() => host?.handlers.deleteBatch({ batchId: first ?? '' }))).rejects.toMatchObject({
      code: 'BATCH_NOT_FOUND',
    });
  });
});
