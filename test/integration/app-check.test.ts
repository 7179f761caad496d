import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../electron/app/create-app.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../electron/simulator/index.ts';

/** The first vertical slice: handler → core → HTTP → simulator → SQLite → handler again. */
describe('model checks through the app core', () => {
  let dir: string;
  let sim: SimulatorHandle;
  let configPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-app-'));
    sim = await startSimulator({ keys: { 'sk-good': {} }, reportCost: true });
    configPath = join(dir, 'config.json');
    const endpoint = `${sim.baseUrl}/chat/completions`;
    writeFileSync(
      configPath,
      JSON.stringify({
        models: {
          good: { name: 'Good', endpoint, model: 'sim/fast', api_key_env: 'KEY_GOOD', cost_per_token: 1e-6 },
          badkey: { name: 'Bad key', endpoint, model: 'sim/fast', api_key_env: 'KEY_BAD' },
          unknown: { name: 'Unknown model', endpoint, model: 'sim/does-not-exist', api_key_env: 'KEY_GOOD' },
          down: { name: 'Nothing listening', endpoint: 'http://127.0.0.1:9/v1/chat/completions' },
          nokey: { name: 'Key not set', endpoint, api_key_env: 'KEY_MISSING' },
        },
      }),
    );
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = () =>
    createApp({
      configPath,
      dbPath: join(dir, 'gd.db'),
      demo: false,
      mode: 'browser',
      secrets: createMemorySecretStore({ KEY_GOOD: 'sk-good', KEY_BAD: 'sk-bad' }),
    });

  it('checks each model, classifies failures, stores the results and shows them after a restart', async () => {
    const app = await open();
    const events: string[] = [];
    app.onEvent((event, payload) => events.push(`${event}:${(payload as { modelId: string }).modelId}`));

    const good = await app.handlers.checkModel({ modelId: 'good' });
    expect(good).toMatchObject({ modelId: 'good', ok: true, httpStatus: 200, error: null });
    expect(good.latencyMs).toBeGreaterThanOrEqual(0);
    expect(await app.handlers.checkModel({ modelId: 'badkey' })).toMatchObject({ ok: false, httpStatus: 401, errorClass: 'auth', error: { code: 'INVALID_API_KEY' } });
    expect(await app.handlers.checkModel({ modelId: 'unknown' })).toMatchObject({ ok: false, httpStatus: 404, error: { code: 'MODEL_NOT_AVAILABLE' } });
    expect(await app.handlers.checkModel({ modelId: 'down' })).toMatchObject({ ok: false, httpStatus: null, errorClass: 'connection', error: { code: 'CONNECTION_FAILED' } });
    await expect(app.handlers.checkModel({ modelId: 'nokey' })).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
    await expect(app.handlers.checkModel({ modelId: 'nope' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(events).toEqual(['modelChecked:good', 'modelChecked:badkey', 'modelChecked:unknown', 'modelChecked:down']);
    // the key went only where it belonged, as a bearer token
    expect(sim.requests().map((r) => r.key)).toEqual(['sk-good', 'sk-bad', 'sk-good']);
    await app.close();

    const reopened = await open();
    const models = await reopened.handlers.listModels({});
    const byId = Object.fromEntries(models.map((m) => [m.id, m]));
    expect(byId.good?.lastCheck).toMatchObject({ ok: true, httpStatus: 200 });
    expect(byId.badkey?.lastCheck).toMatchObject({ ok: false, error: { code: 'INVALID_API_KEY' } });
    expect(byId.down?.lastCheck).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } });
    expect(byId.nokey?.lastCheck).toBeNull();
    expect(byId.nokey?.keyStatus).toBe('missing');
    expect(byId.good?.keyStatus).toBe('set');
    expect(byId.down?.keyStatus).toBe('not_needed');
    expect(byId.good?.inputCostPerToken).toBe(1e-6);
    expect(byId.badkey?.inputCostPerToken).toBeNull();
    // no key ever reaches the renderer
    expect(JSON.stringify(models)).not.toMatch(/sk-good|sk-bad/);
    await reopened.close();
  });

  it('opens with a coded config error instead of failing', async () => {
    const badConfig = join(dir, 'bad.json');
    writeFileSync(badConfig, '{"models": {"m": {"endpoint": 5}}}');
    const app = await createApp({ configPath: badConfig, dbPath: join(dir, 'gd2.db'), demo: false, mode: 'browser', secrets: createMemorySecretStore() });
    const info = await app.handlers.getAppInfo({});
    expect(info.configError).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(info.configError?.message).toContain('models.m.endpoint');
    expect(await app.handlers.listModels({})).toEqual([]);
    await app.close();
  });

  it('demo mode serves simulated models that pass their check', async () => {
    const app = await createApp({ configPath: null, dbPath: join(dir, 'gd3.db'), demo: true, mode: 'browser', secrets: createMemorySecretStore() });
    expect((await app.handlers.getAppInfo({})).demo).toBe(true);
    const models = await app.handlers.listModels({});
    expect(models.length).toBeGreaterThanOrEqual(2);
    const first = models[0];
    if (!first) throw new Error('no demo model');
    expect(first.keyStatus).toBe('simulated');
    expect(await app.handlers.checkModel({ modelId: first.id })).toMatchObject({ ok: true });
    await app.close();
  });
});
