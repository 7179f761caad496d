import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractDocument } from '../../../electron/grading/documents/index.ts';
import { estimateBatchCost, familyOfModel } from '../../../electron/grading/estimate/index.ts';
import { getSavedRubric } from '../../../electron/rubrics/saved-rubric.ts';
import { promptSettings } from '../../../electron/runs/settings-input.ts';
import { countJobs, getBatch, gradingsOfBatch, jobsOfBatch } from '../../../electron/store/index.ts';
import { pricesOf } from '../../../shared/config.ts';
import { RunSnapshotSchema } from '../../../shared/ipc/runs.ts';
import { lastProgress, startHarness, waitFor, type RunsHarness } from './harness.ts';

/**
 * Batches started from the app, on the real core, store and simulator: progress as it happens,
 * pause and cancel that let calls in flight finish, a sample first, resume after a close, and
 * the estimate the screen shows.
 */

let h: RunsHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A handler's answer as the router sees it: a throw becomes a rejection. */
const later = async <T>(call: () => T | Promise<T>): Promise<T> => call();
const requestsSince = (before: number): number => h.sim.requests().length - before;
const gradedCount = (batchId: string): number => h.updates.filter((u) => u.batchId === batchId && u.submission.state === 'graded').length;

describe('a batch started from the app', () => {
  it('answers its id at once, grades in the background, and announces every submission and the progress', async () => {
    const before = h.sim.requests().length;
    expect(h.runs.busy()).toBe(false);
    const { batchId } = await h.runs.handlers.startBatch(h.input(h.essays(6)));
    expect(batchId).toMatch(/^b_/);
    // While it grades, a change of configuration must wait (the app host asks this).
    expect(h.runs.busy()).toBe(true);
    await waitFor(() => lastProgress(h, batchId)?.state === 'completed', 'the batch to complete');
    await waitFor(() => !h.runs.busy(), 'the run to be let go');

    const snapshot = await h.runs.handlers.getRun({ batchId });
    expect(RunSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.state).toBe('completed');
    expect(snapshot.counts).toMatchObject({ total: 6, graded: 6, failed: 0, open: 0 });
    expect(snapshot.simulated).toBe(false);
    expect(snapshot.spentUsd).toBeGreaterThan(0);
    for (const s of snapshot.submissions) {
      expect(s.state).toBe('graded');
      expect(s.maxScore).toBe(16);
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.feedback.length).toBeGreaterThan(0);
      expect(s.student).toMatch(/^Student \d{3}$/);
      // Shown as dropped, never as the staging folder's path.
      expect(s.file).toMatch(/^Period 3\//);
    }
    // Each submission was announced as it was graded, with its score and feedback.
    const graded = h.updates.filter((u) => u.batchId === batchId && u.submission.state === 'graded');
    expect(new Set(graded.map((u) => u.submission.id)).size).toBe(6);
    expect(graded.every((u) => u.submission.score !== null && u.submission.feedback !== '')).toBe(true);
    expect(h.updates.some((u) => u.batchId === batchId && u.submission.state === 'grading')).toBe(true);
    // Progress counted up while running, with an ETA once there was a pace.
    const mine = h.progress.filter((p) => p.batchId === batchId);
    expect(mine[0]?.state).toBe('running');
    const running = mine.filter((p) => p.state === 'running');
    expect(running.map((p) => p.counts.graded)).toEqual([...running.map((p) => p.counts.graded)].sort((a, b) => a - b));
    expect(running.some((p) => p.etaSeconds !== null)).toBe(true);
    expect(requestsSince(before)).toBe(6);
  });

  it('pauses with the calls in flight finishing, then resumes without grading anything twice', async () => {
    const before = h.sim.requests().length;
    const { batchId } = await h.runs.handlers.startBatch(h.input(h.essays(14)));
    await waitFor(() => gradedCount(batchId) >= 2, 'two submissions graded');
    const pausing = await h.runs.handlers.pauseBatch({ batchId });
    expect(['pausing', 'paused']).toContain(pausing.state);
    await waitFor(() => lastProgress(h, batchId)?.state === 'paused', 'the pause to settle');

    const paused = await h.runs.handlers.getRun({ batchId });
    expect(paused.state).toBe('paused');
    expect(paused.counts.graded).toBeGreaterThanOrEqual(2);
    expect(paused.counts.graded).toBeLessThan(14);
    // Nothing was abandoned: every request that left was answered and stored.
    const jobs = countJobs(h.app.db, batchId);
    expect(jobs.running + jobs.in_doubt).toBe(0);
    expect(requestsSince(before)).toBe(jobs.done);
    expect((await h.runs.handlers.listResumable({})).find((r) => r.batchId === batchId)).toMatchObject({ reason: 'paused', graded: paused.counts.graded, total: 14 });
    await expect(later(() => h.runs.handlers.pauseBatch({ batchId }))).rejects.toMatchObject({ code: 'BATCH_NOT_RUNNING' });

    await h.runs.handlers.resumeBatch({ batchId });
    await waitFor(() => lastProgress(h, batchId)?.state === 'completed', 'the resumed batch to complete');
    expect(requestsSince(before)).toBe(14);
    expect(gradingsOfBatch(h.app.db, batchId)).toHaveLength(14);
    expect(getBatch(h.app.db, batchId)?.possibleDuplicates).toBe(0);
    expect((await h.runs.handlers.listResumable({})).map((r) => r.batchId)).not.toContain(batchId);
  });

  it('cancels: in-progress submissions finish, the rest is skipped and stays skipped', async () => {
    const before = h.sim.requests().length;
    const { batchId } = await h.runs.handlers.startBatch(h.input(h.essays(14)));
    await waitFor(() => gradedCount(batchId) >= 1, 'a submission graded');
    await h.runs.handlers.cancelBatch({ batchId });
    await waitFor(() => lastProgress(h, batchId)?.state === 'cancelled', 'the cancel to settle');

    const snapshot = await h.runs.handlers.getRun({ batchId });
    expect(snapshot.state).toBe('cancelled');
    expect(snapshot.counts.skipped).toBeGreaterThan(0);
    expect(snapshot.counts.graded + snapshot.counts.skipped).toBe(14);
    const jobs = jobsOfBatch(h.app.db, batchId);
    expect(jobs.filter((j) => j.status === 'cancelled')).toHaveLength(snapshot.counts.skipped);
    expect(jobs.filter((j) => ['queued', 'running', 'in_doubt'].includes(j.status))).toEqual([]);
    expect(requestsSince(before)).toBe(snapshot.counts.graded);
    expect(getBatch(h.app.db, batchId)?.status).toBe('partial');
    // Not offered for resume, and a while later still skipped: nothing picks them up.
    expect((await h.runs.handlers.listResumable({})).map((r) => r.batchId)).not.toContain(batchId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestsSince(before)).toBe(snapshot.counts.graded);
    expect(jobsOfBatch(h.app.db, batchId).filter((j) => j.status === 'cancelled')).toHaveLength(snapshot.counts.skipped);
  });

  it('grades a sample of N first, and resumeBatch grades the rest', async () => {
    const before = h.sim.requests().length;
    const { batchId } = await h.runs.handlers.startBatch(h.input(h.essays(9), { sampleSize: 3 }));
    await waitFor(() => lastProgress(h, batchId)?.state === 'sample_done', 'the sample to be graded');
    const sampled = await h.runs.handlers.getRun({ batchId });
    expect(sampled).toMatchObject({ state: 'sample_done', sampleSize: 3, counts: { graded: 3, open: 6 } });
    expect(requestsSince(before)).toBe(3);
    expect((await h.runs.handlers.listResumable({})).find((r) => r.batchId === batchId)?.reason).toBe('sample_done');

    await h.runs.handlers.resumeBatch({ batchId });
    await waitFor(() => lastProgress(h, batchId)?.state === 'completed', 'the rest to be graded');
    expect(requestsSince(before)).toBe(9);
    expect((await h.runs.handlers.getRun({ batchId })).counts).toMatchObject({ graded: 9, open: 0 });
  });

  it('estimates what the estimator says, per model and in total, with the budget and what happens to names', async () => {
    const items = h.essays(4);
    const input = h.input(items, { models: ['fast', 'smart'], compare: true, settings: { strictness: 'strict', tone: 'direct', feedbackLanguage: 'zh-CN', gradeLevel: 'Year 9' } });
    const estimate = await h.runs.handlers.estimateBatch(input);
    const rubric = getSavedRubric(h.app.db, h.rubricId);
    if (!rubric || !h.app.config) throw new Error('no rubric or config');
    const config = h.app.config;
    const docs = await Promise.all(items.map((id) => extractDocument({ path: `${h.dir}/staged/${id}` })));
    const expected = estimateBatchCost({
      submissions: docs.map((d) => (d.ok ? { text: d.data.text, imageCount: d.data.images.length } : { text: '', imageCount: 0 })),
      rubric,
      settings: promptSettings(input.settings),
      models: ['fast', 'smart'].map((id) => {
        const model = config.models[id];
        if (!model) throw new Error(`no model ${id}`);
        return { id, prices: pricesOf(model), family: familyOfModel(id, model) };
      }),
    });
    expect(estimate.perModel.map((m) => [m.model, m.totalUsd, m.textTokens])).toEqual(expected.perModel.map((m) => [m.model, m.costUsd, m.textTokens]));
    expect(estimate.expectedUsd).toBeCloseTo(expected.pricedTotalUsd, 12);
    for (const m of estimate.perModel) expect((m.textUsd ?? 0) + (m.imageUsd ?? 0)).toBeCloseTo(m.totalUsd ?? -1, 12);
    expect(estimate).toMatchObject({ submissions: 4, allSubmissions: 4, simulated: false, names: { mode: 'no_roster' }, rubricIsNew: false });
    expect(estimate.budget.perDayUsd).toBe(50);
    expect(estimate.budget.leftTodayUsd).toBeCloseTo(50 - estimate.budget.spentTodayUsd, 9);
    // With routing, the dearest model counts (the router may pick it); a sample counts only its part.
    const routed = await h.runs.handlers.estimateBatch({ ...input, compare: false, sampleSize: 2 });
    expect(routed.submissions).toBe(2);
    expect(routed.expectedUsd).toBeCloseTo(Math.max(...routed.perModel.map((m) => m.totalUsd ?? 0)), 12);
    await expect(h.runs.handlers.estimateBatch({ ...input, settings: { ...input.settings, feedbackLanguage: 'xx' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('after a close mid-batch, offers the batch for resume, and resuming grades every submission', async () => {
    const { batchId } = await h.runs.handlers.startBatch(h.input(h.essays(10)));
    await waitFor(() => gradedCount(batchId) >= 2, 'two submissions graded');
    // GradeDesk closing: the run stops hard.
    await h.runs.close();
    expect(getBatch(h.app.db, batchId)?.status).toBe('interrupted');

    const restarted = h.reopen();
    const offers = await restarted.handlers.listResumable({});
    const offer = offers.find((r) => r.batchId === batchId);
    expect(offer).toMatchObject({ reason: 'closed', total: 10 });
    expect(offer?.graded).toBeGreaterThanOrEqual(2);
    expect((await restarted.handlers.getRun({ batchId })).state).toBe('interrupted');

    await restarted.handlers.resumeBatch({ batchId });
    await waitFor(() => lastProgress(h, batchId)?.state === 'completed', 'the resumed batch to complete');
    expect(gradingsOfBatch(h.app.db, batchId)).toHaveLength(10);
    expect((await restarted.handlers.listResumable({})).map((r) => r.batchId)).not.toContain(batchId);
    h.runs = restarted;
  });

  it('remembers the last choice, and dismisses an offer', async () => {
    expect(await h.runs.handlers.lastBatchChoice({})).toMatchObject({ models: ['fast'], compare: false });
    const { batchId } = await h.runs.handlers.startBatch(h.input(h.essays(4), { sampleSize: 1 }));
    await waitFor(() => lastProgress(h, batchId)?.state === 'sample_done', 'the sample');
    expect((await h.runs.handlers.listResumable({})).map((r) => r.batchId)).toContain(batchId);
    await h.runs.handlers.dismissResumable({ batchId });
    expect((await h.runs.handlers.listResumable({})).map((r) => r.batchId)).not.toContain(batchId);
    await expect(later(() => h.runs.handlers.getRun({ batchId: 'b_missing' }))).rejects.toMatchObject({ code: 'BATCH_NOT_FOUND' });
  });
});
