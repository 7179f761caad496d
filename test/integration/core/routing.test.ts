import { afterEach, describe, expect, it } from 'vitest';
import type { CallManager } from '../../../electron/api/call-manager.ts';
import { startSimulator, type FaultProfile, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { modelEntry } from '../../../electron/api/routing/model-registry.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

/**
 * Two models on their own keys: A paced to `rpmA` a minute, B whose breaker opens on one
 * failure for `openMs` (doubling up to twice that); immediate backoff and a deadline long
 * enough to sleep out A's minute, so only routing can make a request finish early.
 */
async function twoModels(opts: { faults: FaultProfile['faults']; rpmA: number; openMs: number; maxAttempts?: number }): Promise<{ manager: CallManager; sink: CollectingSink; simulator: SimulatorHandle }> {
  const simulator = await startSimulator({ keys: { 'sk-a': {}, 'sk-b': {} } });
  sim = simulator;
  simulator.setProfile({ faults: opts.faults });
  const models = simModels(simulator.baseUrl, { A: { rpm: opts.rpmA, api_key_env: 'KEY_A' }, B: { api_key_env: 'KEY_B' } });
  const sink = new CollectingSink();
  const manager = makeManager(
    models,
    sink,
    {
      stream: false,
      deadlineMs: 120_000,
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
      backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 },
      breaker: { consecutiveFailures: 1, failureRate: 1.1, windowSize: 10, minimumCalls: 100, openMs: opts.openMs, maxOpenMs: opts.openMs * 2 },
    },
    { keys: { KEY_A: 'sk-a', KEY_B: 'sk-b' } },
  );
  return { manager, sink, simulator };
}

describe('routing while a request waits', () => {
  it('leaves a long rate-limit wait for a model that comes back meanwhile', async () => {
    // B's first request fails (its breaker opens for 400 ms); A may take one request a minute.
    const { manager, sink, simulator } = await twoModels({ faults: { server_error_500: { at: [2] } }, rpmA: 1, openMs: 400 });

    expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    const started = Date.now();
    const second = await manager.execute(gradingRequest(), { purpose: 'grading' });
    const elapsed = Date.now() - started;

    // Without looking again it would sleep out A's minute (the deadline allows it).
    expect(second).toMatchObject({ ok: true, modelId: 'B', attempts: 2 });
    expect(elapsed).toBeLessThan(10_000);
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? 'ok'}`)).toEqual(['A:ok', 'B:server_error', 'B:ok']);
    expect(simulator.requests().map((r) => r.model)).toEqual(['sim/fast', 'sim/smart', 'sim/smart']);
    expect(sink.rows[2]?.waitedMs).toBeGreaterThan(0);
  });
});

describe('routing after a stall, when every model not yet tried must wait', () => {
  it('goes back at once to the model that stalled, if it can start now', async () => {
    // A may take one request a minute (the first uses it); B's first answer hangs before its
    // first byte (B's breaker tolerates one failure). The request must switch, but A's turn is
    // a minute away while B can start now.
    const simulator = await startSimulator({ keys: { 'sk-a': {}, 'sk-b': {} }, profile: { latencyMs: 30, ttftMs: 0, stallMs: 20_000 } });
    sim = simulator;
    simulator.setProfile({ latencyMs: 30, ttftMs: 0, stallMs: 20_000, faults: { stall_before_first_byte: { at: [2] } } });
    const models = simModels(simulator.baseUrl, { A: { rpm: 1, api_key_env: 'KEY_A' }, B: { api_key_env: 'KEY_B' } });
    const sink = new CollectingSink();
    const manager = makeManager(
      models,
      sink,
      {
        stream: false,
        deadlineMs: 120_000,
        timeouts: { connectMs: 2000, firstByteMs: 400, idleMs: 400, totalMs: 10_000 },
        backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 },
        breaker: { consecutiveFailures: 5, failureRate: 1.1, windowSize: 10, minimumCalls: 100, openMs: 1000, maxOpenMs: 2000 },
      },
      { keys: { KEY_A: 'sk-a', KEY_B: 'sk-b' } },
    );
    expect((await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })).ok).toBe(true);

    const second = await manager.execute(gradingRequest(), { purpose: 'grading' });

    expect(second).toMatchObject({ ok: true, modelId: 'B', attempts: 2 });
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? 'ok'}`)).toEqual(['A:ok', 'B:stall_first_byte', 'B:ok']);
    // Waited before its second try: only what the stall itself took (its 400 ms first-byte
    // timeout is not a wait), never a step of sleeping on A's minute first (1 s or more).
    expect(sink.rows[2]?.waitedMs).toBeLessThan(500);
  }, 30_000);
});

