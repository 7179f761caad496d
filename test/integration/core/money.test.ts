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

  it('calls cancelled before their answer, mid-stream or not at all record exactly what the simulator billed', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 8 });
    // Headers at 300 ms (a stream's first content) and the whole answer by 600 ms: a cancel at
    // 30 ms comes before any answer (billed by neither side), one at 450 ms in the middle of a
    // stream (billed for what was emitted) or before a whole JSON answer (billed by neither).
    sim.setProfile({ ttftMs: 300, latencyMs: 600 });
    const sink = new CollectingSink();
    const outcomes = [];
    for (const stream of [true, false]) {
      const manager = makeManager(simModels(sim.baseUrl), sink, { stream, maxConcurrency: 6, timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 2000, totalMs: 4000 } });
      // The key's first use is sent alone (a probe): after it, all six leave at once.
      expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
      outcomes.push(
        ...(await Promise.all(
          // Six at a time: within the model's max_concurrency, so every call leaves at once.
          Array.from({ length: 6 }, (_, i) => {
            const cancel = [30, 450, null][i % 3] ?? null;
            const signal = cancel === null ? undefined : AbortSignal.timeout(cancel);
            return manager.execute(gradingRequest(`Essay ${i} argues that homework should be optional.`), { purpose: 'grading', ...(signal ? { signal } : {}) });
          }),
        )),
      );
    }
    expect(outcomes.filter((o) => o.ok)).toHaveLength(4);
    expect(outcomes.filter((o) => !o.ok && o.error.code === 'ABORTED')).toHaveLength(8);
    expect(sink.rows).toHaveLength(14);
    expect(sink.rows.filter((r) => r.errorClass === 'aborted')).toHaveLength(8);
    const ledger = sim.ledger();
    // What the provider billed: the 6 answers and the 2 streams cut in the middle.
    expect(ledger.entries).toHaveLength(8);
    expect(sink.rows.filter((r) => r.costUsd === null)).toEqual([]);
    expect(sink.rows.filter((r) => r.errorClass === 'aborted' && (r.costUsd ?? 0) > 0)).toHaveLength(2);
    expect(Math.abs(sink.totalCost() - ledger.totalUsd)).toBeLessThan(1e-9);
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
