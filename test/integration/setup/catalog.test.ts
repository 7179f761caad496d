import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../../electron/setup/catalog-source.ts';
import { OPENROUTER_SNAPSHOT } from '../../../electron/setup/openrouter-snapshot.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the OpenRouter catalog for the model picker', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ keys: null });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('searches the live list when it answers, with context, vision and prices from it', async () => {
    const catalog = createCatalogSource({ baseUrl: sim.baseUrl });
    const all = await catalog.search('', new Set());
    expect(all).toMatchObject({ source: 'live', snapshotDate: null, total: 4 });
    const vision = await catalog.search('VISION', new Set(['sim/vision']));
    expect(vision.models).toEqual([
      { id: 'sim/vision', name: 'Simulated vision', contextWindow: 32_000, vision: true, structuredOutput: false, inputCostPerToken: 5e-7, outputCostPerToken: 1.5e-6, added: true },
    ]);
    expect((await catalog.search('simulated smart', new Set())).models.map((m) => m.id)).toEqual(['sim/smart']);
    expect((await catalog.search('nothing like this', new Set())).total).toBe(0);
    expect((await catalog.find('sim/cheap'))?.model.contextWindow).toBe(8_192);
  });

  it('falls back to the snapshot shipped with the app when OpenRouter cannot be reached, and says so', async () => {
    const catalog = createCatalogSource({ baseUrl: `http://127.0.0.1:${await closedPort()}/api/v1` });
    const all = await catalog.search('', new Set());
    expect(all.source).toBe('snapshot');
    expect(all.snapshotDate).toBe(OPENROUTER_SNAPSHOT.date);
    expect(all.snapshotDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(all.total).toBeGreaterThanOrEqual(30);
    expect(all.total).toBeLessThanOrEqual(60);
    const flash = await catalog.search('gemini 2.5 flash', new Set());
    expect(flash.models[0]).toMatchObject({ id: 'google/gemini-2.5-flash', vision: true, contextWindow: 1_048_576 });
    expect(flash.models[0]?.inputCostPerToken).toBeGreaterThan(0);
    // Every entry of the snapshot is usable: an id, a name, a price on both sides.
    for (const entry of all.models) {
      expect(entry.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.:-]+$/);
      expect(entry.name.length).toBeGreaterThan(2);
      expect(entry.inputCostPerToken).not.toBeNull();
      expect(entry.outputCostPerToken).not.toBeNull();
      expect(entry.contextWindow).not.toBeNull();
    }
    expect((await catalog.find('openai/gpt-4o-mini'))?.model.vision).toBe(true);
  });

  it('asks the live list once for many searches, not once per keystroke', async () => {
    const before = sim.requests().length;
    const counting = createCatalogSource({ baseUrl: sim.baseUrl });
    const fetches: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      fetches.push(String(input));
      return original(input, init);
    }) as typeof fetch;
    try {
      await Promise.all(['s', 'si', 'sim', 'sim/', 'sim/f'].map((q) => counting.search(q, new Set())));
      await counting.search('sim/fa', new Set());
    } finally {
      globalThis.fetch = original;
    }
    expect(fetches).toEqual([`${sim.baseUrl}/models`]);
    expect(sim.requests().length).toBe(before);
  });
});
