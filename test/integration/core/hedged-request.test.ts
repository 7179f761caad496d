/**
 * A hedged request: at the end of a batch, an attempt whose answer has not begun long after the
 * model usually answers gets a second try beside it, and the first answer wins. Against the
 * simulator, whose stall holds the status line back for 20 s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallManagerSettings } from '../../../electron/api/settings.ts';
import { settingsFromConfig } from '../../../electron/api/settings.ts';
import { startSimulator, type FaultProfile, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const FIRST_BYTE_MS = 3000;

/** One model; its first request answers (so its usual time to first byte is known). */
async function warmedUp(faults: FaultProfile['faults'], settings: Partial<CallManagerSettings> = {}, models: Parameters<typeof simModels>[1] = {}) {
  const simulator = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 30, ttftMs: 0, stallMs: 20_000 } });
  sim = simulator;
  simulator.setProfile({ latencyMs: 30, ttftMs: 0, stallMs: 20_000, faults });
  const sink = new CollectingSink();
  const manager = makeManager(simModels(simulator.baseUrl, models), sink, {
    stream: false,
    deadlineMs: 60_000,
    timeouts: { connectMs: 2000, firstByteMs: FIRST_BYTE_MS, idleMs: FIRST_BYTE_MS, totalMs: 30_000 },
    backoff: { kind: 'immediate', baseMs: 0, maxMs: 0 },
    hedge: { minDelayMs: 300, ttftFactor: 4 },
    ...settings,
  });
  expect((await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] })).ok).toBe(true);
  return { manager, sink, simulator };
}

describe('a request whose answer does not begin, at the end of a batch', () => {
  it('gets a second try beside it, answers from that one, and records the stalled attempt as superseded', async () => {
    const { manager, sink, simulator } = await warmedUp({ stall_before_first_byte: { at: [2] } });
    const started = Date.now();
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] });
    const elapsed = Date.now() - started;

    expect(outcome).toMatchObject({ ok: true, modelId: 'A', attempts: 2 });
    // The second try left after 300 ms; without it the request waits out the 6 s timeout.
    expect(elapsed).toBeLessThan(FIRST_BYTE_MS / 2);
    expect(simulator.requests().map((r) => r.outcome)).toEqual(['ok', 'stall_before_first_byte', 'ok']);
    const [, answered, stalled] = sink.rows;
    expect(answered).toMatchObject({ status: 'ok', decision: 'done' });
    expect(stalled).toMatchObject({ errorClass: 'aborted', decision: 'superseded', costUsd: 0 });
    // Two tries, two request ids: each try's attempts read in order in the audit trail.
    expect(answered?.requestId).not.toBe(stalled?.requestId);
    expect(outcome.ok && outcome.requestId).toBe(answered?.requestId);
  });

  it('waits out the first-byte timeout when the second try is turned off (retry.hedge_after_ms: 0)', async () => {
    const off = settingsFromConfig({ retry: { hedge_after_ms: 0 } } as Parameters<typeof settingsFromConfig>[0]);
    expect(off.hedge).toBeNull();
    const { manager, sink } = await warmedUp({ stall_before_first_byte: { at: [2] } }, { hedge: off.hedge ?? null });
    const started = Date.now();
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] });

    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(FIRST_BYTE_MS - 50);
    expect(sink.rows.map((r) => r.errorClass ?? 'ok')).toEqual(['ok', 'stall_first_byte', 'ok']);
  });

  it('sends no second try while another request waits for a slot', async () => {
    // Model A takes one call at a time. The first request may also use B, where its second try
    // could go at once; the second request is pinned to A and queues behind the stalled call.
    const { manager, sink } = await warmedUp(
      { stall_before_first_byte: { at: [2] } },
      { strategy: 'least_busy', timeouts: { connectMs: 2000, firstByteMs: 1500, idleMs: 1500, totalMs: 30_000 } },
      { A: { max_concurrency: 1 } },
    );
    const [stalled, queued] = await Promise.all([
      manager.execute(gradingRequest('first'), { purpose: 'grading', pool: ['A', 'B'] }),
      manager.execute(gradingRequest('second'), { purpose: 'grading', pool: ['A'] }),
    ]);

    expect(stalled).toMatchObject({ ok: true, attempts: 2 });
    expect(queued).toMatchObject({ ok: true, attempts: 1 });
    expect(sink.rows.some((r) => r.decision === 'superseded')).toBe(false);
    expect(sink.rows.map((r) => r.errorClass ?? 'ok')).toEqual(['ok', 'stall_first_byte', 'ok', 'ok']);
  });

  it('sends no second try for a stream whose content began, however long it then takes', async () => {
    const simulator = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs: 1500, ttftMs: 20 } });
    sim = simulator;
    const sink = new CollectingSink();
    const manager = makeManager(simModels(simulator.baseUrl), sink, {
      stream: true,
      timeouts: { connectMs: 2000, firstByteMs: FIRST_BYTE_MS, idleMs: FIRST_BYTE_MS, totalMs: 30_000 },
      hedge: { minDelayMs: 300, ttftFactor: 4 },
    });
    for (const text of ['first', 'second']) {
      expect(await manager.execute(gradingRequest(text), { purpose: 'grading', pool: ['A'] })).toMatchObject({ ok: true, attempts: 1 });
    }
    expect(simulator.requests()).toHaveLength(2);
    expect(sink.rows.map((r) => r.decision)).toEqual(['done', 'done']);
  });

  it('shares one attempt budget between the two tries', async () => {
    // The stall, then the second try's 500: two attempts of two, so neither may try again.
    const { manager, simulator } = await warmedUp({ stall_before_first_byte: { at: [2] }, server_error_500: { at: [3] } }, { maxAttempts: 2 });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] });

    expect(outcome).toMatchObject({ ok: false, attempts: 2 });
    expect(outcome.ok ? null : outcome.error).toMatchObject({ code: 'ATTEMPTS_EXHAUSTED', message: expect.stringContaining('Gave up after 2 attempts') });
    expect(simulator.requests().map((r) => r.outcome)).toEqual(['ok', 'stall_before_first_byte', 'server_error_500']);
  });

  it('cancels both tries when the caller cancels', async () => {
    const { manager, simulator } = await warmedUp({ stall_before_first_byte: { at: [2, 3] } });
    const stop = new AbortController();
    const pending = manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'], signal: stop.signal });
    // Both tries are in flight (both stalled) once the simulator has seen three requests.
    for (let i = 0; i < 100 && simulator.requests().length < 3; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(simulator.requests()).toHaveLength(3);
    const cancelledAt = Date.now();
    stop.abort();
    const outcome = await pending;

    expect(outcome.ok ? null : outcome.error.code).toBe('ABORTED');
    expect(outcome.attempts).toBe(2);
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
  });
});
