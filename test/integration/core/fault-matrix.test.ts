import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type FaultKind, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { CollectingSink, gradingRequest, makeManager, simModels } from './helpers.ts';

/**
 * Every fault kind of DESIGN §7, streaming and not, injected on the first request: the
 * outcome, the audit trail (model, class, decision per attempt) and the money (recorded cost
 * equals what the simulator billed) are all asserted.
 */
interface Expectation {
  /** 'ok' or the error code of the whole call. */
  outcome: string;
  /** One entry per attempt: `model:class:decision`. */
  trail: string[];
}

const ok = (model: string) => `${model}:-:done`;
const MATRIX: Record<FaultKind, { stream?: Expectation; json?: Expectation; both?: Expectation }> = {
  bad_request_400: { both: { outcome: 'BAD_REQUEST', trail: ['A:bad_request:fail'] } },
  context_length_400: { both: { outcome: 'ok', trail: ['A:context_length:switch_larger_context', ok('B')] } },
  unauthorized_401: { both: { outcome: 'INVALID_API_KEY', trail: ['A:auth:fail'] } },
  payment_required_402: { both: { outcome: 'OUT_OF_CREDITS', trail: ['A:payment:fail'] } },
  moderation_403: { both: { outcome: 'ok', trail: ['A:moderation:switch_model', ok('B')] } },
  not_found_404: { both: { outcome: 'ok', trail: ['A:not_found:switch_model', ok('B')] } },
  timeout_408: { both: { outcome: 'ok', trail: ['A:request_timeout:retry_same', ok('A')] } },
  rate_limit_429: { both: { outcome: 'ok', trail: ['A:rate_limit:retry_same', ok('A')] } },
  server_error_500: { both: { outcome: 'ok', trail: ['A:server_error:retry_same', ok('A')] } },
  bad_gateway_502: { both: { outcome: 'ok', trail: ['A:bad_gateway:retry_same', ok('A')] } },
  // B is free while A's Retry-After runs: waiting would be a loss
  unavailable_503: { both: { outcome: 'ok', trail: ['A:unavailable:switch_model', ok('B')] } },
  gateway_timeout_504: { both: { outcome: 'ok', trail: ['A:gateway_timeout:switch_model', ok('B')] } },
  connection_reset: { both: { outcome: 'ok', trail: ['A:connection:retry_same', ok('A')] } },
  stall_before_first_byte: { both: { outcome: 'ok', trail: ['A:stall_first_byte:switch_model', ok('B')] } },
  stall_mid_stream: { both: { outcome: 'ok', trail: ['A:stall_mid_stream:retry_same', ok('A')] } },
  sse_error_event: { both: { outcome: 'ok', trail: ['A:stream_error:retry_same', ok('A')] } },
  finish_reason_error: { both: { outcome: 'ok', trail: ['A:stream_error:retry_same', ok('A')] } },
  truncated_stream: { both: { outcome: 'ok', trail: ['A:truncated:retry_same', ok('A')] } },
  malformed_json: { both: { outcome: 'ok', trail: ['A:malformed:retry_same', ok('A')] } },
  schema_invalid: { both: { outcome: 'ok', trail: ['A:schema_invalid:retry_same', ok('A')] } },
  empty_completion: { both: { outcome: 'ok', trail: ['A:empty:retry_same', ok('A')] } },
};

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 7 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const cases = Object.entries(MATRIX).flatMap(([kind, e]) =>
  (['stream', 'json'] as const).map((mode) => ({ kind: kind as FaultKind, mode, expected: (e[mode] ?? e.both) as Expectation })),
);

describe('fault matrix: every fault kind × streaming and not', () => {
  it.each(cases)('$kind ($mode)', async ({ kind, mode, expected }) => {
    // context-length errors need a prompt the small model cannot take: ask the simulator for it.
    sim.setProfile({ stallMs: 1500, faults: { [kind]: { at: [1], retryAfterMs: 150 } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink, { stream: mode === 'stream' });
    const started = Date.now();
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });

    expect(outcome.ok ? 'ok' : outcome.error.code).toBe(expected.outcome);
    const trail = sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? '-'}:${r.decision?.replace(/:.*$/, '')}`);
    expect(trail).toEqual(expected.trail);
    expect(outcome.attempts).toBe(expected.trail.length);
    if (outcome.ok) expect(outcome.value).toMatchObject({ level: expect.any(Number) });

    // every attempt is one request the simulator saw, and nothing else was sent
    expect(sim.requests()).toHaveLength(expected.trail.length);
    // the money: what we recorded is what the simulator billed, to the micro-dollar
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.totalCost()).toBeCloseTo(sim.ledger().totalUsd, 6);
    if (outcome.ok || outcome.costUsd !== null) expect(outcome.costUsd ?? 0).toBeCloseTo(sim.ledger().totalUsd, 6);

    if (kind === 'rate_limit_429') {
      const [first, second] = sim.requests();
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(140);
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('Retry-After with no other model to go to', () => {
  it('waits exactly what the 503 asked, then retries the same model', async () => {
    sim.setProfile({ faults: { unavailable_503: { at: [1], retryAfterMs: 300 } } });
    const sink = new CollectingSink();
    const manager = makeManager(simModels(sim.baseUrl), sink);
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['A'] });
    expect(outcome.ok).toBe(true);
    expect(sink.rows.map((r) => `${r.modelId}:${r.errorClass ?? '-'}:${r.decision}`)).toEqual(['A:unavailable:retry_same:300ms', 'A:-:done']);
    const [first, second] = sim.requests();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(290);
  });
});
