import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('routing while a request waits', () => {
  it('leaves a long rate-limit wait for a model that comes back meanwhile', async () => {
    sim = await startSimulator({ keys: { 'sk-a': {}, 'sk-b': {} } });
    // B's first request fails (its breaker opens for 400 ms); A may take one request a minute.
    sim.setProfile({ faults: { server_error_500: { at: [2] } } });
    const models = simModels(sim.baseUrl, { A: { rpm: 1, api_key_env: 'KEY_A' }, B: { api_key_env: 'KEY_B' } });
    const sink = new CollectingSink();
    const manager = makeManager(
      models,
      sink,
      {
        stream: false,
        deadlineMs: 120_000,
        backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 },
        breaker: { consecutiveFailures: 1, failureRate: 1.1, windowSize: 10, minimumCalls: 100, openMs: 400, maxOpenMs: 1000 },
      },
      { keys: { KEY_A: 'sk-a', KEY_B: 'sk-b' } },
    );

    expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    const started = Date.now();
    const second = await manager.execute(gradingRequest(), { purpose: 'grading' });
    const elapsed = Date.now() - started;

    // Without looking again it would sleep out A's minute (the deadline allows it).
    expect(second).toMatchObject({ ok: true, modelId: 'B', attempts: 2 });
    expect(elapsed).toBeLessThan(10_000);
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? 'ok'}`)).toEqual(['A:ok', 'B:server_error', 'B:ok']);
    expect(sim.requests().map((r) => r.model)).toEqual(['sim/fast', 'sim/smart', 'sim/smart']);
    expect(sink.rows[2]?.waitedMs).toBeGreaterThan(0);
  });
});
