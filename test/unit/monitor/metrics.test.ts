import { describe, expect, it } from 'vitest';
import { LiveMetrics } from '../../../electron/monitor/metrics.ts';
import { percentileOfSorted, percentiles } from '../../../electron/monitor/percentiles.ts';
import { RollingSum, RollingWindow } from '../../../electron/monitor/rolling-window.ts';
import { attempt, failed } from './helpers.ts';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

describe('percentiles (nearest rank, exact)', () => {
  it('on 1..100 gives 50/95/99', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 });
  });

  it('on small and awkward sets', () => {
    expect(percentiles([])).toBeNull();
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7, count: 1 });
    expect(percentiles([1, 2, 3, 4])).toEqual({ p50: 2, p95: 4, p99: 4, count: 4 });
    // ten values: p95 is the 10th, p50 the 5th
    expect(percentiles([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000])).toMatchObject({ p50: 50, p95: 1000 });
    // rank = ceil(7 × 100 / 100) = 7 exactly, not 8 (0.07 × 100 is 7.000000000000001)
    expect(percentileOfSorted(Array.from({ length: 100 }, (_, i) => i + 1), 7)).toBe(7);
  });

  it('does not modify its input', () => {
    const values = [3, 1, 2];
    percentiles(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('RollingWindow and RollingSum', () => {
  it('drops samples by age and by count', () => {
    const w = new RollingWindow<{ at: number; v: number }>(1000, 3);
    for (let i = 0; i < 5; i++) w.push({ at: i * 100, v: i });
    expect(w.values(400).map((s) => s.v)).toEqual([2, 3, 4]);
    expect(w.values(1350).map((s) => s.v)).toEqual([4]);
    expect(w.size(5000)).toBe(0);
  });

  it('keeps an exact running sum over the last hour, unknowns counted apart', () => {
    const s = new RollingSum(60 * MIN);
    s.add(T0, 1.5);
    s.add(T0 + 10 * MIN, null);
    s.add(T0 + 30 * MIN, 2);
    expect(s.total(T0 + 30 * MIN)).toEqual({ sum: 3.5, count: 3, unknown: 1 });
    expect(s.total(T0 + 61 * MIN)).toEqual({ sum: 2, count: 2, unknown: 1 });
    expect(s.total(T0 + 200 * MIN)).toEqual({ sum: 0, count: 0, unknown: 0 });
  });
});

describe('LiveMetrics', () => {
  it('computes latency and TTFT percentiles per model and overall from known data', () => {
    const m = new LiveMetrics({ windowMs: 15 * MIN });
    for (let i = 1; i <= 100; i++) {
      m.record(attempt({ modelId: 'a', latencyMs: i * 10, ttftMs: i }), T0 + i);
    }
    for (let i = 1; i <= 20; i++) m.record(attempt({ modelId: 'b', latencyMs: 5000, ttftMs: 500 }), T0 + 100 + i);
    const a = m.window('a', T0 + 200);
    expect(a.latencyMs).toEqual({ p50: 500, p95: 950, p99: 990, count: 100 });
    expect(a.ttftMs).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 });
    const all = m.window(null, T0 + 200);
    expect(all.calls).toBe(120);
    expect(all.latencyMs).toMatchObject({ p50: 600, p95: 5000, count: 120 });
  });

  it('latency percentiles use successful calls only; TTFT any call that has one', () => {
    const m = new LiveMetrics();
    m.record(attempt({ latencyMs: 1000, ttftMs: 100 }), T0);
    m.record(failed('stall_first_byte', 'STALLED_BEFORE_FIRST_BYTE', { latencyMs: 60_000, ttftMs: null }), T0 + 1);
    m.record(failed('stall_mid_stream', 'STALLED_MID_STREAM', { latencyMs: 30_000, ttftMs: 300 }), T0 + 2);
    const w = m.window('model-a', T0 + 3);
    expect(w.latencyMs).toEqual({ p50: 1000, p95: 1000, p99: 1000, count: 1 });
    expect(w.ttftMs).toMatchObject({ count: 2, p99: 300 });
  });

  it('counts error rate overall and by class, with cancellations apart', () => {
    const m = new LiveMetrics();
    let t = T0;
    for (let i = 0; i < 6; i++) m.record(attempt(), t++);
    for (let i = 0; i < 3; i++) m.record(failed('rate_limit', 'RATE_LIMITED'), t++);
    m.record(failed('server_error', 'PROVIDER_ERROR'), t++);
    m.record(failed('aborted', 'ABORTED'), t++);
    const w = m.window(null, t);
    expect(w.calls).toBe(11);
    expect(w.okCalls).toBe(6);
    expect(w.failedCalls).toBe(4);
    expect(w.cancelledCalls).toBe(1);
    expect(w.errorRate).toBeCloseTo(0.4);
    expect(w.successRate).toBeCloseTo(0.6);
    expect(w.errorsByClass).toEqual({ rate_limit: 3, server_error: 1 });
  });

  it('sums tokens and known cost; unpriced calls are counted, never added as 0', () => {
    const m = new LiveMetrics();
    m.record(attempt({ promptTokens: 100, completionTokens: 20, cachedTokens: 40, costUsd: 0.25 }), T0);
    m.record(attempt({ promptTokens: 50, completionTokens: 10, cachedTokens: null, costUsd: null, costSource: 'unpriced' }), T0 + 1);
    const w = m.window(null, T0 + 2);
    expect(w.tokens).toEqual({ prompt: 150, completion: 30, cached: 40 });
    expect(w.costUsd).toBe(0.25);
    expect(w.unpricedCalls).toBe(1);
    expect(m.costLastHour(T0 + 2)).toEqual({ calls: 2, costUsd: 0.25, unpricedCalls: 1 });
  });

  it('forgets what is older than the window, and keeps at most K samples', () => {
    const m = new LiveMetrics({ windowMs: 15 * MIN, maxSamplesPerModel: 10 });
    m.record(failed('server_error', 'PROVIDER_ERROR'), T0);
    for (let i = 0; i < 3; i++) m.record(attempt(), T0 + 10 * MIN + i);
    expect(m.window('model-a', T0 + 14 * MIN).failedCalls).toBe(1);
    expect(m.window('model-a', T0 + 16 * MIN)).toMatchObject({ calls: 3, failedCalls: 0, errorRate: 0 });
    for (let i = 0; i < 25; i++) m.record(attempt(), T0 + 17 * MIN + i);
    expect(m.window('model-a', T0 + 18 * MIN).calls).toBe(10);
    expect(m.window('nobody', T0).calls).toBe(0);
    expect(m.window('nobody', T0).errorRate).toBeNull();
  });
});