describe('routing while a request waits, after it has moved before', () => {
  it('still leaves a long wait for a model that comes back, however often it moved already', async () => {
    // B fails four times in a row (its breaker opens for a moment after each); A may take one
    // request a minute. Each failure sends the request to sleep on A's minute, and each time B
    // comes back it moves there again: the fifth time it must still move, not sleep out A.
    const { manager, sink } = await twoModels({ faults: { server_error_500: { at: [2, 3, 4, 5] } }, rpmA: 1, openMs: 300, maxAttempts: 8 });

    expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    const started = Date.now();
    const second = await manager.execute(gradingRequest(), { purpose: 'grading' });
    const elapsed = Date.now() - started;

    expect(second).toMatchObject({ ok: true, modelId: 'B', attempts: 5 });
    // Four moves back to B, each after at most a second's look: far from A's minute.
    expect(elapsed).toBeLessThan(15_000);
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? 'ok'}`)).toEqual(['A:ok', 'B:server_error', 'B:server_error', 'B:server_error', 'B:server_error', 'B:ok']);
  }, 90_000);
});

describe('routing while a request waits, when a Retry-After pushes its turn a window away', () => {
  it('keeps looking for a model that can take it instead of sleeping out the window', async () => {
    // Request 2 (to B) fails and opens B's breaker for 1.5 s; request 3 (to A) is a 429 with
    // Retry-After 1 s. A allows three requests a minute.
    const { manager, sink } = await twoModels({ faults: { server_error_500: { at: [2] }, rate_limit_429: { at: [3], retryAfterMs: 1000 } }, rpmA: 3, openMs: 1500 });
    expect((await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })).ok).toBe(true);
    const onB = manager.execute(gradingRequest(), { purpose: 'grading', pool: ['B'] });
    // Bounded: until B's failure is answered (its breaker is then open), 5 s at most.
    for (let i = 0; i < 500 && sink.rows.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? 'ok'}`)).toEqual(['A:ok', 'B:server_error']);

    // Three at once, all to A (B is open): the first gets the 429; the second had a slot 20 ms
    // later, and after the block the only slot left is a minute away, behind the third's.
    const started = Date.now();
    const three = await Promise.all([1, 2, 3].map(() => manager.execute(gradingRequest(), { purpose: 'grading' })));
    const elapsed = Date.now() - started;
    expect((await onB).ok).toBe(true);

    expect(three.map((r) => r.ok)).toEqual([true, true, true]);
    // Each ends on B once it is back, seconds later, not when A's minute is over.
    expect(elapsed).toBeLessThan(15_000);
  }, 90_000);
});

describe('the first request on a key', () => {
  it('goes alone: a wrong key costs one 401, not one per request in flight', async () => {
    sim = await startSimulator({ keys: { 'sk-right': {} } });
    const models = simModels(sim.baseUrl, { A: { max_concurrency: 8 } }).filter((m) => m.id === 'A');
    const sink = new CollectingSink();
    const manager = makeManager(models, sink, { stream: false }, { keys: { SIM_KEY: 'sk-wrong' } });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    expect(sim.requests()).toHaveLength(1);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toContain('INVALID_API_KEY');
    expect(sink.rows).toHaveLength(1);
  });

  it('the others follow its answer, so they are not held up afterwards', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 150, ttftMs: 0 } });
    const models = simModels(sim.baseUrl).filter((m) => m.id === 'A');
    const sink = new CollectingSink();
    const manager = makeManager(models, sink, { stream: false });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const arrivals = sim.requests().map((r) => r.at);
    const first = Math.min(...arrivals);
    // One request, then after its answer (≥ its 150 ms latency) the other four together.
    expect(arrivals.filter((at) => at - first < 100)).toHaveLength(1);
    const rest = arrivals.filter((at) => at - first >= 100);
    expect(rest).toHaveLength(4);
    expect(Math.max(...rest) - Math.min(...rest)).toBeLessThan(100);
    // A second wave on the now-known key goes at once.
    const before = sim.requests().length;
    await Promise.all(Array.from({ length: 4 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    const wave = sim.requests().slice(before).map((r) => r.at);
    expect(Math.max(...wave) - Math.min(...wave)).toBeLessThan(100);
  });
});

