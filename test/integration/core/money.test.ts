import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('costs', () => {
  it('a batch with faults records exactly what the simulator billed, to the micro-dollar', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 5 });
    sim.setProfile({
      stallMs: 500,
      faults: {
        sse_error_event: { rate: 0.1 },
        stall_mid_stream: { rate: 0.05 },
        truncated_stream: { rate: 0.1 },
        malformed_json: { rate: 0.05 },
        schema_invalid: { rate: 0.1 },
        server_error_500: { rate: 0.1 },
        rate_limit_429: { rate: 0.05, retryAfterMs: 30 },
      },
    });
    const sink = new CollectingSink();
    const lenient = { consecutiveFailures: 1000, failureRate: 1.1, windowSize: 10, minimumCalls: 1000, openMs: 1, maxOpenMs: 1 };
    for (const stream of [true, false]) {
      const manager = makeManager(simModels(sim.baseUrl), sink, { stream, maxConcurrency: 6, breaker: lenient, timeouts: { connectMs: 1000, firstByteMs: 300, idleMs: 300, totalMs: 4000 } });
      const outcomes = await Promise.all(Array.from({ length: 40 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
      expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(30);
    }
    await new Promise((r) => setTimeout(r, 50));
    const ledger = sim.ledger();
    expect(ledger.entries.length).toBeGreaterThan(80);
    expect(Math.abs(sink.totalCost() - ledger.totalUsd)).toBeLessThan(1e-6);
    // no cost is missing: every attempt the simulator billed has a known cost on our side
    expect(sink.rows.filter((r) => r.costUsd === null)).toEqual([]);
    // failures the provider billed (broken streams) carry their cost too
    const billedFailures = sink.rows.filter((r) => r.status === 'error' && (r.costUsd ?? 0) > 0);
    expect(billedFailures.length).toBeGreaterThan(0);
  });

  it('without a provider cost, estimates from the price table; an unpriced model is unknown, never $0', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, reportCost: false });
    const sink = new CollectingSink();
    const priced = makeManager(simModels(sim.baseUrl), sink, { stream: true });
    const a = await priced.execute(gradingRequest(), { purpose: 'grading' });
    expect(a.ok).toBe(true);
    const row = sink.rows[0]!;
    expect(row.costSource).toBe('estimate');
    expect(row.costUsd).toBeCloseTo(row.promptTokens! * 1e-7 + row.completionTokens! * 4e-7, 12);
    // sim/fast is billed at the same prices as our table says, so the estimate is exact
    expect(row.costUsd).toBeCloseTo(sim.ledger().totalUsd, 9);

    const noPrice = { input_cost_per_token: undefined, output_cost_per_token: undefined };
    // A plain OpenAI-compatible endpoint that reports no cost, for a model with no price: unknown.
    const unpricedSink = new CollectingSink();
    const unpriced = makeManager(simModels(sim.baseUrl, { A: { ...noPrice, api: 'openai' } }), unpricedSink, { stream: false });
    const b = await unpriced.execute(gradingRequest(), { purpose: 'grading' });
    expect(b).toMatchObject({ ok: true, modelId: 'A', costUsd: null, costUnpriced: true });
    expect(unpricedSink.rows[0]).toMatchObject({ costUsd: null, costSource: 'unpriced' });

    // OpenRouter can tell afterwards what a generation cost: that beats not knowing.
    sim.reset();
    const lookupSink = new CollectingSink();
    const lookup = makeManager(simModels(sim.baseUrl, { A: noPrice }), lookupSink, { stream: false });
    const c = await lookup.execute(gradingRequest(), { purpose: 'grading' });
    expect(lookupSink.rows[0]).toMatchObject({ costSource: 'generation_lookup' });
    expect(c.costUsd).toBeCloseTo(sim.ledger().totalUsd, 12);
  });
});

describe('breakers everywhere open', () => {
  it('waits for the first to half-open within the deadline instead of failing at once', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    sim.setProfile({ faults: { server_error_500: { at: [1, 2, 3, 4] } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, {
      backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 },
      breaker: { consecutiveFailures: 2, failureRate: 1.1, windowSize: 10, minimumCalls: 100, openMs: 300, maxOpenMs: 1000 },
      maxAttempts: 6,
    });
    const started = Date.now();
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // A failed twice (open), B failed twice (open), then the first to half-open answered
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? 'ok'}`)).toEqual(['A:server_error', 'A:server_error', 'B:server_error', 'B:server_error', 'A:ok']);
  });
});
