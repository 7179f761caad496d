import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('a billed answer the provider did not price', () => {
  it('a plain OpenAI-compatible stream cut before its usage is estimated from what arrived, not left out', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 3, reportCost: false });
    // Every broken stream (the first attempt) loses its usage chunk; the retry answers whole.
    sim.setProfile({ faults: { truncated_stream: { at: [1] } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl, { A: { api: 'openai' } }), sink, { stream: true });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    expect(outcome.ok).toBe(true);
    const broken = sink.rows[0]!;
    expect(broken).toMatchObject({ status: 'error', errorClass: 'truncated', costSource: 'estimate', promptTokens: null });
    const billed = sim.ledger().entries.find((e) => e.n === 1)!;
    expect(billed.costUsd).toBeGreaterThan(0);
    // The estimate is in the provider's range (its tokenizer is not ours), never 0 or unknown.
    expect(broken.costUsd).toBeGreaterThan(billed.costUsd * 0.5);
    expect(broken.costUsd).toBeLessThan(billed.costUsd * 2);
    expect(outcome.costUnpriced).toBe(false);
    expect(outcome.costUsd).toBeGreaterThan(sink.rows[1]!.costUsd!);
  });

  it('a whole JSON answer cut on the wire or not JSON at all is estimated with the text it held', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 3, reportCost: false });
    sim.setProfile({ faults: { truncated_stream: { at: [1] }, malformed_json: { at: [2] } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl, { A: { api: 'openai' } }), sink, { stream: false });
    expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    const answered = sink.rows[2]!;
    for (const [index, errorClass] of [[0, 'truncated'], [1, 'malformed']] as const) {
      const row = sink.rows[index]!;
      expect(row).toMatchObject({ status: 'error', errorClass, costSource: 'estimate', promptTokens: null });
      // The same answer each time (same prompt, same seed): the text that came counts, so
      // the estimate is well above the prompt alone.
      const billed = sim.ledger().entries.find((e) => e.n === index + 1)!;
      expect(row.costUsd).toBeGreaterThan(billed.costUsd * 0.75);
      expect(row.costUsd).toBeLessThan(billed.costUsd * 2);
    }
    expect(answered).toMatchObject({ status: 'ok', costSource: 'estimate' });
  });

  it('a model without a price stays unpriced: a guess at zero would be silently low', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 3, reportCost: false });
    sim.setProfile({ faults: { truncated_stream: { at: [1] } } });
    const sink = new CollectingSink();
    const noPrice = { api: 'openai' as const, input_cost_per_token: undefined, output_cost_per_token: undefined };
    const manager = makeManager(simModels(sim.baseUrl, { A: noPrice }), sink, { stream: true });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    expect(sink.rows[0]).toMatchObject({ status: 'error', costUsd: null, costSource: 'unpriced' });
    expect(outcome).toMatchObject({ costUsd: null, costUnpriced: true });
  });
});
