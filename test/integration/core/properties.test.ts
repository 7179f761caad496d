import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { modelScope } from '../../../electron/api/routing/model-registry.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { ApiCallRow } from '../../../electron/store/api-calls.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ keys: { 'sk-sim': {}, 'sk-other': {} }, seed: 11 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const ALL_TRANSIENT = {
  server_error_500: { rate: 0.1 },
  bad_gateway_502: { rate: 0.05 },
  unavailable_503: { rate: 0.05, retryAfterMs: 50 },
  rate_limit_429: { rate: 0.05, retryAfterMs: 80 },
  connection_reset: { rate: 0.05 },
  stall_before_first_byte: { rate: 0.03 },
  stall_mid_stream: { rate: 0.03 },
  sse_error_event: { rate: 0.03 },
  truncated_stream: { rate: 0.03 },
  malformed_json: { rate: 0.03 },
  schema_invalid: { rate: 0.05 },
  empty_completion: { rate: 0.03 },
  gateway_timeout_504: { rate: 0.03 },
};

function groupByRequest(rows: ApiCallRow[]): Map<string, ApiCallRow[]> {
  const map = new Map<string, ApiCallRow[]>();
  for (const row of rows) map.set(row.requestId, [...(map.get(row.requestId) ?? []), row]);
  return map;
}

describe('call manager properties under random faults', () => {
  it('never exceeds the attempt budget, and records every attempt the simulator saw', async () => {
    sim.setProfile({ stallMs: 600, latencyMs: { min: 0, max: 20 }, faults: ALL_TRANSIENT });
    const sink = new CollectingSink();
    // Breakers would (rightly) open at this fault rate; this test is about the attempt budget.
    const lenient = { consecutiveFailures: 1000, failureRate: 1.1, windowSize: 10, minimumCalls: 1000, openMs: 1, maxOpenMs: 1 };
    const manager = makeManager(simModels(sim.baseUrl), sink, { stream: true, maxAttempts: 3, maxConcurrency: 8, breaker: lenient });
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    for (const o of outcomes) expect(o.attempts).toBeLessThanOrEqual(3);
    for (const rows of groupByRequest(sink.rows).values()) expect(rows.length).toBeLessThanOrEqual(3);
    expect(sink.rows).toHaveLength(sim.requests().length);
    // with about half of all requests faulted, three attempts still carry most requests through
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(30);
    // attempt numbers are 1..n within each request
    for (const rows of groupByRequest(sink.rows).values()) expect(rows.map((r) => r.attempt)).toEqual(rows.map((_, i) => i + 1));
    // the money: every recorded cost adds up to the simulator's ledger
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.totalCost()).toBeCloseTo(sim.ledger().totalUsd, 6);
  });

  it('never runs past the deadline by more than one attempt timeout', async () => {
    sim.setProfile({ stallMs: 5000, faults: { stall_before_first_byte: { rate: 1 } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, {
      maxAttempts: 50,
      timeouts: { connectMs: 1000, firstByteMs: 250, idleMs: 250, totalMs: 2000 },
    });
    const started = Date.now();
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', deadlineMs: 900 });
    const took = Date.now() - started;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.error.code).toMatch(/DEADLINE_EXCEEDED|NO_MODEL_AVAILABLE/);
    expect(took).toBeLessThan(900 + 250 + 150);
  });

  it('sends nothing to a model whose breaker is open, and probes it once when it half-opens', async () => {
    sim.setProfile({ models: { 'sim/fast': { faults: { server_error_500: { rate: 1 } } } } });
    const sink = new CollectingSink();
    let clock = 1_000_000;
    const manager = makeManager(simModels(sim.baseUrl), sink, {
      breaker: { consecutiveFailures: 2, failureRate: 1, windowSize: 10, minimumCalls: 10, openMs: 60_000, maxOpenMs: 120_000 },
      backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 },
    });
    // Freeze the breaker's clock: only the test moves it.
    (manager as unknown as { now: () => number }).now = () => clock;
    for (let i = 0; i < 6; i++) expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    const toA = () => sim.requests().filter((r) => r.model === 'sim/fast').length;
    expect(toA()).toBe(2);
    expect(manager.breakerState('A')).toBe('open');
    clock += 60_001;
    expect(manager.breakerState('A')).toBe('half_open');
    // Both choose A before either sends; only one may probe it, and the other goes to B.
    const [probe, other] = await Promise.all([1, 2].map(() => manager.execute(gradingRequest(), { purpose: 'grading' })));
    expect(probe!.ok).toBe(true);
    expect(other!.ok).toBe(true);
    expect(toA()).toBe(3);
    expect(manager.breakerState('A')).toBe('open');
    // The request the breaker turned away gave its rate-limit slot back: A's minute counts one.
    expect(manager.pacer.report(clock).find((s) => s.scope === modelScope('A'))?.requestsLastMinute).toBe(1);
  });

  it('after a 429 with Retry-After, starts nothing on that key before the time it named', async () => {
    sim.setProfile({ rateLimit: { rpm: 4, windowMs: 600 } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, { maxConcurrency: 6, stream: false });
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const limited = sink.rows.filter((r) => r.errorClass === 'rate_limit');
    expect(limited.length).toBeGreaterThan(0);
    for (const hit of limited) {
      const [, waitText] = /retry_same:(\d+)ms/.exec(hit.decision ?? '') ?? [];
      const blockedUntil = hit.startedAt + (hit.latencyMs ?? 0) + Number(waitText ?? 0);
      const early = sink.rows.filter((r) => r.startedAt > hit.startedAt + (hit.latencyMs ?? 0) && r.startedAt < blockedUntil - 5);
      expect(early).toEqual([]);
    }
  });

  it('cancelling stops every in-flight call and every wait at once', async () => {
    sim.setProfile({ latencyMs: 3000, ttftMs: 2000 });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, { timeouts: { connectMs: 1000, firstByteMs: 10_000, idleMs: 10_000, totalMs: 10_000 } });
    const controller = new AbortController();
    const started = Date.now();
    const calls = Array.from({ length: 5 }, () => manager.execute(gradingRequest(), { purpose: 'grading', signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const outcomes = await Promise.all(calls);
    expect(Date.now() - started).toBeLessThan(1000);
    for (const o of outcomes) expect(o.ok ? 'ok' : o.error.code).toBe('ABORTED');
  });
});
