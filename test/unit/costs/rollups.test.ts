import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketBounds, latencyBucket, percentilesFromBuckets } from '../../../electron/costs/latency-buckets.ts';
import {
  rollupByDayModel,
  rollupByDayModelQuery,
  rollupErrors,
  rollupErrorsQuery,
  rollupLatency,
  rollupLatencyQuery,
  type DayRange,
} from '../../../electron/costs/rollup-queries.ts';
import { percentiles } from '../../../electron/monitor/percentiles.ts';
import { closeDatabase, costByDay, costByModel, insertApiCalls, MIGRATIONS, openDatabase, queryAll, retryStats, sql, type NewApiCall, type WritableDB } from '../../../electron/store/index.ts';
import { makeTempDir } from '../store/helpers.ts';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const MODELS = ['m-fast', 'm-big', 'm-local'];
const CLASSES = ['rate_limit', 'server', 'timeout', 'aborted', 'malformed', null];
const DAY_MS = 86_400_000;
const START = new Date(2025, 2, 1, 0, 0, 0).getTime();

function ledger(seed: number, n: number, offset = 0): NewApiCall[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const rows: NewApiCall[] = [];
  for (let i = 0; i < n; i += 1) {
    const ok = r() < 0.7;
    const attempt = 1 + Math.floor(r() * 3);
    rows.push({
      id: `c-${seed}-${offset + i}`,
      requestId: `r-${seed}-${Math.floor((offset + i) / 2)}`,
      purpose: 'grading',
      modelId: pick(MODELS),
      endpoint: 'https://example.invalid/v1',
      startedAt: START + Math.floor(r() * 10 * DAY_MS),
      attempt,
      status: ok ? 'ok' : 'error',
      errorClass: ok ? null : pick(CLASSES),
      errorCode: ok ? null : pick(['E_RATE', 'E_SERVER', null]),
      waitedMs: attempt > 1 ? Math.floor(r() * 5000) : null,
      latencyMs: r() < 0.95 ? 1 + Math.floor(r() * 30_000) : null,
      promptTokens: r() < 0.9 ? Math.floor(r() * 2000) : null,
      completionTokens: Math.floor(r() * 800),
      cachedTokens: r() < 0.5 ? Math.floor(r() * 100) : null,
      costUsd: r() < 0.85 ? Math.round(r() * 1e6) / 1e8 : null,
      costSource: pick(['provider', 'estimate', 'unpriced'] as const),
      jobId: r() < 0.5 ? 1 + Math.floor(r() * 20) : null,
      simulated: r() < 0.3,
    });
  }
  return rows;
}

const ALL: DayRange = { fromDay: '2000-01-01', toDay: '2999-12-31' };

