import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { startHost, type HostFixture } from './helpers.ts';

const GOOD = 'sk-or-v1-0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2';
const WRONG = 'sk-or-v1-ffffffffffffffffffffffffffffffffdead';

/**
 * An OpenRouter key pasted on screen: checked with one free call, stored, used by models added
 * from the catalog, and never written anywhere in plain text nor sent back to the screen.
 */
describe('the OpenRouter key, against a simulator standing in for OpenRouter', () => {
  let openRouter: SimulatorHandle;
  let fx: HostFixture;

  beforeAll(async () => {
    openRouter = await startSimulator({ keys: { [GOOD]: {} } });
    fx = await startHost('gd-setup-key-', { openRouterBaseUrl: openRouter.baseUrl });
  });
  afterAll(async () => {
    await fx?.close();
    await openRouter?.close();
  });

  it('refuses a wrong key with a plain reason, sends nothing else and stores nothing', async () => {
    const error = await Promise.resolve(fx.host.handlers.connectOpenRouter({ key: WRONG, allowPlainText: false })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_API_KEY' });
    expect((error as Error).message).not.toContain(WRONG);
    expect((await fx.host.handlers.getSetupStatus({})).openRouter).toEqual({ set: false, masked: null, storage: null });
    expect(openRouter.requests()).toEqual([]);
    await expect(fx.host.handlers.connectOpenRouter({ key: 'two words', allowPlainText: false })).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
  });

  it('checks a good key with the free key endpoint, stores it, and shows it masked only', async () => {
    const result = await fx.host.handlers.connectOpenRouter({ key: `  ${GOOD}\n`, allowPlainText: false });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.key).toEqual({ set: true, masked: `sk-or-…${GOOD.slice(-4)}`, storage: 'session' });
    // No completion was sent to check it: nothing billed.
    expect(openRouter.requests()).toEqual([]);
    expect(openRouter.ledger().entries).toEqual([]);
    const status = await fx.host.handlers.getSetupStatus({});
    expect(status.openRouter.set).toBe(true);
    expect(JSON.stringify(status)).not.toContain(GOOD);
  });

  it('adds a model from the live catalog that uses the key, checks it, and the key is nowhere on disk or in the log', async () => {
    const found = await fx.host.handlers.searchCatalog({ query: 'smart' });
    expect(found).toMatchObject({ source: 'live', snapshotDate: null });
    expect(found.models.map((m) => m.id)).toEqual(['sim/smart']);
    expect(found.models[0]).toMatchObject({ vision: true, contextWindow: 200_000, inputCostPerToken: 3e-6, outputCostPerToken: 1.5e-5, added: false });

    const { added } = await fx.host.handlers.addCatalogModels({ catalogIds: ['sim/smart'] });
    expect(added).toEqual(['smart']);
    expect((await fx.host.handlers.searchCatalog({ query: 'smart' })).models[0]?.added).toBe(true);
    const [model] = await fx.host.handlers.listModels({});
    expect(model).toMatchObject({ id: 'smart', slug: 'sim/smart', api: 'openrouter', keyStatus: 'set', vision: true, inputCostPerToken: 3e-6 });
    const check = await fx.host.handlers.checkModel({ modelId: 'smart' });
    expect(check.ok).toBe(true);
    expect(openRouter.requests().map((r) => r.key)).toEqual([GOOD]);

    const config = readFileSync(fx.configFile, 'utf8');
    expect(JSON.parse(config)).toMatchObject({ models: { smart: { api_key_env: 'OPENROUTER_API_KEY', model: 'sim/smart' } } });
    expect(config).not.toContain(GOOD);
    // The database, its WAL and everything else the app wrote in its folder.
    const onDisk = fx.everythingOnDisk();
    expect(onDisk.length).toBeGreaterThan(1000);
    expect(onDisk).not.toContain(GOOD);
    expect(onDisk).not.toContain(GOOD.slice(9));
    expect(fx.logLines.length).toBeGreaterThan(0);
    expect(fx.logLines.join('\n')).not.toContain(GOOD);
    expect(JSON.stringify(await fx.host.handlers.listModels({}))).not.toContain(GOOD);
  });

  it('forgets the key: the model is then shown without one', async () => {
    await fx.host.handlers.forgetOpenRouterKey({});
    expect((await fx.host.handlers.getSetupStatus({})).openRouter.set).toBe(false);
    expect((await fx.host.handlers.listModels({}))[0]?.keyStatus).toBe('missing');
    await expect(fx.host.handlers.checkModel({ modelId: 'smart' })).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
  });
});
