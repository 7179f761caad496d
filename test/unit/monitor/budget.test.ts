import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpendGuard, type BudgetCaps } from '../../../electron/monitor/budget.ts';
import {
  closeDatabase,
  getReservation,
  localDay,
  openDatabase,
  outstandingReservations,
  spendForBatch,
  spendForDay,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { spendForBatchQuery, spendForDayQuery } from '../../../electron/store/spend.ts';
import { AppError } from '../../../shared/errors.ts';
import { expectAppError } from '../store/helpers.ts';
import { manualClock, seedBatch, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
let clock: ReturnType<typeof manualClock>;

function guard(caps: BudgetCaps, db: WritableDB = t.db, onError?: (e: unknown) => void): SpendGuard {
  return new SpendGuard({ db, caps, now: clock.now, ...(onError ? { onError } : {}) });
}

beforeEach(() => {
  t = tempDb();
  clock = manualClock(new Date(2025, 2, 10, 12, 0, 0).getTime()); // local noon
});
afterEach(() => t.cleanup());

describe('SpendGuard caps', () => {
  it('refuses with BUDGET_EXCEEDED at the batch cap, naming the cap and what was spent', () => {
    const g = guard({ perBatchUsd: 1 });
    g.reserve(0.4, { batchId: 'b_1' });
    g.reserve(0.4, { batchId: 'b_1' });
    const error = expectAppError(() => g.reserve(0.4, { batchId: 'b_1' }), 'BUDGET_EXCEEDED');
    expect(error.message).toContain("This batch's budget of $1.00 is reached: $0.80 is already spent or reserved");
    expect(error.message).toContain('up to $0.40');
    expect(error.details).toMatchObject({ scope: 'batch', batchId: 'b_1', capUsd: 1 });
    // exactly up to the cap is allowed; other batches are separate
    g.reserve(0.2, { batchId: 'b_1' });
    g.reserve(0.9, { batchId: 'b_2' });
    expect(spendForBatch(t.db, 'b_1')).toMatchObject({ reservations: 3, outstanding: 3 });
    expect(spendForBatch(t.db, 'b_1').committedUsd).toBeCloseTo(1, 12);
  });

  it('refuses at the day cap across batches and work without a batch, and starts afresh the next local day', () => {
    const g = guard({ perDayUsd: 1 });
    g.reserve(0.5, { batchId: 'b_1' });
    g.reserve(0.3, { batchId: null });
    const error = expectAppError(() => g.reserve(0.3, { batchId: 'b_2' }), 'BUDGET_EXCEEDED');
    expect(error.message).toContain("Today's budget of $1.00 (budget.per_day_usd) is reached: $0.80");
    expect(error.details).toMatchObject({ scope: 'day', day: localDay(clock.now()) });
    clock.advance(24 * 60 * 60_000);
    expect(() => g.reserve(0.3, { batchId: 'b_2' })).not.toThrow();
    expect(spendForDay(t.db, localDay(clock.now())).committedUsd).toBeCloseTo(0.3, 12);
  });

  it('keeps the demo provider’s made-up spend out of the real day, and the real spend out of the demo’s', () => {
    const g = guard({ perDayUsd: 1 });
    g.reserve(0.9, { batchId: 'demo', simulated: true });
    // A real call still has the whole real day.
    expect(() => g.reserve(0.9, { batchId: 'b_1' })).not.toThrow();
    expect(spendForDay(t.db, localDay(clock.now())).committedUsd).toBeCloseTo(0.9, 12);
    expect(spendForDay(t.db, localDay(clock.now()), { simulated: true }).committedUsd).toBeCloseTo(0.9, 12);
    // Each side meets its own cap.
    expectAppError(() => g.reserve(0.2, { batchId: 'b_2' }), 'BUDGET_EXCEEDED');
    expectAppError(() => g.reserve(0.2, { batchId: 'demo', simulated: true }), 'BUDGET_EXCEEDED');
    expect(g.status().today.committedUsd).toBeCloseTo(0.9, 12);
  });

  it('settles: the actual replaces the estimate; unknown keeps the estimate, marked; settling twice is a no-op', () => {
    const g = guard({ perBatchUsd: 1 });
    const r1 = g.reserve(0.6, { batchId: 'b' });
    expectAppError(() => g.reserve(0.6, { batchId: 'b' }), 'BUDGET_EXCEEDED');
    r1.settle(0.1);
    r1.settle(0.5); // ignored
    expect(getReservation(t.db, r1.id)).toMatchObject({ status: 'settled', estimatedUsd: 0.6, actualUsd: 0.1, actualUnknown: false });
    const r2 = g.reserve(0.6, { batchId: 'b' }); // 0.1 + 0.6 fits now
    r2.settle(null);
    expect(getReservation(t.db, r2.id)).toMatchObject({ status: 'settled', actualUsd: null, actualUnknown: true });
    const totals = spendForBatch(t.db, 'b');
    expect(totals.committedUsd).toBeCloseTo(0.7, 12);
    expect(totals).toMatchObject({ estimatedOnly: 1, outstanding: 0, unpriced: 0 });
    // an actual above the estimate counts in full
    const r3 = g.reserve(0.2, { batchId: 'b' });
    r3.settle(0.35);
    expect(spendForBatch(t.db, 'b').committedUsd).toBeCloseTo(1.05, 12);
    expectAppError(() => g.reserve(0, { batchId: 'b' }), 'BUDGET_EXCEEDED');
  });

  it('lets unpriced calls through below the cap, counts them, and refuses them at the cap', () => {
    const g = guard({ perBatchUsd: 1 });
    const u = g.reserve(null, { batchId: 'b' });
    expect(spendForBatch(t.db, 'b')).toMatchObject({ committedUsd: 0, unpriced: 1 });
    u.settle(0.25); // the provider reported a cost after all: it counts
    expect(spendForBatch(t.db, 'b')).toMatchObject({ committedUsd: 0.25, unpriced: 0 });
    g.reserve(null, { batchId: 'b' }).settle(null);
    expect(spendForBatch(t.db, 'b').unpriced).toBe(1);
    g.reserve(0.75, { batchId: 'b' });
    expectAppError(() => g.reserve(null, { batchId: 'b' }), 'BUDGET_EXCEEDED');
  });

  it('uses a per-batch override, then the cap stored with the batch, then per_batch_usd', () => {
    seedBatch(t.db, 'b_stored', [], 0.5);
    const g = guard({ perBatchUsd: 1 });
    expect(g.capForBatch('b_stored')).toBe(0.5);
    expect(g.capForBatch('b_other')).toBe(1);
    g.setBatchCap('b_other', 2); // the CLI's --budget 2
    g.reserve(1.5, { batchId: 'b_other' });
    g.setBatchCap('b_stored', null); // no cap for this batch
    g.reserve(5, { batchId: 'b_stored' });
    expectAppError(() => g.setBatchCap('x', -1), 'INVALID_INPUT');
    expectAppError(() => g.reserve(Number.NaN, { batchId: null }), 'INVALID_INPUT');
    expect(g.status({ batchId: 'b_other' }).batch).toMatchObject({ capUsd: 2, remainingUsd: 0.5 });
  });

  it('counts reservations a crashed process left behind until they are released explicitly', () => {
    const g = guard({ perBatchUsd: 1 });
    g.reserve(0.9, { batchId: 'b' }); // never settled: the process "dies"
    closeDatabase(t.db);
    const db2 = openDatabase(t.file);
    try {
      const g2 = guard({ perBatchUsd: 1 }, db2);
      expectAppError(() => g2.reserve(0.2, { batchId: 'b' }), 'BUDGET_EXCEEDED');
      expect(outstandingReservations(db2)).toHaveLength(1);
      clock.advance(60_000);
      expect(g2.releaseStale(120_000)).toBe(0); // not old enough
      expect(g2.releaseStale(30_000)).toBe(1);
      expect(() => g2.reserve(0.2, { batchId: 'b' })).not.toThrow();
    } finally {
      closeDatabase(db2);
    }
  });

  it('judges a cap met exactly as met, whatever the float sums say', () => {
    const g = guard({ perBatchUsd: 0.3 });
    for (let i = 0; i < 2; i++) g.reserve(0.1, { batchId: 'b' }).settle(0.1);
    expect(() => g.reserve(0.1, { batchId: 'b' })).not.toThrow(); // 0.1 + 0.1 + 0.1 fits 0.3
    const h = guard({ perBatchUsd: 0.9 });
    h.reserve(0.7, { batchId: 'c' }).settle(0.7);
    h.reserve(0.2, { batchId: 'c' }).settle(0.2);
    expectAppError(() => h.reserve(null, { batchId: 'c' }), 'BUDGET_EXCEEDED'); // 0.7 + 0.2 used it up
  });

  it('counts a call released as stale that settles after all: its cost was real', () => {
    const g = guard({ perBatchUsd: 1 });
    const running = g.reserve(0.9, { batchId: 'b' });
    clock.advance(60_000);
    expect(g.releaseStale(30_000)).toBe(1); // it was still running
    running.settle(0.9);
    expect(g.status({ batchId: 'b' }).batch).toMatchObject({ committedUsd: 0.9 });
    expectAppError(() => g.reserve(0.2, { batchId: 'b' }), 'BUDGET_EXCEEDED');
  });

  it('refuses (INTERNAL_ERROR) when the ledger cannot be read, but never throws from settle', () => {
    const onError = vi.fn();
    const g = guard({ perBatchUsd: 1 }, t.db, onError);
    const r = g.reserve(0.1, { batchId: 'b' });
    closeDatabase(t.db);
    expect(() => r.settle(0.05)).not.toThrow();
    expect(onError).toHaveBeenCalled();
    expectAppError(() => g.reserve(0.1, { batchId: 'b' }), 'INTERNAL_ERROR');
  });
});

/** Deterministic pseudo-random numbers for the property tests. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function yieldRandomly(rand: () => number): Promise<void> {
  const turns = Math.floor(rand() * 4);
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('SpendGuard under concurrency', () => {
  it.each([1, 2, 3])('200 interleaved reservations never push spend past the cap by more than admitted calls overshot (seed %i)', async (seed) => {
    const rand = lcg(seed);
    const caps = { perBatchUsd: 3, perDayUsd: 5 };
    // two connections to the same file, as the app and the CLI would have
    const db2 = openDatabase(t.file);
    const guards = [guard(caps), guard(caps, db2)];
    let overshoot = 0; // Σ (actual − estimate)+ of settled calls: the only way past a cap
    let inFlight = 0;
    let maxInFlight = 0;
    let admitted = 0;
    let refused = 0;
    const day = localDay(clock.now());
    const check = (): void => {
      for (const batchId of ['b_1', 'b_2']) {
        expect(spendForBatch(t.db, batchId).committedUsd).toBeLessThanOrEqual(caps.perBatchUsd + overshoot + 1e-9);
      }
      expect(spendForDay(t.db, day).committedUsd).toBeLessThanOrEqual(caps.perDayUsd + overshoot + 1e-9);
    };

    const task = async (i: number): Promise<void> => {
      await yieldRandomly(rand);
      const g = guards[i % 2]!;
      const batchId = rand() < 0.5 ? 'b_1' : 'b_2';
      const estimate = 0.01 + rand() * 0.09;
      let reservation;
      try {
        reservation = g.reserve(estimate, { batchId });
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('BUDGET_EXCEEDED');
        // a refusal is only ever justified: the estimate really would not have fit
        const batch = spendForBatch(t.db, batchId).committedUsd;
        const today = spendForDay(t.db, day).committedUsd;
        expect(batch + estimate > caps.perBatchUsd || today + estimate > caps.perDayUsd).toBe(true);
        refused += 1;
        return;
      }
      admitted += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      check();
      await yieldRandomly(rand);
      const r = rand();
      const actual = r < 0.15 ? null : estimate * rand() * 1.3; // some cost more than estimated
      if (actual !== null) overshoot += Math.max(0, actual - estimate);
      reservation.settle(actual);
      inFlight -= 1;
      check();
    };

    await Promise.all(Array.from({ length: 200 }, (_, i) => task(i)));
    closeDatabase(db2);
    expect(admitted + refused).toBe(200);
    expect(refused).toBeGreaterThan(0); // the caps were reached
    expect(maxInFlight).toBeGreaterThan(5); // calls really were in flight together
    const today = spendForDay(t.db, day);
    expect(today.outstanding).toBe(0);
    expect(today.committedUsd).toBeGreaterThan(caps.perDayUsd - 1); // the day cap was used, not wasted
  });

  it('holds the cap across processes reserving on the same file at once', async () => {
    const run = promisify(execFile);
    const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'spend-child.ts');
    const cap = 2;
    const outputs = await Promise.all(
      [11, 22, 33, 44].map((seed) =>
        run(process.execPath, ['--import', 'tsx', child, t.file, 'b_shared', String(cap), '80', String(seed)], {
          cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..'),
        }),
      ),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout) as { admitted: number; refused: number });
    const admitted = results.reduce((n, r) => n + r.admitted, 0);
    expect(admitted + results.reduce((n, r) => n + r.refused, 0)).toBe(320);
    const totals = spendForBatch(t.db, 'b_shared');
    expect(totals.reservations).toBe(admitted);
    // every actual was at most its estimate, so the ledger never passed the cap
    expect(totals.committedUsd).toBeLessThanOrEqual(cap + 1e-9);
    expect(totals.committedUsd).toBeGreaterThan(0);
  }, 60_000);
});

describe('spend ledger query plans', () => {
  const plan = (q: { text: string; params: readonly unknown[] }): string =>
    (t.db.prepare(`EXPLAIN QUERY PLAN ${q.text}`).all(...q.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');

  it('sums a batch and a day from their covering indexes', () => {
    expect(plan(spendForBatchQuery('b'))).toMatch(/USING COVERING INDEX spend_reservations_batch \(batch_id=\?\)/);
    expect(plan(spendForDayQuery('2025-03-10'))).toMatch(/USING COVERING INDEX spend_reservations_day \(day=\? AND simulated=\?\)/);
  });
});