function sumBy<T>(rows: readonly T[], key: (r: T) => string, value: (r: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

function expectSameSums(rollup: Map<string, number>, raw: Map<string, number>): void {
  expect([...rollup.keys()].sort()).toEqual([...raw.keys()].sort());
  for (const [k, v] of raw) expect(rollup.get(k)).toBeCloseTo(v, 9);
}

function expectRollupsMatchRaw(db: WritableDB): void {
  const rows = rollupByDayModel(db, ALL);
  for (const simulated of [false, true]) {
    const mine = rows.filter((r) => r.simulated === simulated);
    const rawDays = costByDay(db, { simulated });
    expectSameSums(sumBy(mine, (r) => r.day, (r) => r.costUsd), new Map(rawDays.map((d) => [d.day, d.costUsd])));
    expectSameSums(sumBy(mine, (r) => r.day, (r) => r.unpricedCalls), new Map(rawDays.map((d) => [d.day, d.unpricedCalls])));
    expectSameSums(sumBy(mine, (r) => r.day, (r) => r.unpricedAnswers), new Map(rawDays.map((d) => [d.day, d.unpricedAnswers])));
    const rawModels = costByModel(db, { simulated });
    expectSameSums(sumBy(mine, (r) => r.modelId, (r) => r.calls), new Map(rawModels.map((m) => [m.modelId, m.calls])));
    expectSameSums(sumBy(mine, (r) => r.modelId, (r) => r.failedCalls), new Map(rawModels.map((m) => [m.modelId, m.failedCalls])));
    expectSameSums(sumBy(mine, (r) => r.modelId, (r) => r.cancelledCalls), new Map(rawModels.map((m) => [m.modelId, m.cancelledCalls])));
    expectSameSums(sumBy(mine, (r) => r.modelId, (r) => r.promptTokens), new Map(rawModels.map((m) => [m.modelId, m.promptTokens])));
    const firstCalls = queryAll<{ model: string; n: number }>(
      db,
      sql`SELECT a.model_id AS model, count(*) AS n FROM api_calls AS a
          WHERE a.simulated = ${simulated ? 1 : 0}
            AND a.seq IN (SELECT min(seq) FROM api_calls WHERE job_id IS NOT NULL GROUP BY job_id) GROUP BY 1`,
    );
    expectSameSums(sumBy(mine.filter((r) => r.jobs > 0), (r) => r.modelId, (r) => r.jobs), new Map(firstCalls.map((f) => [f.model, f.n])));
    const retry = retryStats(db, { simulated });
    expectSameSums(sumBy(mine, (r) => r.modelId, (r) => r.rateLimited), new Map(retry.byModel.map((m) => [m.modelId, m.rateLimitedAttempts])));
    expectSameSums(sumBy(mine, (r) => r.modelId, (r) => r.wastedCostUsd), new Map(retry.byModel.map((m) => [m.modelId, m.wastedCostUsd])));
    const errs = rollupErrors(db, ALL).filter((e) => e.simulated === simulated);
    expectSameSums(sumBy(errs, (e) => e.errorClass, (e) => e.attempts), new Map(retry.byErrorClass.map((c) => [c.errorClass, c.attempts])));
    expectSameSums(sumBy(errs, (e) => e.errorClass, (e) => e.unpriced), new Map(retry.byErrorClass.map((c) => [c.errorClass, c.unpricedAttempts])));
  }
}

function expectLatencyWithinABucket(db: WritableDB): void {
  const hist = rollupLatency(db, ALL);
  const days = [...new Set(hist.map((h) => h.day))];
  expect(days.length).toBeGreaterThan(5);
  for (const day of days) {
    const exact = queryAll<{ ms: number }>(
      db,
      sql`SELECT latency_ms AS ms FROM api_calls WHERE status = 'ok' AND latency_ms IS NOT NULL
          AND date(started_at / 1000, 'unixepoch', 'localtime') = ${day}`,
    ).map((r) => r.ms);
    const want = percentiles(exact);
    const got = percentilesFromBuckets(hist.filter((h) => h.day === day));
    expect(got?.count).toBe(want?.count);
    for (const p of ['p50', 'p95'] as const) {
      const [low, high] = bucketBounds(latencyBucket(want![p]));
      expect(got![p]).toBeGreaterThanOrEqual(Math.floor(low));
      expect(got![p]).toBeLessThanOrEqual(Math.ceil(high));
    }
  }
}

describe('call rollups', () => {
  let t: { dir: string; cleanup: () => void };
  let file: string;
  beforeEach(() => {
    t = makeTempDir();
    file = path.join(t.dir, 'g.db');
  });
  afterEach(() => t.cleanup());

  it('back-fills rows written before step 12 and keeps up with every insert after it', () => {
    const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 12) });
    insertApiCalls(before, ledger(1, 800));
    closeDatabase(before);

    const db = openDatabase(file);
    expectRollupsMatchRaw(db);
    for (let i = 0; i < 4; i += 1) insertApiCalls(db, ledger(2 + i, 300, i * 300));
    insertApiCalls(db, ledger(2, 300)); // a retried flush: stored rows are skipped, and not counted twice
    expectRollupsMatchRaw(db);
    expectLatencyWithinABucket(db);
    closeDatabase(db);
  });

  it('keeps simulated spend apart from real spend', () => {
    const db = openDatabase(file);
    insertApiCalls(db, [
      { requestId: 'a', purpose: 'grading', modelId: 'm', endpoint: 'e', startedAt: START, attempt: 1, status: 'ok', costUsd: 0.5, costSource: 'provider' },
      { requestId: 'b', purpose: 'grading', modelId: 'm', endpoint: 'e', startedAt: START, attempt: 1, status: 'ok', costUsd: 0.25, costSource: 'provider', simulated: true },
      { requestId: 'c', purpose: 'grading', modelId: 'm', endpoint: 'e', startedAt: START, attempt: 1, status: 'ok', costUsd: null, costSource: 'unpriced' },
    ]);
    const rows = rollupByDayModel(db, ALL);
    expect(rows.map((r) => [r.simulated, r.calls, r.costUsd, r.unpricedCalls])).toEqual([
      [false, 2, 0.5, 1],
      [true, 1, 0.25, 0],
    ]);
    closeDatabase(db);
  });

  it('reads the rollup tables by their keys, never the audit trail', () => {
    const db = openDatabase(file);
    const plan = (q: { text: string; params: readonly unknown[] }): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${q.text}`).all(...q.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    const range = { fromDay: '2025-03-01', toDay: '2025-03-31' };
    expect(plan(rollupByDayModelQuery(range))).toMatch(/SEARCH call_rollups USING PRIMARY KEY \(day>\? AND day<\?\)/);
    expect(plan(rollupErrorsQuery(range))).toMatch(/SEARCH call_rollup_errors USING PRIMARY KEY \(day>\? AND day<\?\)/);
    expect(plan(rollupLatencyQuery(range))).toMatch(/SEARCH call_rollup_latency USING PRIMARY KEY \(day>\? AND day<\?\)/);
    for (const q of [rollupByDayModelQuery(range), rollupErrorsQuery(range), rollupLatencyQuery(range)]) {
      expect(plan(q)).not.toMatch(/api_calls/);
    }
    closeDatabase(db);
  });
});
