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
    // 16·(1 + T/0.6) + 8·(1 + 5/0.6) = 300 at T = 7.85 s, + a short last latency (0.6 − 2·0.2 s).
    const bound = runBound({ scenario: s, models: MODELS, requests: [], epochWall: EPOCH, concurrencyPerModel: 8 });
    expect(bound.attemptsNeeded).toBe(300);
    expect(bound.seconds).toBeCloseTo(7.85 + 0.2, 1);
  });

  it("counts the attempts the faults forced, but not the down window, and leaves out a model's last block", () => {
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
    // One block each: it may have ended after the model's last send, so it costs nothing certain.
    expect(bound.blockedS).toEqual({ 'bench/alpha': 0, 'bench/beta': 0, 'bench/gamma': 0 });
    expect(bound.seconds).toBeGreaterThan(clean.seconds);
  });

  it('takes the blocked time from the model that answered the faults', () => {
    const dense = log(Array.from({ length: 100 }, (_, i) => ({ model: 'bench/alpha', atS: i / 10, outcome: i % 4 === 0 ? ('rate_limit_429' as const) : ('ok' as const) })));
    const bound = runBound({ scenario: s, models: MODELS, requests: dense, epochWall: EPOCH, concurrencyPerModel: 8 });
    // 25 blocks of 2 s on alpha, its last left out: 48 s of alpha's sending time gone. beta and
    // gamma reach their window's 120 by 28.4 s; alpha must carry the other 85 after 48 s:
    // 8·(1 + (T − 48)/0.6) = 85 at T = 53.8 s.
    expect(bound.blockedS['bench/alpha']).toBe(48);
    expect(bound.seconds).toBeCloseTo(53.8 + 0.2, 1);
  });
});
