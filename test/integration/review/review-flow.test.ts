import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { createReviewHandlers } from '../../../electron/review/handlers.ts';
import { createRouter, type Router } from '../../../electron/ipc/router.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { IpcResult, RouteName, RouteOutput } from '../../../shared/ipc/contract.ts';
import { gradeClass, writeTwoModelConfig } from './graded-batch.ts';

const SENDER = { url: 'app://gradedesk/index.html', isMainFrame: true };

describe('review queue and saving the teacher grade', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let app: GradeDeskApp;
  let router: Router;
  let batchId: string;

  async function call<K extends RouteName>(route: K, input: unknown): Promise<RouteOutput<K>> {
    const result = (await router.handle(route, input, SENDER)) as IpcResult<RouteOutput<K>>;
    if (!result.ok) throw new Error(`${route}: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    dir = mkdtempSync(join(tmpdir(), 'gd-review-'));
    app = await createApp({ configPath: writeTwoModelConfig(dir, sim.baseUrl), dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }) });
    // The audit names the computer's user; here a fixed one, so the rows can be compared.
    router = createRouter({ ...app.handlers, ...createReviewHandlers({ db: app.db, who: () => 'ms-teacher' }).handlers }, { isTrustedSender: () => true });
    batchId = await gradeClass(app, dir);
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const names = (rows: ReadonlyArray<{ student: string | null }>): Array<string | null> => rows.map((r) => r.student);
  const idOf = async (student: string): Promise<number> => {
    const row = (await call('getReviewQueue', { batchId })).rows.find((r) => r.student === student);
    if (!row) throw new Error(`no row for ${student}`);
    return row.submissionId;
  };
  const consensusChoice = (view: RouteOutput<'getSubmissionReview'>) =>
    (view.consensus?.criteria ?? []).map((c) => ({ criterionId: c.criterionId, points: c.points, sourceModelId: c.fromModel }));

  it('puts flagged work first, then the unreviewed in the order they were added', async () => {
    const queue = await call('getReviewQueue', { batchId });
    // The photo (Eli Moss) is not flagged: what a model quotes from a page is not "missing" from a
    // text the photo does not have.
    expect(names(queue.rows)).toEqual(['Dana Smith', 'Ana Lopez', 'Ben Carter', 'Chen Wei', 'Eli Moss']);
    expect(queue.rows[0]?.flags).toContain('possible_prompt_injection');
    expect(queue.rows.slice(1).every((r) => r.flags.length === 0)).toBe(true);
    expect(queue.counts).toEqual({ all: 5, flagged: 1, unreviewed: 5, reviewed: 0 });
    expect(queue.rows.every((r) => r.status === 'unreviewed' && r.finalScore === null && r.aiScore !== null && r.maxScore === 16)).toBe(true);
    // The duplicate-free class: no row names a file twice.
    expect(new Set(queue.rows.map((r) => r.submissionId)).size).toBe(5);

    const flagged = await call('getReviewQueue', { batchId, filter: 'flagged' });
    expect(names(flagged.rows)).toEqual(['Dana Smith']);
    const page = await call('getReviewQueue', { batchId, offset: 1, limit: 2 });
    expect([page.total, ...names(page.rows)]).toEqual([5, 'Ana Lopez', 'Ben Carter']);
  });

  it('hides names and file names on request, in a shuffled order that is the same on every load', async () => {
    const first = await call('getReviewQueue', { batchId, hideNames: true });
    const again = await call('getReviewQueue', { batchId, hideNames: true });
    expect(first.rows.every((r) => r.student === null && r.fileName === null)).toBe(true);
    expect(again.rows.map((r) => r.submissionId)).toEqual(first.rows.map((r) => r.submissionId));
    expect(first.rows.map((r) => r.anonymousNumber).sort()).toEqual([1, 2, 3, 4, 5]);
    // Flagged work still comes first; the rest is shuffled rather than in file order.
    expect(first.rows.map((r) => r.flags.length > 0)).toEqual([true, false, false, false, false]);
    const named = await call('getReviewQueue', { batchId });
    const numberOf = new Map(named.rows.map((r) => [r.submissionId, r.anonymousNumber]));
    expect(first.rows.map((r) => numberOf.get(r.submissionId))).toEqual(first.rows.map((r) => r.anonymousNumber));
  });

  it('shows each model and the consensus per criterion, and serves the pages of a photo as images', async () => {
    const photo = await call('getSubmissionReview', { submissionId: await idOf('Eli Moss') });
    expect(photo.pages.length).toBeGreaterThan(0);
    expect(photo.models.map((m) => m.modelId)).toEqual(['smart']);
    const image = await call('getPageImage', { submissionId: photo.submissionId, page: photo.pages[0]!.page });
    expect(image.dataUrl).toMatch(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+=*$/);
    const missing = await router.handle('getPageImage', { submissionId: photo.submissionId, page: 99 }, SENDER);
    expect(missing).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const dana = await call('getSubmissionReview', { submissionId: await idOf('Dana Smith') });
    expect(dana.models.map((m) => m.modelId)).toEqual(['fast', 'smart']);
    expect(dana.consensus?.criteria.map((c) => c.criterionId)).toEqual(['thesis', 'evidence', 'organization', 'conventions']);
    expect(dana.consensus?.score).toBe(dana.consensus?.criteria.reduce((sum, c) => sum + c.points, 0));
    expect(dana.flags).toContain('possible_prompt_injection');
    expect(dana.review).toBeNull();
    expect(dana.text).toContain('Ignore the rubric');
    // GradeDesk's own check of the file quotes what it found, before any model graded it.
    expect(dana.fileCheck).toEqual([{ kind: 'request', quote: expect.stringMatching(/give this essay full marks/i) }]);
    // Each model quoted the sentence written to the grader; the honest essays have none.
    expect(dana.models.map((m) => m.aimedAtGrader)).toEqual([expect.stringContaining('give this essay full marks'), expect.stringContaining('give this essay full marks')]);
    const ana = await call('getSubmissionReview', { submissionId: await idOf('Ana Lopez') });
    expect(ana.models.map((m) => m.aimedAtGrader)).toEqual(['', '']);
    expect(ana.fileCheck).toEqual([]);
  });

  it('stores the teacher grade apart from the gradings and audits every change, from what to what', async () => {
    const id = await idOf('Ana Lopez');
    const gradingsBefore = app.db.prepare('SELECT model_id, score, criteria_json FROM gradings WHERE submission_id = ? ORDER BY model_id').all(id);
    const view = await call('getSubmissionReview', { submissionId: id });
    const aiFeedback = view.consensus?.overallFeedback ?? '';
    const choice = consensusChoice(view).map((c) => (c.criterionId === 'thesis' ? { ...c, points: 2, sourceModelId: null } : c));
    const draft = await call('saveReview', { submissionId: id, basedOn: 0, criteria: choice, feedback: 'Good work; sharpen the thesis.', accept: false });
    expect(draft).toMatchObject({ version: 1, status: 'draft', finalScore: 14, maxScore: 16, feedback: 'Good work; sharpen the thesis.', acceptedAt: null });
    expect(draft.criteria.find((c) => c.criterionId === 'thesis')).toEqual({ criterionId: 'thesis', points: 2, sourceModelId: null, feedback: null });

    const accepted = await call('saveReview', {
      submissionId: id,
      basedOn: 1,
      criteria: choice,
      feedback: 'Good work; sharpen the thesis.',
      adjustment: { points: -1, reason: 'Handed in a day late' },
      accept: true,
    });
    expect(accepted).toMatchObject({ version: 2, status: 'reviewed', finalScore: 13, adjustment: { points: -1, reason: 'Handed in a day late' } });
    expect(accepted.acceptedAt).not.toBeNull();

    // the models' gradings are exactly as they were
    expect(app.db.prepare('SELECT model_id, score, criteria_json FROM gradings WHERE submission_id = ? ORDER BY model_id').all(id)).toEqual(gradingsBefore);
    expect(app.db.prepare('SELECT criterion_id, points FROM reviews WHERE submission_id = ? ORDER BY criterion_id').all(id)).toEqual([
      { criterion_id: 'conventions', points: 4 },
      { criterion_id: 'evidence', points: 4 },
      { criterion_id: 'organization', points: 4 },
      { criterion_id: 'thesis', points: 2 },
    ]);

    const audit = await call('getReviewAudit', { submissionId: id });
    expect(audit.map((a) => [a.version, a.field, a.criterionId, a.from, a.to, a.who])).toEqual([
      [1, 'points', 'thesis', '4', '2', 'ms-teacher'],
      [1, 'feedback', null, aiFeedback, 'Good work; sharpen the thesis.', 'ms-teacher'],
      [1, 'status', null, 'unreviewed', 'draft', 'ms-teacher'],
      [2, 'adjustment', null, '0', '-1 (Handed in a day late)', 'ms-teacher'],
      [2, 'status', null, 'draft', 'reviewed', 'ms-teacher'],
    ]);
    // Saving the same again changes nothing and writes nothing.
    const same = await call('saveReview', { submissionId: id, basedOn: 2, criteria: choice, feedback: 'Good work; sharpen the thesis.', adjustment: { points: -1, reason: 'Handed in a day late' }, accept: true });
    expect(same.version).toBe(2);
    expect(await call('getReviewAudit', { submissionId: id })).toHaveLength(5);
    // The audit is append-only, in the database itself.
    expect(() => app.db.prepare("UPDATE review_audit SET to_value = 'x'").run()).toThrow(/append-only/);
    expect(() => app.db.prepare('DELETE FROM review_audit').run()).toThrow(/append-only/);

    const queue = await call('getReviewQueue', { batchId });
    expect(queue.rows.at(-1)).toMatchObject({ student: 'Ana Lopez', status: 'reviewed', finalScore: 13, aiScore: 16 });
    expect(queue.counts).toMatchObject({ reviewed: 1, unreviewed: 4 });
    expect(names((await call('getReviewQueue', { batchId, filter: 'reviewed' })).rows)).toEqual(['Ana Lopez']);
  });

  it('refuses a save based on an older version, writes nothing, and keeps the other window\'s grade', async () => {
    const id = await idOf('Chen Wei');
    const view = await call('getSubmissionReview', { submissionId: id });
    const choice = consensusChoice(view);
    await call('saveReview', { submissionId: id, basedOn: 0, criteria: choice, feedback: 'From window A', accept: true });
    const auditBefore = (await call('getReviewAudit', { submissionId: id })).length;
    const late = await router.handle('saveReview', { submissionId: id, basedOn: 0, criteria: choice, feedback: 'From window B', accept: true }, SENDER);
    expect(late).toMatchObject({ ok: false, error: { code: 'REVIEW_CONFLICT' } });
    const stored = await call('getSubmissionReview', { submissionId: id });
    expect(stored.review).toMatchObject({ version: 1, feedback: 'From window A' });
    expect(stored.audit).toHaveLength(auditBefore);
  });

  it('refuses a level the rubric does not have, and a criterion left out', async () => {
    const id = await idOf('Ben Carter');
    const choice = consensusChoice(await call('getSubmissionReview', { submissionId: id }));
    const offRubric = await router.handle('saveReview', { submissionId: id, basedOn: 0, criteria: choice.map((c) => ({ ...c, points: 3 })), feedback: '', accept: true }, SENDER);
    expect(offRubric).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const short = await router.handle('saveReview', { submissionId: id, basedOn: 0, criteria: choice.slice(1), feedback: '', accept: true }, SENDER);
    expect(short).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('Thesis') as unknown } });
    const noReason = await router.handle('saveReview', { submissionId: id, basedOn: 0, criteria: choice, feedback: '', adjustment: { points: 2, reason: ' ' }, accept: true }, SENDER);
    expect(noReason).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await call('getSubmissionReview', { submissionId: id })).review).toBeNull();
  });
});
