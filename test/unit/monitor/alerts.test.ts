import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertEngine, type AlertEngineOptions } from '../../../electron/monitor/alerts.ts';
import { LiveMetrics } from '../../../electron/monitor/metrics.ts';
import { insertAlert, listAlerts, openAlerts } from '../../../electron/store/index.ts';
import type { AlertView } from '../../../shared/ipc/monitor.ts';
import { attempt, failed, manualClock, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
let clock: ReturnType<typeof manualClock>;
let metrics: LiveMetrics;
let raised: AlertView[];
const MIN = 60_000;

function engine(overrides: Partial<AlertEngineOptions> = {}): AlertEngine {
  return new AlertEngine({
    db: t.db,
    metrics,
    thresholds: { responseTimeSeconds: 30, errorRate: 0.1, costPerHourUsd: 10 },
    now: clock.now,
    name: (id) => (id === 'a' ? 'Model A' : id),
    onAlert: (a) => raised.push(a),
    ...overrides,
  });
}

function ok(n: number, overrides = {}): void {
  for (let i = 0; i < n; i++) metrics.record(attempt({ modelId: 'a', costUsd: 0, ...overrides }), clock.now());
}
function fail(n: number): void {
  for (let i = 0; i < n; i++) metrics.record(failed('stall_first_byte', 'STALLED_BEFORE_FIRST_BYTE', { modelId: 'a' }), clock.now());
}

beforeEach(() => {
  t = tempDb();
  clock = manualClock();
  metrics = new LiveMetrics({ windowMs: 15 * MIN });
  raised = [];
});
afterEach(() => t.cleanup());

describe('error-rate alert', () => {
  it('waits for the minimum number of calls', () => {
    const e = engine();
    fail(3);
    ok(2);
    expect(e.evaluate()).toEqual([]);
  });

  it('fires once above the threshold, not again while active, clears with hysteresis, respects the cool-down', () => {
    const e = engine();
    ok(8);
    fail(2); // 20 % of 10
    expect(e.evaluate()).toHaveLength(1);
    expect(raised).toHaveLength(1);
    const first = raised[0]!;
    expect(first).toMatchObject({ kind: 'error_rate', modelId: 'a', severity: 'critical', threshold: 0.1, resolvedAt: null });
    expect(first.value).toBeCloseTo(0.2);
    expect(first.message).toBe('Model A failed 20% of 10 calls in the last 15 min (threshold 10%), mostly STALLED_BEFORE_FIRST_BYTE.');

    clock.advance(1000);
    ok(2); // 2/12 ≈ 17 %: still above, already active
    expect(e.evaluate()).toEqual([]);
    ok(8); // 2/20 = 10 %: at the threshold but above 80 % of it: stays active
    e.evaluate();
    expect(openAlerts(t.db)).toHaveLength(1);
    ok(2); // 2/22 ≈ 9.1 %: still above 8 %
    e.evaluate();
    expect(openAlerts(t.db)).toHaveLength(1);
    ok(3); // 2/25 = 8 %: clears
    e.evaluate();
    expect(openAlerts(t.db)).toHaveLength(0);
    expect(listAlerts(t.db, { limit: 10 })[0]!.resolvedAt).toBe(clock.now());

    clock.advance(2 * MIN);
    fail(5); // 7/30 ≈ 23 %: above again, but inside the 10-minute cool-down
    expect(e.evaluate()).toEqual([]);
    clock.advance(7 * MIN); // 9 min after firing: still cooling down
    expect(e.evaluate()).toEqual([]);
    clock.advance(MIN); // 10 min after firing: the window still holds the failures
    expect(e.evaluate()).toHaveLength(1);
    expect(raised).toHaveLength(2);
    expect(listAlerts(t.db, { limit: 10 })).toHaveLength(2);
  });

  it('clears when the window empties', () => {
    const e = engine();
    fail(10);
    expect(e.evaluate()).toHaveLength(1);
    clock.advance(16 * MIN);
    e.evaluate();
    expect(openAlerts(t.db)).toEqual([]);
  });
});

describe('response-time alert', () => {
  it('compares the p95 of successful calls with the threshold in seconds', () => {
    const e = engine();
    ok(4, { latencyMs: 40_000 });
    expect(e.evaluate()).toEqual([]); // 4 samples: below the minimum of 5
    ok(1, { latencyMs: 40_000 });
    const [alert] = e.evaluate();
    expect(alert).toMatchObject({ kind: 'response_time', modelId: 'a', value: 40, threshold: 30, severity: 'warning' });
    expect(alert!.message).toContain('40 s');
    // fast answers push p95 down: 5 slow of 100 → p95 is fast
    ok(95, { latencyMs: 1000 });
    e.evaluate();
    expect(openAlerts(t.db)).toEqual([]);
  });

  it('stays open when the slow model stops answering at all', () => {
    const e = engine({ thresholds: { responseTimeSeconds: 30 } });
    ok(5, { latencyMs: 45_000 });
    expect(e.evaluate()).toHaveLength(1);
    // The slow answers leave the window; only timeouts remain in it.
    clock.advance(16 * MIN);
    fail(20);
    e.evaluate();
    expect(openAlerts(t.db)).toHaveLength(1);
    // Answers again, fast: now it clears.
    ok(5, { latencyMs: 1000 });
    e.evaluate();
    expect(openAlerts(t.db)).toEqual([]);
  });
});

describe('cost-per-hour alert', () => {
  it('sums the last 60 minutes and clears when the hour passes', () => {
    const e = engine();
    ok(1, { costUsd: 6 });
    clock.advance(30 * MIN);
    ok(1, { costUsd: 3 });
    expect(e.evaluate()).toEqual([]);
    ok(1, { costUsd: 2 });
    const [alert] = e.evaluate();
    expect(alert).toMatchObject({ kind: 'cost_per_hour', modelId: null, value: 11, threshold: 10 });
    expect(alert!.message).toBe('GradeDesk spent $11.00 in the last hour (threshold $10.00).');
    clock.advance(31 * MIN); // the $6 call leaves the hour: $5 ≤ $8 clears
    e.evaluate();
    expect(openAlerts(t.db)).toEqual([]);
  });
});

describe('alert engine plumbing', () => {
  it('evaluates at most once a second however many attempts arrive, never on the caller\'s stack', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const e = engine();
      const evaluate = vi.spyOn(e, 'evaluate');
      for (let i = 0; i < 100; i++) e.onAttempt();
      expect(evaluate).toHaveBeenCalledTimes(0);
      vi.advanceTimersByTime(0);
      expect(evaluate).toHaveBeenCalledTimes(1);
      clock.advance(999);
      e.onAttempt();
      vi.advanceTimersByTime(0);
      expect(evaluate).toHaveBeenCalledTimes(1);
      clock.advance(1);
      vi.advanceTimersByTime(1);
      expect(evaluate).toHaveBeenCalledTimes(2);
      e.onAttempt();
      vi.advanceTimersByTime(999);
      expect(evaluate).toHaveBeenCalledTimes(2);
      e.close();
      vi.advanceTimersByTime(10_000);
      expect(evaluate).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('judges the end of a burst with one trailing evaluation', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const e = engine();
      e.onAttempt();
      vi.advanceTimersByTime(0); // evaluates: nothing yet
      fail(10);
      for (let i = 0; i < 10; i++) e.onAttempt(); // throttled
      expect(raised).toEqual([]);
      clock.advance(1000);
      vi.advanceTimersByTime(1000);
      expect(raised.map((a) => a.kind)).toEqual(['error_rate']);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('persists alerts and pages them newest first', () => {
    const e = engine({ cooldownMs: 0 });
    for (let i = 0; i < 5; i++) {
      fail(10);
      e.evaluate();
      clock.advance(16 * MIN); // window empties: clears
      e.evaluate();
    }
    const all = e.list({ limit: 200 });
    expect(all).toHaveLength(5);
    expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort((x, y) => y - x));
    const page1 = e.list({ limit: 2 });
    const page2 = e.list({ limit: 2, before: page1[1]!.id });
    const page3 = e.list({ limit: 2, before: page2[1]!.id });
    expect([...page1, ...page2, ...page3].map((a) => a.id)).toEqual(all.map((a) => a.id));
    expect(all.every((a) => a.resolvedAt !== null)).toBe(true);
  });

  it('after a restart keeps the cool-down and clears an alert left open', () => {
    const e1 = engine();
    fail(10);
    expect(e1.evaluate()).toHaveLength(1);
    // a new engine on the same database, with the failures still in the window
    const e2 = engine();
    clock.advance(MIN);
    expect(e2.evaluate()).toEqual([]); // still active: no duplicate
    expect(e2.activeCount()).toBe(1);
    // a fresh window (as after a restart without warm-up): the open alert clears
    metrics = new LiveMetrics({ windowMs: 15 * MIN });
    const e3 = engine();
    e3.evaluate();
    expect(openAlerts(t.db)).toEqual([]);
    fail(10);
    expect(e3.evaluate()).toEqual([]); // cool-down restored from the table
  });

  it('clears an alert left open whose threshold the config no longer sets', () => {
    const e1 = engine();
    fail(10);
    expect(e1.evaluate()).toHaveLength(1);
    const e2 = engine({ thresholds: { responseTimeSeconds: 30, costPerHourUsd: 10 } });
    expect(e2.activeCount()).toBe(1);
    e2.evaluate();
    expect(openAlerts(t.db)).toEqual([]);
    expect(e2.activeCount()).toBe(0);
  });

  it('after a restart closes the older of two alerts left open for one model', () => {
    fail(10);
    const [first] = engine().evaluate();
    // The same alert, raised by a second process (the CLI) on the same database.
    const second = insertAlert(t.db, { createdAt: clock.now() + 1, kind: 'error_rate', severity: 'critical', modelId: 'a', batchId: null, message: first!.message, value: first!.value, threshold: first!.threshold, details: {} });
    expect(openAlerts(t.db)).toHaveLength(2);
    const restarted = engine();
    expect(openAlerts(t.db).map((a) => a.id)).toEqual([second.id]);
    expect(restarted.activeCount()).toBe(1);
    // The one left open still clears by hysteresis.
    metrics = new LiveMetrics({ windowMs: 15 * MIN });
    engine().evaluate();
    expect(openAlerts(t.db)).toEqual([]);
  });

  it('never throws when the database is gone', () => {
    const onError = vi.fn();
    const e = engine({ onError });
    fail(10);
    t.db.close();
    expect(() => e.evaluate()).not.toThrow();
    expect(onError).toHaveBeenCalled();
  });
});
