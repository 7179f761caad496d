import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { closeDatabase, listApiCalls, openDatabase } from '../../../electron/store/index.ts';
import { gradingRequest } from './helpers.ts';

/** The core as the app builds it: config, monitor, SQLite, and the IPC routes that read it. */
describe('the core inside the app', () => {
  let dir: string;
  let sim: SimulatorHandle;
  let configPath: string;
  const secrets = createMemorySecretStore({ SIM_KEY: 'sk-sim' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-core-app-'));
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    configPath = join(dir, 'config.json');
    const endpoint = `${sim.baseUrl}/chat/completions`;
    writeFileSync(
      configPath,
      JSON.stringify({
        models: {
          flaky: { endpoint, model: 'sim/fast', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, cost_per_token: 1e-7 },
          steady: { endpoint, model: 'sim/smart', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, cost_per_token: 1e-6 },
        },
        routing: { strategy: 'fallback', fallbacks: { flaky: ['steady'] } },
        retry: { max_attempts: 4, base_delay_ms: 1, max_delay_ms: 5, backoff_by_class: { server_error: 'immediate' } },
      }),
    );
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = () => createApp({ configPath, dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets });

  it('records every attempt in SQLite, serves the monitor routes, and keeps breaker state across a restart', async () => {
    sim.setProfile({ models: { 'sim/fast': { faults: { server_error_500: { rate: 1 } } } } });
    const app = await open();
    for (let i = 0; i < 3; i++) {
      const outcome = await app.calls.execute(gradingRequest(), { purpose: 'grading' });
      expect(outcome).toMatchObject({ ok: true, modelId: 'steady' });
    }
    expect(app.calls.breakerState('flaky')).toBe('open');
    const metrics = await app.handlers.getModelMetrics({});
    expect(metrics.find((m) => m.modelId === 'flaky')?.breaker).toBe('open');
    const attempts = await app.handlers.listAttempts({ limit: 50 });
    expect(attempts.filter((a) => a.modelId === 'flaky' && a.errorClass === 'server_error').length).toBeGreaterThanOrEqual(3);
    const overview = await app.handlers.getOverview({});
    expect(overview.window.calls).toBe(attempts.length);
    await app.close();

    const again = await open();
    expect(again.calls.breakerState('flaky')).toBe('open');
    const before = sim.requests().length;
    expect((await again.calls.execute(gradingRequest(), { purpose: 'grading' })).ok).toBe(true);
    // the restarted core did not send to the open model
    expect(sim.requests().slice(before).map((r) => r.model)).toEqual(['sim/smart']);
    await again.close();
  });

  it('reports what the pacer enforces after a Retry-After', async () => {
    sim.reset();
    sim.setProfile({ faults: { rate_limit_429: { at: [1], retryAfterMs: 400 } } });
    const app = await open();
    const started = Date.now();
    const outcome = await app.calls.execute(gradingRequest(), { purpose: 'grading', pool: ['steady'] });
    expect(outcome.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    const limits = await app.handlers.getRateLimits({});
    const key = limits.find((l) => l.scope.startsWith('key:'));
    expect(key).toMatchObject({ rateLimited: 1 });
    expect(JSON.stringify(limits)).not.toContain('sk-sim');
    await app.close();
  });

  it('stores in SQLite the costs the simulator billed', async () => {
    const app = await open();
    await app.close();
    const handle = openDatabase(join(dir, 'gd.db'), { readonly: true });
    const rows = listApiCalls(handle, { limit: 500 });
    closeDatabase(handle);
    // the ledger was reset before the second test: compare the generations it billed since
    const billed = new Set(sim.ledger().entries.map((e) => e.id));
    const recorded = rows.filter((r) => r.generationId !== null && billed.has(r.generationId));
    expect(recorded.length).toBe(billed.size);
    expect(recorded.reduce((sum, r) => sum + (r.costUsd ?? 0), 0)).toBeCloseTo(sim.ledger().totalUsd, 9);
  });
});
