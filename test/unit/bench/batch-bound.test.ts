import { describe, expect, it } from 'vitest';
import { runBound } from '../../../bench/batch-bound.ts';
import { scenarioFor } from '../../../bench/scenario.ts';
import type { ReceivedRequest } from '../../../electron/simulator/index.ts';

const MODELS = ['bench/alpha', 'bench/beta', 'bench/gamma'];
const EPOCH = 1_000_000;

function log(outcomes: Array<{ model: string; atS: number; outcome: ReceivedRequest['outcome'] }>): ReceivedRequest[] {
  return outcomes.map((o, i) => ({ n: i + 1, at: EPOCH + o.atS * 1000, model: o.model, key: null, headers: {}, body: null, outcome: o.outcome }));
}

describe("bench 2's bound", () => {
  const s = scenarioFor(false, 7);

  it('without faults is what the windows, the down time and 8 in flight at 0.6 s allow', () => {
    // alpha and gamma send 8·(1 + T/0.6) each until their 120; beta had 5 s before going down:
    // 16·(1 + T/0.6) + 8·(1 + 5/0.6) = 300 at T = 7.85 s, + one mean latency.
    const bound = runBound({ scenario: s, models: MODELS, requests: [], epochWall: EPOCH, concurrencyPerModel: 8 });
    expect(bound.attemptsNeeded).toBe(300);
    expect(bound.seconds).toBeCloseTo(7.85 + 0.6, 1);
  });

  it('counts the attempts the faults forced and the Retry-After time they blocked, but not the down window', () => {
    const faults = log([
      ...Array.from({ length: 20 }, (_, i) => ({ model: 'bench/alpha', atS: i, outcome: 'ok' as const })),
      { model: 'bench/alpha', atS: 21, outcome: 'rate_limit_429' },
      { model: 'bench/gamma', atS: 22, outcome: 'unavailable_503' },
      // Inside beta's down window: the client's choice, not a fault the batch was forced to meet.
      { model: 'bench/beta', atS: 10, outcome: 'unavailable_503' },
    ]);
    const clean = runBound({ scenario: s, models: MODELS, requests: [], epochWall: EPOCH, concurrencyPerModel: 8 });
    const bound = runBound({ scenario: s, models: MODELS, requests: faults, epochWall: EPOCH, concurrencyPerModel: 8 });
    expect(bound.attemptsNeeded).toBe(302);
    expect(bound.blockPerAttemptS).toBeCloseTo((2 + 1) / 22, 6);
    expect(bound.seconds).toBeGreaterThan(clean.seconds);
  });

  it('grows with the block density: a key that is blocked half the time serves about half as much', () => {
    const dense = log(Array.from({ length: 100 }, (_, i) => ({ model: 'bench/alpha', atS: i / 10, outcome: i % 4 === 0 ? ('rate_limit_429' as const) : ('ok' as const) })));
    const bound = runBound({ scenario: s, models: MODELS, requests: dense, epochWall: EPOCH, concurrencyPerModel: 8 });
    // β = 25 · 2 s / 100 = 0.5 s per attempt: capacity falls by 1 + 0.5·8/0.6 ≈ 7.7.
    expect(bound.blockPerAttemptS).toBeCloseTo(0.5, 6);
    expect(bound.seconds).toBeGreaterThan(25);
  });
});
