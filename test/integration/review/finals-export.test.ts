import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { gradingRecords } from '../../../electron/grading/records.ts';
import { createReviewHandlers } from '../../../electron/review/handlers.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { BatchReportSchema } from '../../../shared/ipc/grading.ts';
import { gradeClass, writeTwoModelConfig } from './graded-batch.ts';

/** Exports and the batch report take the teacher's grade where there is one, and say what is still unreviewed. */
describe('finals in the report and the exports', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let app: GradeDeskApp;
  let batchId: string;

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    dir = mkdtempSync(join(tmpdir(), 'gd-review-export-'));
    app = await createApp({ configPath: writeTwoModelConfig(dir, sim.baseUrl), dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }) });
    batchId = await gradeClass(app, dir);
    // Ben's grade reviewed and changed (accepted); Chen's changed but only saved as a draft.
    const review = createReviewHandlers({ db: app.db, who: () => 'teacher' }).handlers;
    const records = gradingRecords(app.db);
    const idOf = (student: string): number => {
      const row = app.db.prepare('SELECT id FROM submissions WHERE batch_id = ? AND student = ?').get(batchId, student) as { id: number } | undefined;
      if (!row) throw new Error(`no ${student}`);
      return row.id;
    };
    for (const [student, accept] of [['Ben Carter', true], ['Chen Wei', false]] as const) {
      const id = idOf(student);
      const view = await review.getSubmissionReview({ submissionId: id });
      const criteria = (view.consensus?.criteria ?? []).map((c) => ({ criterionId: c.criterionId, points: c.criterionId === 'thesis' ? 4 : c.points, sourceModelId: null }));
      await review.saveReview({ submissionId: id, basedOn: 0, criteria, feedback: `Teacher's words for ${student}.`, adjustment: null, accept });
    }
    expect(records.report(batchId)).not.toBeNull();
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the final score, criteria and feedback, with the models\' score beside it and reviewed true or false', () => {
    const report = gradingRecords(app.db).report(batchId);
    if (!report) throw new Error('no report');
    expect(BatchReportSchema.parse(report)).toEqual(report);
    const by = (student: string) => report.submissions.find((s) => s.student === student);
    const ben = by('Ben Carter');
    expect(ben?.reviewed).toBe(true);
    expect(ben?.criteria?.find((c) => c.id === 'thesis')?.points).toBe(4);
    expect(ben?.score).toBe(ben?.criteria?.reduce((sum, c) => sum + c.points, 0));
    expect(ben?.ai_score).toBe(4);
    expect(ben?.score).toBe(6);
    expect(ben?.feedback).toBe("Teacher's words for Ben Carter.");
    const chen = by('Chen Wei');
    expect([chen?.reviewed, chen?.feedback, chen?.criteria?.find((c) => c.id === 'thesis')?.points]).toEqual([false, "Teacher's words for Chen Wei.", 4]);
    const ana = by('Ana Lopez');
    expect([ana?.reviewed, ana?.ai_score, ana?.feedback]).toEqual([false, undefined, undefined]);

    const history = gradingRecords(app.db).history().batches.find((b) => b.batch_id === batchId);
    expect(history?.reviewed).toBe(1);
  });

  it('exports the final in the CSV, with a reviewed column, and lists who is still unreviewed', () => {
    const { text, unreviewed } = gradingRecords(app.db).exportBatch(batchId, 'csv');
    const [header, ...rows] = parse(text.replace(/^\uFEFF/, '')) as string[][];
    expect(header?.slice(-7)).toEqual(['reviewed', 'ai_score', 'teacher_feedback', 'thesis_feedback', 'evidence_feedback', 'organization_feedback', 'conventions_feedback']);
    const col = (name: string): number => header?.indexOf(name) ?? -1;
    const row = (student: string) => rows.find((r) => r[col('student')] === student) ?? [];
    expect([row('Ben Carter')[col('score')], row('Ben Carter')[col('thesis')], row('Ben Carter')[col('reviewed')], row('Ben Carter')[col('ai_score')]]).toEqual(['6', '4', 'yes', '4']);
    expect(row('Ben Carter')[col('teacher_feedback')]).toBe("Teacher's words for Ben Carter.");
    expect(row('Ana Lopez')[col('reviewed')]).toBe('no');
    expect(unreviewed.sort()).toEqual(['Ana Lopez', 'Chen Wei', 'Dana Smith', 'Eli Moss']);
  });

  it('fills the Moodle worksheet with the teacher\'s score and feedback', () => {
    const worksheet = [
      'Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments',
      'Participant 11,Ben Carter,ben@example.edu,Submitted,,16,Yes,,,',
      'Participant 12,Ana Lopez,ana@example.edu,Submitted,,16,Yes,,,',
    ].join('\n');
    const { text } = gradingRecords(app.db).exportBatch(batchId, 'moodle', { text: worksheet });
    const rows = parse(text.replace(/^\uFEFF/, '')) as string[][];
    const ben = rows.find((r) => r[1] === 'Ben Carter');
    expect([ben?.[4], ben?.[9]]).toEqual(['6', "Teacher's words for Ben Carter."]);
    // Without a review the models' per-criterion feedback goes out, as before.
    expect(rows.find((r) => r[1] === 'Ana Lopez')?.[9]).toMatch(/^thesis: 4\/4 /);
  });
});
