import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeCosts, qualityPerCost } from '../../../electron/monitor/cost-analysis.ts';
import { suggest } from '../../../electron/monitor/suggestions.ts';
import {
  costByBatch,
  costByDay,
  costByModel,
  costBySubmission,
  insertApiCalls,
  localDay,
  modelHealth,
  retryStats,
  sumCostBetween,
  type ApiCallRow,
} from '../../../electron/store/index.ts';
import { attempt, failed, seedBatch, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
const DAY = 24 * 60 * 60_000;
// Noon UTC keeps each call on its own local day in any time zone from UTC-11 to UTC+11.
const D1 = Date.UTC(2025, 2, 10, 12, 0, 0);
const D2 = D1 + DAY;
const D3 = D1 + 2 * DAY;

beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

describe('cost breakdowns', () => {
  it('by model, day, batch and submission, with unpriced calls counted beside the sums', () => {
    const jobs = seedBatch(t.db, 'b_1', ['ana.docx', 'ben.pdf']);
    seedBatch(t.db, 'b_2', []);
    insertApiCalls(t.db, [
      attempt({ modelId: 'a', startedAt: D1, costUsd: 0.1, batchId: 'b_1', jobId: jobs.get('ana.docx')! }),
      attempt({ modelId: 'a', startedAt: D1 + 1, costUsd: 0.2, batchId: 'b_1', jobId: jobs.get('ben.pdf')! }),
      failed('rate_limit', 'RATE_LIMITED', { modelId: 'a', startedAt: D1 + 2, costUsd: 0, batchId: 'b_1', jobId: jobs.get('ben.pdf')! }),
      attempt({ modelId: 'u', startedAt: D2, costUsd: null, costSource: 'unpriced', batchId: 'b_1', jobId: jobs.get('ana.docx')! }),
      attempt({ modelId: 'u', startedAt: D2 + 1, costUsd: null, costSource: 'unpriced', batchId: 'b_2' }),
      attempt({ modelId: 'a', startedAt: D3, costUsd: 0.4 }),
    ]);

    const byModel = Object.fromEntries(costByModel(t.db).map((m) => [m.modelId, m]));
    expect(byModel.a).toMatchObject({ calls: 4, okCalls: 3, failedCalls: 1, unpricedCalls: 0, successRate: 0.75 });
    expect(byModel.a!.costUsd).toBeCloseTo(0.7, 12);
    expect(byModel.a!.costPerSuccessUsd).toBeCloseTo(0.7 / 3, 12);
    // unpriced: the sum holds only what is known (nothing), the count says what is missing,
    // and no per-success figure pretends to know
    expect(byModel.u).toMatchObject({ calls: 2, unpricedCalls: 2, costUsd: 0, costPerSuccessUsd: null });

    expect(costByDay(t.db)).toEqual([
      { day: localDay(D3), calls: 1, costUsd: 0.4, unpricedCalls: 0, unpricedAnswers: 0 },
      { day: localDay(D2), calls: 2, costUsd: 0, unpricedCalls: 2, unpricedAnswers: 2 },
      expect.objectContaining({ day: localDay(D1), calls: 3, unpricedCalls: 0 }),
    ]);

    const batches = costByBatch(t.db);
    expect(batches.map((b) => b.batchId)).toEqual(['b_2', 'b_1']); // most recently active first
    expect(batches[1]).toMatchObject({ calls: 4, unpricedCalls: 1, firstCallAt: D1, lastCallAt: D2 });
    expect(batches[1]!.costUsd).toBeCloseTo(0.3, 12);

    const subs = costBySubmission(t.db);
    expect(subs.map((s) => [s.file, s.calls, s.unpricedCalls])).toEqual([
      ['ben.pdf', 2, 0],
      ['ana.docx', 2, 1],
    ]);
    expect(subs[0]!.costUsd).toBeCloseTo(0.2, 12);
    expect(subs[0]!.batchId).toBe('b_1');

    // A cancelled call of unknown cost is unknown money, but not an unpriced model's answer.
    insertApiCalls(t.db, [failed('aborted', 'ABORTED', { modelId: 'a', startedAt: D3 + 1, costUsd: null })]);
    expect(costByModel(t.db).find((m) => m.modelId === 'a')).toMatchObject({ unpricedCalls: 1, unpricedAnswers: 0 });
    expect(costByModel(t.db).find((m) => m.modelId === 'u')).toMatchObject({ unpricedAnswers: 2 });

    const total = sumCostBetween(t.db, {});
    expect(total).toMatchObject({ calls: 7, unpricedCalls: 3 });
    expect(total.costUsd).toBeCloseTo(0.7, 12);
    // ranges are [from, to)
    expect(sumCostBetween(t.db, { from: D2, to: D3 })).toEqual({ calls: 2, costUsd: 0, unpricedCalls: 2 });
  });

  it('quality per cost uses agreement when known, else the success rate', () => {
    insertApiCalls(t.db, [
      attempt({ modelId: 'a', costUsd: 0.02 }),
      attempt({ modelId: 'a', costUsd: 0.02 }),
      failed('server_error', 'PROVIDER_ERROR', { modelId: 'b', costUsd: 0 }),
      attempt({ modelId: 'b', costUsd: 0.01 }),
      attempt({ modelId: 'u', costUsd: null, costSource: 'unpriced' }),
    ]);
    const rows = Object.fromEntries(qualityPerCost(costByModel(t.db), new Map([['a', 0.9]])).map((q) => [q.modelId, q]));
    expect(rows.a).toMatchObject({ quality: 0.9, qualitySource: 'agreement' });
    expect(rows.a!.qualityPerUsd).toBeCloseTo(0.9 / 0.02);
    expect(rows.b).toMatchObject({ quality: 0.5, qualitySource: 'success_rate' });
    expect(rows.b!.qualityPerUsd).toBeCloseTo(0.5 / 0.01);
    expect(rows.u).toMatchObject({ quality: 1, costPerSuccessUsd: null, qualityPerUsd: null });
  });
});

describe('suggestions', () => {
  const NOW = D1 + 3 * DAY;
  const HOUR = 60 * 60_000;

  function calls(n: number, make: (i: number) => ApiCallRow): ApiCallRow[] {
    return Array.from({ length: n }, (_, i) => make(i));
  }

  function seedScenario(): void {
    insertApiCalls(t.db, [
      // r: 100 calls, 12 rate-limited
      ...calls(100, (i) =>
        i < 12
          ? failed('rate_limit', 'RATE_LIMITED', { modelId: 'r', startedAt: D1 + i, costUsd: 0 })
          : attempt({ modelId: 'r', startedAt: D1 + i, costUsd: 0.01 }),
      ),
      // y costs 3.1× z per success with the same success rate (19 of 20)
      ...calls(20, (i) =>
        i === 0
          ? failed('server_error', 'PROVIDER_ERROR', { modelId: 'y', startedAt: D1 + i, costUsd: 0 })
          : attempt({ modelId: 'y', startedAt: D1 + i, costUsd: 0.031 }),
      ),
      ...calls(20, (i) =>
        i === 0
          ? failed('server_error', 'PROVIDER_ERROR', { modelId: 'z', startedAt: D1 + i, costUsd: 0 })
          : attempt({ modelId: 'z', startedAt: D1 + i, costUsd: 0.01 }),
      ),
      // w failed 4 of 10 calls in the last hour, mostly stalls
      ...calls(10, (i) =>
        i < 3
          ? failed('stall_first_byte', 'STALLED_BEFORE_FIRST_BYTE', { modelId: 'w', startedAt: NOW - HOUR / 2 + i, costUsd: 0 })
          : i === 3
            ? failed('server_error', 'PROVIDER_ERROR', { modelId: 'w', startedAt: NOW - HOUR / 2 + i, costUsd: 0 })
            : attempt({ modelId: 'w', startedAt: NOW - HOUR / 2 + i, costUsd: 0.001 }),
      ),
      // u has no price
      ...calls(3, (i) => attempt({ modelId: 'u', startedAt: D1 + i, costUsd: null, costSource: 'unpriced' })),
    ]);
  }

  it('names a rate-limited model, an expensive model, a failing model and an unpriced one, with their numbers', () => {
    seedScenario();
    const names: Record<string, string> = { y: 'Model Y', z: 'Model Z', r: 'Model R', w: 'Model W' };
    const list = analyzeCosts(t.db, { now: NOW, name: (id) => names[id] ?? id }).suggestions;
    const of = (kind: string, modelId: string) => list.find((s) => s.kind === kind && s.modelId === modelId);

    const limited = of('rate_limited', 'r');
    expect(limited?.numbers).toEqual({ share: 0.12, rateLimitedCalls: 12, calls: 100 });
    expect(limited?.message).toBe('Model R was rate-limited on 12% of its calls (12 of 100): lower its max_concurrency or rpm in the config.');

    const expensive = of('expensive', 'y');
    expect(expensive?.relatedModelId).toBe('z');
    expect(expensive?.numbers.ratio).toBeCloseTo(3.1, 10);
    expect(expensive?.numbers.successRate).toBeCloseTo(0.95);
    expect(expensive?.message).toContain('Model Y costs 3.1× Model Z per successful grading');
    expect(expensive?.message).toContain('(95% vs 95%)');
    expect(of('expensive', 'z')).toBeUndefined();
    expect(of('expensive', 'r')).toBeUndefined(); // success rate 88% is not "the same" as 95%

    const failing = of('failing', 'w');
    expect(failing?.numbers).toEqual({ share: 0.4, failedCalls: 4, calls: 10, topErrorCount: 3 });
    expect(failing?.message).toMatch(/^Model W failed 40% of calls in the last hour \(mostly STALLED_BEFORE_FIRST_BYTE\)/);
    // the older calls of other models are not "in the last hour"
    expect(list.filter((s) => s.kind === 'failing')).toHaveLength(1);

    expect(of('unpriced', 'u')?.numbers).toEqual({ unpricedCalls: 3, calls: 3 });
  });

  it('stays quiet without enough calls or a real difference', () => {
    insertApiCalls(t.db, [
      ...calls(5, (i) => failed('rate_limit', 'RATE_LIMITED', { modelId: 'few', startedAt: D1 + i })),
      ...calls(20, (i) => attempt({ modelId: 'p', startedAt: D1 + i, costUsd: 0.015 })),
      ...calls(20, (i) => attempt({ modelId: 'q', startedAt: D1 + i, costUsd: 0.01 })),
    ]);
    const list = suggest({ byModel: costByModel(t.db), retry: retryStats(t.db), lastHour: modelHealth(t.db, { from: D1 }) });
    expect(list.filter((s) => s.kind !== 'failing')).toEqual([]);
    // 'few' failed 100% but with 5 calls, below the minimum
    expect(list).toEqual([]);
  });
});
