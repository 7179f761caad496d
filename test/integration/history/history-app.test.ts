/**
 * The history routes of the app on one database with a batch graded by the `gradedesk` command
 * and one by the app, against the provider simulator: both listed, names found in either
 * script, a batch's work with the AI's and the teacher's grades, and a re-grade with another
 * model that asks the provider once per submission and leaves the old batch as it was.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { AppError } from '../../../shared/errors.ts';
import { writeCompareConfig } from '../compare/helpers.ts';
import { tempDir } from '../cli/helpers.ts';
import { gradeInApp, gradeWithCli, runEnded } from './helpers.ts';

describe('history of the app and the command, one database', () => {
  let sim: SimulatorHandle;
  let app: GradeDeskApp;
  let dir: string;
  let cliBatch: string;
  let appBatch: string;

  beforeAll(async () => {
    dir = tempDir();
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    const configPath = writeCompareConfig(dir, sim.baseUrl);
    const dbPath = join(dir, 'gd.db');
    cliBatch = await gradeWithCli(dir, configPath, dbPath);
    app = await createApp({ configPath, dbPath, demo: false, mode: 'browser', secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }) });
    appBatch = await gradeInApp(app, dir);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });

  const search = (text: string, scope: 'all' | 'student' | 'text' = 'all') =>
    app.handlers.listHistorySubmissions({ text, scope, batchId: null, status: null, review: 'all', from: null, to: null, rubricId: null, modelId: null, offset: 0, limit: 50 });

  it('lists the batch graded with the command and the one graded in the app', async () => {
    const page = await app.handlers.listHistoryBatches({ status: null, from: null, to: null, rubricId: null, modelId: null, offset: 0, limit: 50 });
    expect(page.hasMore).toBe(false);
    expect(page.rows.map((b) => [b.batchId, b.source, b.submissions, b.graded])).toEqual([
      [appBatch, 'app', 2, 2],
      [cliBatch, 'cli', 3, 3],
    ]);
    expect(page.rows[1]?.models).toEqual(['fast']);
    expect(page.rows[1]?.totalCostUsd).toBeGreaterThan(0);
    const options = await app.handlers.historyFilterOptions({});
    expect(options.models).toEqual(['fast']);
    expect(options.available).toEqual(['fast', 'smart']);
    expect(options.rubrics).toHaveLength(1);
  });

  it('finds students by Latin and Chinese names, and words of the text, with a piece of the text', async () => {
    expect((await search('okafor')).rows.map((r) => r.student)).toEqual(['Ben Okafor']);
    expect((await search('perez')).rows.map((r) => r.student)).toEqual(['Ana Pérez']);
    expect((await search('王芳')).rows.map((r) => [r.student, r.batchId])).toEqual([['王芳', cliBatch]]);
    expect((await search('张伟明')).rows.map((r) => [r.student, r.batchId])).toEqual([['张伟明', appBatch]]);
    const text = await search('工业革命', 'text');
    expect(text.rows.map((r) => r.student)).toEqual(['张伟明']);
    expect(text.rows[0]?.excerpt?.[1]).toBe('工业革命');
    const latin = await search('bread prices');
    expect(latin.rows[0]?.excerpt?.join('')).toContain('bread prices');
    expect(await search('王芳', 'text')).toEqual({ rows: [], hasMore: false, textTooShort: true });
    const row = (await search('Chloe')).rows[0];
    expect(row).toMatchObject({ status: 'graded', review: 'unreviewed', finalScore: null, models: ['fast'] });
    expect(row?.aiScore).toEqual(expect.any(Number));
  });

  it('shows a reviewed submission with the teacher’s final beside the AI’s suggestion', async () => {
    const [wang] = (await search('王芳')).rows;
    if (!wang) throw new Error('no row');
    const before = await app.handlers.getSubmissionReview({ submissionId: wang.submissionId });
    const criteria = (before.consensus?.criteria ?? []).map((c) => ({ criterionId: c.criterionId, points: 0, sourceModelId: null }));
    await app.handlers.saveReview({ submissionId: wang.submissionId, basedOn: 0, criteria, feedback: '写得好，但论证不足。', adjustment: null, accept: true });
    const reviewed = await app.handlers.listHistorySubmissions({ text: '', scope: 'all', batchId: cliBatch, status: null, review: 'reviewed', from: null, to: null, rubricId: null, modelId: null, offset: 0, limit: 50 });
    expect(reviewed.rows.map((r) => [r.student, r.review, r.finalScore])).toEqual([['王芳', 'reviewed', 0]]);
    expect(reviewed.rows[0]?.aiScore).toBe(before.consensus?.score);
    expect((await app.handlers.getHistoryBatch({ batchId: cliBatch })).reviewed).toBe(1);
  });

  it('re-grades one submission, then a whole batch, with another model: one request per submission, the old batch untouched', async () => {
    const oldGradings = app.db.prepare('SELECT COUNT(*) AS n FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE s.batch_id = ?').get(cliBatch);
    const [ben] = (await search('okafor')).rows;
    if (!ben) throw new Error('no row');
    sim.reset();
    const one = await app.handlers.regradeWithModel({ batchId: cliBatch, submissionIds: [ben.submissionId], modelId: 'smart' });
    expect(one.submissions).toBe(1);
    expect(await runEnded(app, one.batchId)).toBe('completed');
    expect(sim.requests()).toHaveLength(1);
    expect(sim.requests()[0]?.model).toBe('sim/smart');
    // Resumed again: nothing left to send.
    await app.handlers.resumeBatch({ batchId: one.batchId });
    expect(await runEnded(app, one.batchId)).toBe('completed');
    expect(sim.requests()).toHaveLength(1);

    const whole = await app.handlers.regradeWithModel({ batchId: cliBatch, submissionIds: null, modelId: 'smart' });
    expect(await runEnded(app, whole.batchId)).toBe('completed');
    expect(sim.requests()).toHaveLength(1 + 3);
    const batch = await app.handlers.getHistoryBatch({ batchId: whole.batchId });
    expect(batch).toMatchObject({ regradeOf: cliBatch, source: 'app', submissions: 3, graded: 3, models: ['smart'] });
    // The old batch and the teacher's review are as they were.
    expect(app.db.prepare('SELECT COUNT(*) AS n FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE s.batch_id = ?').get(cliBatch)).toEqual(oldGradings);
    expect((await app.handlers.getHistoryBatch({ batchId: cliBatch })).models).toEqual(['fast']);
    // The re-graded work is found by name in its new batch too.
    expect((await search('王芳')).rows.map((r) => r.batchId)).toEqual([whole.batchId, cliBatch]);
    const filtered = await app.handlers.listHistoryBatches({ status: null, from: null, to: null, rubricId: null, modelId: 'smart', offset: 0, limit: 50 });
    expect(filtered.rows.map((b) => b.batchId)).toEqual([whole.batchId, one.batchId]);
  }, 60_000);

  it('refuses a model that is not set up, and a batch that is not there', async () => {
    await expect(app.handlers.regradeWithModel({ batchId: cliBatch, submissionIds: null, modelId: 'nope' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(app.handlers.regradeWithModel({ batchId: 'b_missing', submissionIds: null, modelId: 'smart' })).rejects.toBeInstanceOf(AppError);
    await expect(app.handlers.regradeWithModel({ batchId: cliBatch, submissionIds: [999_999], modelId: 'smart' })).rejects.toMatchObject({ code: 'NOTHING_TO_REGRADE' });
  });
});