describe('the first request on a key, streamed or stuck', () => {
  it('lets the others go at its status line, not at the end of its answer', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 900, ttftMs: 60 } });
    const models = simModels(sim.baseUrl).filter((m) => m.id === 'A');
    const manager = makeManager(models, new CollectingSink(), { stream: true, timeouts: { connectMs: 2000, firstByteMs: 2000, idleMs: 2000, totalMs: 5000 } });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const arrivals = sim.requests().map((r) => r.at);
    const first = Math.min(...arrivals);
    const rest = arrivals.filter((at) => at !== first);
    expect(rest).toHaveLength(4);
    // After the first one's headers (its 60 ms TTFT), long before its 900 ms answer ends.
    expect(Math.min(...rest) - first).toBeGreaterThanOrEqual(50);
    expect(Math.max(...rest) - first).toBeLessThan(450);
  });

  it('does not hold the others back for the first-byte timeout of a first request that hangs', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 30, ttftMs: 0, stallMs: 20_000, faults: { stall_before_first_byte: { at: [1] } } } });
    const models = simModels(sim.baseUrl).filter((m) => m.id === 'A');
    const manager = makeManager(models, new CollectingSink(), { stream: false, timeouts: { connectMs: 2000, firstByteMs: 8000, idleMs: 8000, totalMs: 10_000 } });
    const hung = new AbortController();
    const first = manager.execute(gradingRequest(), { purpose: 'grading', signal: hung.signal });
    const others = await Promise.all(Array.from({ length: 4 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    hung.abort();
    expect((await first).ok).toBe(false);
    expect(others.every((o) => o.ok)).toBe(true);
    const log = sim.requests();
    expect(log[0]?.outcome).toBe('stall_before_first_byte');
    const waited = Math.min(...log.slice(1).map((r) => r.at)) - (log[0]?.at ?? 0);
    // They waited the probe's allowance (2 s), not its 8 s first-byte timeout.
    expect(waited).toBeGreaterThanOrEqual(1900);
    expect(waited).toBeLessThan(4000);
  });
});

describe('requests held back by a Retry-After', () => {
  it('leave spaced when it ends, not in one burst', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 40, ttftMs: 0, faults: { unavailable_503: { at: [2], retryAfterMs: 300 } } } });
    const models = simModels(sim.baseUrl, { A: { rpm: 1000 } }).filter((m) => m.id === 'A');
    const sink = new CollectingSink();
    const manager = makeManager(models, sink, { stream: false });
    // The key has answered once, so the next requests go out paced, not one by one.
    expect((await manager.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => manager.execute(gradingRequest(), { purpose: 'grading' })));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const log = sim.requests();
    expect(log[1]?.outcome).toBe('unavailable_503');
    const refusedAt = log[1]?.at ?? 0;
    const after = log.slice(2).map((r) => r.at);
    // Nothing inside the 300 ms it asked for, and what it held back arrives spaced out.
    expect(after.every((at) => at >= refusedAt + 295)).toBe(true);
    const sorted = [...after].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((at, i) => at - (sorted[i] as number));
    // 20 ms apart when sent; arrival times at a loaded server jitter by a few ms (a burst: ~0).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(8);
  });
});

describe('choosing and backing off', () => {
  it('round robin shares the work fairly when requests with other needs come in between', async () => {
    const simulator = await startSimulator({ keys: { 'sk-sim': {} } });
    sim = simulator;
    const endpoint = `${simulator.baseUrl}/chat/completions`;
    const entry = (id: string, tasks: string[]) =>
      modelEntry(id, { endpoint, model: 'sim/fast', api: 'openrouter', api_key_env: 'SIM_KEY', supported_tasks: tasks, input_cost_per_token: 1e-7, output_cost_per_token: 4e-7 });
    const manager = makeManager([entry('A', ['grading']), entry('B', ['grading']), entry('C', ['ocr'])], new CollectingSink(), { strategy: 'round_robin', stream: false });
    const graders: string[] = [];
    for (let i = 0; i < 6; i++) {
      const graded = await manager.execute(gradingRequest(), { purpose: 'grading', task: 'grading' });
      if (graded.ok) graders.push(graded.modelId);
      expect((await manager.execute(gradingRequest(), { purpose: 'grading', task: 'ocr' })).ok).toBe(true);
    }
    expect(graders).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
  });

});

