/**
 * The monitor end to end: the real call manager sends real HTTP to the provider simulator,
 * with the monitor as its sink, budget guard and breaker persistence, on a real database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallManager } from '../../../electron/api/call-manager.ts';
import { modelEntry } from '../../../electron/api/routing/model-registry.ts';
import type { ChatRequest } from '../../../electron/api/client/types.ts';
import { createMonitor, type Monitor } from '../../../electron/monitor/index.ts';
import { startSimulator } from '../../../electron/simulator/index.ts';
import type { SimulatorHandle } from '../../../electron/simulator/types.ts';
import { insertApiCalls, spendForBatch, sumCostBetween } from '../../../electron/store/index.ts';
import type { Config } from '../../../shared/config.ts';
import type { AlertView } from '../../../shared/ipc/monitor.ts';
import { attempt, count, failed, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
let sim: SimulatorHandle;
let monitor: Monitor | null = null;

beforeEach(async () => {
  t = tempDb();
  sim = await startSimulator({ keys: { 'sk-sim': {} }, seed: 5 });
});
afterEach(async () => {
  monitor?.close();
  monitor = null;
  await sim.close();
  t.cleanup();
});

function config(budget: Config['budget'] = {}): Pick<Config, 'models' | 'monitoring' | 'budget'> {
  return {
    models: {
      A: {
        name: 'Sim Fast',
        endpoint: `${sim.baseUrl}/chat/completions`,
        model: 'sim/fast',
        api: 'openrouter',
        api_key_env: 'SIM_KEY',
        input_cost_per_token: 1e-7,
        output_cost_per_token: 4e-7,
        max_concurrency: 4,
      },
    },
    monitoring: { response_time_threshold: 30, error_rate_threshold: 0.1, cost_threshold_per_hour: 10 },
    budget,
  };
}

function manager(m: Monitor, cfg: ReturnType<typeof config>): CallManager {
  const cm = new CallManager({
    models: Object.entries(cfg.models).map(([id, model]) => modelEntry(id, model)),
    keys: async () => 'sk-sim',
    sink: m.recorder,
    budget: m.budget,
    breakers: m.breakers,
    settings: {
      strategy: 'fallback',
      backoff: { kind: 'exponential', baseMs: 5, maxMs: 50 },
      timeouts: { connectMs: 2000, firstByteMs: 1000, idleMs: 1000, totalMs: 5000 },
      stream: false,
    },
    random: () => 0.5,
  });
  m.setBreakerLookup((id) => cm.breakerState(id));
  return cm;
}

const request: ChatRequest = { system: 'You grade essays.', parts: [{ type: 'text', text: 'The cat sat on the mat.' }], maxTokens: 100 };

describe('monitor with the call manager', () => {
  it('records every attempt, settles every reservation at its recorded cost, and reports it', async () => {
    sim.setProfile({ faults: { rate_limit_429: { at: [2], retryAfterMs: 10 }, server_error_500: { at: [5] } } });
    const cfg = config({ per_batch_usd: 5 });
    const alerts: AlertView[] = [];
    monitor = createMonitor({ db: t.db, config: cfg, idleTickMs: 0, onAlert: (a) => alerts.push(a) });
    const cm = manager(monitor, cfg);
    const outcomes = [];
    for (let i = 0; i < 8; i++) outcomes.push(await cm.execute(request, { purpose: 'grading', batchId: 'b_e2e' }));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    monitor.flush();

    const sent = sim.requests().length;
    expect(sent).toBe(10); // 8 answers + the 429 + the 500, each retried
    expect(count(t.db, 'api_calls')).toBe(sent);
    const recorded = sumCostBetween(t.db, {});
    expect(recorded.unpricedCalls).toBe(0);
    expect(recorded.costUsd).toBeCloseTo(sim.ledger().totalUsd, 12);
    // the ledger holds one settled reservation per attempt, at the recorded cost
    const spend = spendForBatch(t.db, 'b_e2e');
    expect(spend).toMatchObject({ reservations: sent, outstanding: 0, unpriced: 0 });
    expect(spend.committedUsd).toBeCloseTo(recorded.costUsd, 12);

    const overview = monitor.overview();
    expect(overview.window).toMatchObject({ calls: 10, okCalls: 8, failedCalls: 2, errorsByClass: { rate_limit: 1, server_error: 1 } });
    expect(overview.models).toEqual([expect.objectContaining({ modelId: 'A', name: 'Sim Fast', breaker: 'closed', calls: 10 })]);
    expect(overview.costToday.costUsd).toBeCloseTo(recorded.costUsd, 12);
    // 20 % errors over 10 calls is above the 10 % threshold (judged at once here instead of
    // waiting for the trailing evaluation a second later)
    monitor.alerts.evaluate();
    expect(alerts.map((a) => a.kind)).toEqual(['error_rate']);

    const retry = monitor.retryStats();
    expect(retry).toMatchObject({ requests: 8, succeeded: 8, attempts: 10, succeededAfterRetry: 2 });
    const page = monitor.listAttempts({ limit: 3 });
    expect(page).toHaveLength(3);
    expect(page[0]!.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('stops a batch at its budget before sending anything more', async () => {
    const cfg = config({ per_batch_usd: 0.00005 });
    monitor = createMonitor({ db: t.db, config: cfg, idleTickMs: 0 });
    const cm = manager(monitor, cfg);
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await cm.execute(request, { purpose: 'grading', batchId: 'b_small' }));
    const stopped = outcomes.filter((o) => !o.ok);
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped[0]).toMatchObject({ ok: false, error: { code: 'BUDGET_EXCEEDED' } });
    expect(sim.requests().length).toBe(outcomes.filter((o) => o.ok).length);
    expect(spendForBatch(t.db, 'b_small').committedUsd).toBeLessThanOrEqual(0.00005);
    // A refused call gives its rate-limit slot back: the model's window counts only what left.
    const scopes = cm.pacer.report(Date.now());
    expect(scopes.length).toBeGreaterThan(0);
    for (const scope of scopes) expect(scope.requestsLastMinute).toBe(sim.requests().length);
  });

  it('warms its windows from the database after a restart and keeps breakers', async () => {
    const now = Date.now();
    insertApiCalls(t.db, [
      attempt({ modelId: 'A', startedAt: now - 60_000, latencyMs: 2000 }),
      failed('rate_limit', 'RATE_LIMITED', { modelId: 'A', startedAt: now - 30_000 }),
      attempt({ modelId: 'A', startedAt: now - 3 * 60 * 60_000 }), // too old for any window
    ]);
    const cfg = config();
    monitor = createMonitor({ db: t.db, config: cfg, idleTickMs: 0 });
    expect(monitor.modelMetrics('A')[0]!.window).toMatchObject({ calls: 2, okCalls: 1, failedCalls: 1 });
    monitor.breakers.save(`A|${cfg.models.A!.endpoint}`, { state: 'open', openedAt: now, openMs: 60_000, consecutiveFailures: 3, window: [true, true, true] });
    monitor.close();
    monitor = createMonitor({ db: t.db, config: cfg, idleTickMs: 0 });
    const cm = manager(monitor, cfg);
    expect(cm.breakerState('A')).toBe('open');
    expect(monitor.overview().models[0]!.breaker).toBe('open');
  });
});
