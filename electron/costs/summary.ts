/**
 * The costs screen's figures, built from the rollups: the totals (real and simulated apart),
 * spend per model, and the charts' series, one value per day of the range.
 */
import type { CostTotals, CostsCharts, CostsSummary } from '../../shared/ipc/costs.ts';
import type { ReadableDB } from '../store/db-types.ts';
import { daysOf } from './day-range.ts';
import { percentilesFromBuckets, type BucketCount } from './latency-buckets.ts';
import { rollupByDayModel, rollupErrors, rollupLatency, type DayRange, type RollupFigures, type RollupRow } from './rollup-queries.ts';

export type NameOf = (modelId: string) => string;

const emptyTotals = (): CostTotals => ({ calls: 0, okCalls: 0, failedCalls: 0, cancelledCalls: 0, costUsd: 0, unpricedCalls: 0, unpricedAnswers: 0 });

function add(into: CostTotals, r: RollupFigures): void {
  into.calls += r.calls;
  into.okCalls += r.okCalls;
  into.failedCalls += r.failedCalls;
  into.cancelledCalls += r.cancelledCalls;
  into.costUsd += r.costUsd;
  into.unpricedCalls += r.unpricedCalls;
  into.unpricedAnswers += r.unpricedAnswers;
}

export function costsSummary(db: ReadableDB, range: DayRange, name: NameOf): CostsSummary {
  const real = emptyTotals();
  const simulated = emptyTotals();
  const byModel = new Map<string, CostTotals & { modelId: string; simulated: boolean }>();
  for (const r of rollupByDayModel(db, range)) {
    add(r.simulated ? simulated : real, r);
    const key = `${r.simulated ? 's' : 'r'}:${r.modelId}`;
    let m = byModel.get(key);
    if (!m) {
      m = { ...emptyTotals(), modelId: r.modelId, simulated: r.simulated };
      byModel.set(key, m);
    }
    add(m, r);
  }
  return {
    ...range,
    real,
    simulated,
    byModel: [...byModel.values()]
      .sort((a, b) => Number(a.simulated) - Number(b.simulated) || b.costUsd - a.costUsd || a.modelId.localeCompare(b.modelId))
      .map((m) => {
        const decided = m.calls - m.cancelledCalls;
        return {
          ...m,
          name: name(m.modelId),
          successRate: decided > 0 ? m.okCalls / decided : null,
          costPerSuccessUsd: m.okCalls > 0 && m.unpricedCalls === 0 ? m.costUsd / m.okCalls : null,
        };
      }),
  };
}

function seriesBy<T>(days: readonly string[], rows: readonly T[], key: (r: T) => string, day: (r: T) => string, value: (r: T) => number): Map<string, number[]> {
  const index = new Map(days.map((d, i) => [d, i]));
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(day(r));
    if (i === undefined) continue;
    let s = out.get(key(r));
    if (!s) {
      s = days.map(() => 0);
      out.set(key(r), s);
    }
    s[i] = (s[i] ?? 0) + value(r);
  }
  return out;
}

function latencySeries(db: ReadableDB, range: DayRange, days: readonly string[]): CostsCharts['latency'] {
  const perDay = new Map<string, BucketCount[]>();
  for (const h of rollupLatency(db, range)) {
    const list = perDay.get(h.day) ?? [];
    list.push({ bucket: h.bucket, n: h.n });
    perDay.set(h.day, list);
  }
  const p = days.map((d) => percentilesFromBuckets(perDay.get(d) ?? []));
  return { p50Ms: p.map((x) => x?.p50 ?? null), p95Ms: p.map((x) => x?.p95 ?? null), calls: p.map((x) => x?.count ?? 0) };
}

const seriesKey = (r: Pick<RollupRow, 'simulated' | 'modelId'>): string => `${r.simulated ? 's' : 'r'}:${r.modelId}`;

/** Known job cost over jobs started, per model and day; null on a day without a new job. */
function perSubmission(days: readonly string[], rows: readonly RollupRow[], name: NameOf): CostsCharts['perSubmission'] {
  const cost = seriesBy(days, rows, seriesKey, (r) => r.day, (r) => r.jobCostUsd);
  const jobs = seriesBy(days, rows, seriesKey, (r) => r.day, (r) => r.jobs);
  return [...jobs.entries()].map(([key, n]) => {
    const modelId = key.slice(2);
    const c = cost.get(key) ?? [];
    return { modelId, name: name(modelId), simulated: key.startsWith('s:'), costUsd: n.map((j, i) => (j > 0 ? (c[i] ?? 0) / j : null)) };
  });
}

export function costsCharts(db: ReadableDB, range: DayRange, name: NameOf): CostsCharts {
  const days = daysOf(range);
  const rows = rollupByDayModel(db, range);
  const spend = seriesBy(days, rows, seriesKey, (r) => r.day, (r) => r.costUsd);
  const all = (value: (r: RollupFigures) => number): number[] => seriesBy(days, rows, () => '', (r) => r.day, value).get('') ?? days.map(() => 0);
  const ok = all((r) => r.okCalls);
  const failed = all((r) => r.failedCalls);
  const errors = seriesBy(
    days,
    rollupErrors(db, range).filter((e) => e.errorClass !== 'aborted'),
    (e) => e.errorClass,
    (e) => e.day,
    (e) => e.attempts,
  );
  return {
    days,
    spend: [...spend.entries()].map(([key, costUsd]) => {
      const modelId = key.slice(2);
      return { modelId, name: name(modelId), simulated: key.startsWith('s:'), costUsd };
    }),
    latency: latencySeries(db, range, days),
    errorRate: days.map((_, i) => {
      const decided = (ok[i] ?? 0) + (failed[i] ?? 0);
      return decided > 0 ? (failed[i] ?? 0) / decided : null;
    }),
    errors: [...errors.entries()]
      .map(([errorClass, attempts]) => ({ errorClass, attempts }))
      .sort((a, b) => b.attempts.reduce((s, v) => s + v, 0) - a.attempts.reduce((s, v) => s + v, 0))
      .slice(0, 50),
    rateLimits: { rateLimited: all((r) => r.rateLimited), waits: all((r) => r.waits), waitedMs: all((r) => r.waitedMs) },
    perSubmission: perSubmission(days, rows, name),
  };
}