describe('a request pinned to one model (compare mode)', () => {
  const pinnedBreaker = { consecutiveFailures: 1, failureRate: 1.1, windowSize: 10, minimumCalls: 100, openMs: 600, maxOpenMs: 1200 };

  it('waits when the breaker opens while it queues for the model, then is answered', async () => {
    // A takes one request at a time. The others chose A while its breaker was closed and queue
    // for its slot; the second request fails and opens the breaker. Turned away by the breaker
    // with nothing sent, each must wait for it to half-open, not fail with no attempt.
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 100, faults: { server_error_500: { at: [2] } } } });
    const models = simModels(sim.baseUrl, { A: { max_concurrency: 1 } });
    const sink = new CollectingSink();
    const manager = makeManager(models, sink, { stream: false, deadlineMs: 30_000, backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 }, breaker: pinnedBreaker });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })));
    expect(outcomes.map((o) => (o.ok ? o.modelId : o.error.code))).toEqual(['A', 'A', 'A', 'A', 'A']);
    expect(sim.requests().every((r) => r.model === 'sim/fast')).toBe(true);
  });

  it('waits out a model that is down (503s, then 502s) within its deadline instead of switching to nothing', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { models: { 'sim/fast': { downBetweenMs: [0, 1500] } } } });
    const simulator = sim;
    const models = simModels(simulator.baseUrl);
    const sink = new CollectingSink();
    const manager = makeManager(models, sink, { stream: false, deadlineMs: 30_000, maxAttempts: 12, backoff: { kind: 'exponential', baseMs: 100, maxMs: 1000 }, breaker: pinnedBreaker });
    const outcomes = await Promise.all(Array.from({ length: 3 }, () => manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })));
    expect(outcomes.map((o) => (o.ok ? o.modelId : `${o.error.code}: ${o.error.message}`))).toEqual(['A', 'A', 'A']);
    // Then bad gateways for a while: the pinned requests back off and wait for the breaker.
    simulator.setProfile({ models: { 'sim/fast': { faults: { bad_gateway_502: { rate: 1 } } } } });
    const later = Promise.all(Array.from({ length: 3 }, () => manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })));
    setTimeout(() => simulator.setProfile({}), 2500).unref();
    const outcomes2 = await later;
    expect(outcomes2.map((o) => (o.ok ? o.modelId : `${o.error.code}: ${o.error.message}`))).toEqual(['A', 'A', 'A']);
    expect(sink.rows.some((r) => r.errorClass === 'bad_gateway')).toBe(true);
    expect(simulator.requests().every((r) => r.model === 'sim/fast')).toBe(true);
  }, 30_000);

  it('makes the retry it decided after a schema-invalid answer, even when the breaker opened meanwhile', async () => {
    // Request 1's answer breaks the schema: it decides to ask A again after a backoff. Meanwhile
    // request 2 fails and opens A's breaker. Request 1 must wait for A and retry, not fail with
    // SCHEMA_INVALID without the retry it logged.
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { faults: { schema_invalid: { at: [1] }, server_error_500: { at: [2] } } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, {
      stream: false,
      deadlineMs: 30_000,
      backoff: { kind: 'exponential', baseMs: 400, maxMs: 400 },
      backoffByClass: { schema_invalid: 'exponential', server_error: 'exponential' },
      breaker: pinnedBreaker,
    });
    const outcomes = await Promise.all([1, 2].map(() => manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })));
    expect(outcomes.map((o) => (o.ok ? o.modelId : `${o.error.code}: ${o.error.message}`))).toEqual(['A', 'A']);
    const first = sink.rows.find((r) => r.errorClass === 'schema_invalid');
    expect(first?.decision).toMatch(/^retry_same/);
    expect(sink.byRequest(first?.requestId ?? '').map((r) => r.errorClass ?? 'ok')).toEqual(['schema_invalid', 'ok']);
  });

  it('asks its model again after a bad gateway and then a schema-invalid answer, having no other to switch to', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { faults: { bad_gateway_502: { at: [1] }, schema_invalid: { at: [2] } } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, { stream: false, deadlineMs: 30_000, backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 } });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] });
    expect(outcome.ok ? outcome.modelId : `${outcome.error.code}: ${outcome.error.message}`).toBe('A');
    expect(sink.rows.map((r) => `${r.errorClass ?? 'ok'}:${r.decision}`)).toEqual(['bad_gateway:retry_same:0ms', 'schema_invalid:switch_model', 'ok:done']);
  });

  it('is not applicable to a model that cannot take it: NO_VISION or CONTEXT_TOO_LONG, nothing sent', async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    const models = simModels(sim.baseUrl, { A: { vision: false, context_window: 2_000 } });
    const manager = makeManager(models, new CollectingSink(), { stream: false });
    const photo = { ...gradingRequest(), parts: [{ type: 'text' as const, text: 'Grade the photo.' }, { type: 'image_url' as const, image_url: { url: 'data:image/jpeg;base64,/9j/2Q==' } }] };
    const noVision = await manager.execute(photo, { purpose: 'grading', pool: ['A'] });
    expect(noVision).toMatchObject({ ok: false, attempts: 0, error: { code: 'NO_VISION' } });
    expect(noVision.ok ? '' : noVision.error.message).toMatch(/add a vision model/);
    const long = await manager.execute(gradingRequest('word '.repeat(5_000)), { purpose: 'grading', pool: ['A'] });
    expect(long).toMatchObject({ ok: false, attempts: 0, error: { code: 'CONTEXT_TOO_LONG' } });
    expect(sim.requests()).toHaveLength(0);
  });
});
