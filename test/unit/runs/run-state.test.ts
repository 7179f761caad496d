import { describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../../../shared/ipc/runs.ts';
import { actionsFor, doneCount, shouldNotify, withProgress, withSubmission } from '../../../renderer/src/views/runs/run-state.ts';
import { initialModels, sampleSizeFor, startBlock } from '../../../renderer/src/views/runs/new-batch.ts';

const snapshot: RunSnapshot = {
  batchId: 'b_1',
  state: 'running',
  counts: { total: 3, graded: 1, failed: 0, inDoubt: 0, skipped: 0, duplicate: 0, open: 2 },
  spentUsd: 0.01,
  spentUnpriced: false,
  etaSeconds: null,
  rubric: 'Essay',
  createdAt: '2025-01-01T00:00:00.000Z',
  submissions: [1, 2, 3].map((id) => ({ id, student: `S${id}`, file: `s${id}.txt`, state: 'queued' as const, score: null, maxScore: null, error: null, feedback: '' })),
  simulated: false,
  budget: { batchUsd: null, perDayUsd: null, spentTodayUsd: 0 },
  sampleSize: null,
  error: null,
};

describe('the progress screen', () => {
  it('offers pause only while running, resume when work is left, and the review links at the end', () => {
    expect(actionsFor('running')).toEqual({ pause: true, cancel: true, resume: false, done: false });
    expect(actionsFor('pausing')).toMatchObject({ pause: false, cancel: true, resume: false });
    expect(actionsFor('paused')).toMatchObject({ pause: false, cancel: true, resume: true, done: false });
    expect(actionsFor('sample_done')).toMatchObject({ resume: true });
    expect(actionsFor('completed')).toEqual({ pause: false, cancel: false, resume: false, done: true });
  });

  it('folds progress and one submission into the snapshot without touching the others', () => {
    const next = withSubmission(withProgress(snapshot, { ...snapshot, counts: { ...snapshot.counts, graded: 2, open: 1 }, etaSeconds: 12 }), {
      ...(snapshot.submissions[1] as RunSnapshot['submissions'][number]),
      state: 'graded',
      score: 3,
      maxScore: 4,
    });
    expect(next.submissions.map((s) => s.state)).toEqual(['queued', 'graded', 'queued']);
    expect(doneCount(next)).toBe(2);
    expect(next.etaSeconds).toBe(12);
    expect(withSubmission(snapshot, { ...(snapshot.submissions[0] as RunSnapshot['submissions'][number]), id: 99 })).toBe(snapshot);
  });

  it('notifies only when a long live run ends while the window is not focused', () => {
    expect(shouldNotify('running', 'completed', 0, 61_000, false)).toBe(true);
    expect(shouldNotify('running', 'completed', 0, 61_000, true)).toBe(false);
    expect(shouldNotify('running', 'completed', 0, 30_000, false)).toBe(false);
    expect(shouldNotify('paused', 'completed', 0, 61_000, false)).toBe(false);
  });
});

describe('the new-batch screen', () => {
  it('says why Start waits, and offers a sample only when the batch is larger than one', () => {
    expect(startBlock(0, 'r', ['m'], false)).toBe('needItems');
    expect(startBlock(3, null, ['m'], false)).toBe('needRubric');
    expect(startBlock(3, 'r', ['m'], true)).toBe('needModels');
    expect(startBlock(3, 'r', ['m'], false)).toBeNull();
    expect(sampleSizeFor(5)).toBeNull();
    expect(sampleSizeFor(30)).toBe(5);
  });

  it('starts from the last choice when its models still have keys, else the first model with a key', () => {
    const model = (id: string, keyStatus: 'set' | 'missing') => ({ id, keyStatus }) as Parameters<typeof initialModels>[0][number];
    const models = [model('a', 'missing'), model('b', 'set'), model('c', 'set')];
    expect(initialModels(models, null)).toEqual({ chosen: ['b'], compare: false });
    const settings = { strictness: 'standard', tone: 'neutral', feedbackLanguage: 'en', gradeLevel: '' } as const;
    expect(initialModels(models, { models: ['a', 'c', 'b'], compare: true, settings })).toEqual({ chosen: ['c', 'b'], compare: true });
    expect(initialModels(models, { models: ['a'], compare: true, settings })).toEqual({ chosen: ['b'], compare: false });
  });
});
