import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.ts';
import type { ModelCheck } from '../../../shared/ipc/models.ts';
import { createApiHandlers } from '../../../electron/api/index.ts';
import type { AttemptRecord } from '../../../electron/api/ports.ts';
import { RatePacer } from '../../../electron/api/pacing/rate-pacer.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';

/** The core's handlers on narrow dependencies: the checks they record and the views they serve. */
describe('the core handlers', () => {
  let sim: SimulatorHandle;
  let config: Config;

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-good': {} }, reportCost: false });
    const endpoint = `${sim.baseUrl}/chat/completions`;
    config = {
      models: {
        priced: { name: 'Priced', endpoint, model: 'sim/fast', api_key_env: 'KEY_GOOD', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, vision: true },
        badkey: { name: 'Bad key', endpoint, model: 'sim/fast', api_key_env: 'KEY_BAD' },
        down: { name: 'Nothing listening', endpoint: 'http://127.0.0.1:9/v1/chat/completions' },
        nokey: { name: 'Key not set', endpoint, api_key_env: 'KEY_MISSING' },
      },
    } as Config;
  });
  afterAll(async () => {
    await sim.close();
  });

  function setup() {
    const records: AttemptRecord[] = [];
    const events: ModelCheck[] = [];
    const pacer = new RatePacer();
    const secrets: Record<string, string> = { KEY_GOOD: 'sk-good', KEY_BAD: 'sk-bad' };
    const handlers = createApiHandlers({
      config: () => config,
      keys: async (name) => secrets[name] ?? null,
      rateLimits: (now) => pacer.report(now),
      recordCheck: (record) => records.push(record),
      latestChecks: () => [...new Map(records.map((r) => [r.modelId, r])).values()],
      onChecked: (check) => events.push(check),
    });
    return { handlers, records, events, pacer };
  }

  it('records a check as one attempt, priced from the usage, with the message a teacher can act on', async () => {
    const { handlers, records, events } = setup();
    const good = await handlers.checkModel({ modelId: 'priced' });
    expect(good).toMatchObject({ modelId: 'priced', ok: true, httpStatus: 200, error: null });
    const bad = await handlers.checkModel({ modelId: 'badkey' });
    expect(bad).toMatchObject({ ok: false, httpStatus: 401, errorClass: 'auth', error: { code: 'INVALID_API_KEY', message: 'The API key was refused. Check the key for this model in Settings.' } });
    expect(await handlers.checkModel({ modelId: 'down' })).toMatchObject({ ok: false, httpStatus: null, errorClass: 'connection' });
    await expect(handlers.checkModel({ modelId: 'nokey' })).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
    await expect(handlers.checkModel({ modelId: 'nope' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(events.map((e) => e.modelId)).toEqual(['priced', 'badkey', 'down']);

    const [okRow, refused] = records;
    expect(okRow).toMatchObject({ purpose: 'check', attempt: 1, status: 'ok', decision: 'done', waitedMs: 0, errorClass: null, costSource: 'estimate' });
    expect(okRow!.requestId).not.toBe(okRow!.id);
    const usage = { prompt: okRow!.promptTokens ?? 0, completion: okRow!.completionTokens ?? 0 };
    expect(okRow!.costUsd).toBeCloseTo(usage.prompt * 1e-6 + usage.completion * 2e-6, 12);
    // A refused key cost nothing that anyone reported: unknown, never a silent 0.
    expect(refused).toMatchObject({ status: 'error', decision: 'fail', errorCode: 'INVALID_API_KEY', costUsd: null, costSource: 'unpriced' });
  });

  it('lists the models with their key status and last check, and never a key', async () => {
    const { handlers } = setup();
    await handlers.checkModel({ modelId: 'priced' });
    const models = await handlers.listModels({});
    const byId = Object.fromEntries(models.map((m) => [m.id, m]));
    expect(byId.priced).toMatchObject({ name: 'Priced', slug: 'sim/fast', api: 'openai', inputCostPerToken: 1e-6, vision: true, keyStatus: 'set', lastCheck: { ok: true } });
    expect(byId.nokey).toMatchObject({ slug: 'nokey', keyStatus: 'missing', lastCheck: null, supportedTasks: [] });
    expect(byId.down?.keyStatus).toBe('not_needed');
    expect(JSON.stringify(models)).not.toMatch(/sk-good|sk-bad/);
  });

  it('reports what the pacer enforces, with times as ISO strings', () => {
    const { handlers, pacer } = setup();
    pacer.onRateLimited('key:test', Date.now(), 60_000, null);
    const scope = handlers.getRateLimits({}) as Array<{ scope: string; blockedUntil: string | null }>;
    expect(scope.find((s) => s.scope === 'key:test')?.blockedUntil).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
