import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { EventName } from '../../../shared/ipc/contract.ts';
import { gradingRequest } from '../core/helpers.ts';
import { startHost, type HostFixture } from './helpers.ts';

/** The set-up routes change what the app runs with, and the change is in force at once. */
describe('reconfiguration without a restart', () => {
  let local: SimulatorHandle;
  let fx: HostFixture | null = null;

  beforeAll(async () => {
    local = await startSimulator({ keys: null });
  });
  afterAll(async () => {
    await local.close();
  });
  afterEach(async () => {
    await fx?.close();
    fx = null;
  });

  it('starts unconfigured, adds a model from a local server, and grades with it at once', async () => {
    fx = await startHost('gd-setup-reconf-');
    const { host } = fx;
    const events: EventName[] = [];
    host.onEvent((event) => events.push(event));
    expect(await host.handlers.getSetupStatus({})).toMatchObject({ configured: false, demo: false, keychain: 'session_only', openRouter: { set: false } });
    expect(await host.handlers.getAppInfo({})).toMatchObject({ configured: false, configError: { code: 'CONFIG_NOT_FOUND' } });
    expect(await host.handlers.listModels({})).toEqual([]);

    const [server] = await host.handlers.detectLocalServers({ customUrl: local.baseUrl });
    expect(server).toMatchObject({ kind: 'custom', baseUrl: local.baseUrl, reachable: true, added: [] });
    expect(server?.models.map((m) => m.id)).toContain('sim/fast');

    const first = host.current;
    const { added } = await host.handlers.addLocalModels({ kind: 'custom', baseUrl: local.baseUrl, modelIds: ['sim/fast'] });
    expect(added).toEqual(['fast']);
    expect(host.current).not.toBe(first);
    expect(events).toContain('setupChanged');

    const models = await host.handlers.listModels({});
    expect(models).toMatchObject([{ id: 'fast', slug: 'sim/fast', keyStatus: 'not_needed', provider: 'Local server', inputCostPerToken: 0 }]);
    expect(await host.handlers.getAppInfo({})).toMatchObject({ configured: true, configError: null });
    expect(JSON.parse(readFileSync(fx.configFile, 'utf8'))).toMatchObject({ models: { fast: { endpoint: `${local.baseUrl}/chat/completions`, model: 'sim/fast' } } });

    const before = local.requests().length;
    const outcome = await host.current.calls.execute(gradingRequest(), { purpose: 'grading' });
    expect(outcome.ok ? null : outcome).toBeNull();
    expect(local.requests().slice(before).map((r) => r.model)).toEqual(['sim/fast']);
    expect((await host.handlers.detectLocalServers({ customUrl: local.baseUrl }))[0]?.added).toEqual(['sim/fast']);
  });

  it('edits and removes a model, each change written to the file and in force at once', async () => {
    fx = await startHost('gd-setup-edit-');
    const { host } = fx;
    await host.handlers.addLocalModels({ kind: 'custom', baseUrl: local.baseUrl, modelIds: ['sim/fast', 'sim/smart'] });
    const settings = await host.handlers.getModelSettings({ modelId: 'smart' });
    expect(settings).toMatchObject({ name: 'sim/smart', maxConcurrency: 1, inputPricePerMillion: 0 });
    await host.handlers.updateModel({ modelId: 'smart', settings: { ...settings, name: 'Capable model', maxConcurrency: 3, rpm: 30, inputPricePerMillion: 0.3, outputPricePerMillion: 2.5, vision: true } });
    const edited = (await host.handlers.listModels({})).find((m) => m.id === 'smart');
    expect(edited).toMatchObject({ name: 'Capable model', vision: true, inputCostPerToken: 3e-7, outputCostPerToken: 2.5e-6 });
    expect(await host.handlers.getModelSettings({ modelId: 'smart' })).toMatchObject({ maxConcurrency: 3, rpm: 30, inputPricePerMillion: 0.3, outputPricePerMillion: 2.5 });

    await host.handlers.removeModel({ modelId: 'fast' });
    expect((await host.handlers.listModels({})).map((m) => m.id)).toEqual(['smart']);
    expect(Object.keys((JSON.parse(readFileSync(fx.configFile, 'utf8')) as { models: object }).models)).toEqual(['smart']);
    await expect(host.handlers.removeModel({ modelId: 'fast' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('refuses every change while a batch is being graded, and writes nothing', async () => {
    let grading = false;
    fx = await startHost('gd-setup-busy-', { build: async (options) => Object.assign(await createApp(options), { busy: () => grading }) });
    const { host } = fx;
    await host.handlers.addLocalModels({ kind: 'custom', baseUrl: local.baseUrl, modelIds: ['sim/fast'] });
    const before = readFileSync(fx.configFile, 'utf8');
    const app = host.current;
    grading = true;
    await expect(host.handlers.addLocalModels({ kind: 'custom', baseUrl: local.baseUrl, modelIds: ['sim/smart'] })).rejects.toMatchObject({ code: 'GRADING_IN_PROGRESS' });
    await expect(host.handlers.removeModel({ modelId: 'fast' })).rejects.toMatchObject({ code: 'GRADING_IN_PROGRESS' });
    await expect(host.handlers.setDemo({ on: true })).rejects.toMatchObject({ code: 'GRADING_IN_PROGRESS' });
    expect(readFileSync(fx.configFile, 'utf8')).toBe(before);
    expect(host.current).toBe(app);
    grading = false;
    await host.handlers.removeModel({ modelId: 'fast' });
    expect(await host.handlers.listModels({})).toEqual([]);
  });

  it('switches into demo and back without a restart', async () => {
    fx = await startHost('gd-setup-demo-');
    const { host } = fx;
    await host.handlers.setDemo({ on: true });
    expect(await host.handlers.getAppInfo({})).toMatchObject({ demo: true, configured: true });
    const demoModels = await host.handlers.listModels({});
    expect(demoModels.length).toBeGreaterThanOrEqual(2);
    expect((await host.handlers.checkModel({ modelId: demoModels[0]!.id })).ok).toBe(true);
    await host.handlers.setDemo({ on: false });
    expect(await host.handlers.getAppInfo({})).toMatchObject({ demo: false, configured: false });
    expect(await host.handlers.listModels({})).toEqual([]);
  });
});
