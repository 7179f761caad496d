import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { DEFAULT_MODELS } from '../../../electron/simulator/index.ts';
import { modelsListing } from '../../../electron/simulator/catalog.ts';
import type { EventPayload } from '../../../shared/ipc/contract.ts';
import { startHost } from './helpers.ts';

/**
 * OpenRouter unreachable in the worst way: a server on loopback that accepts the connection and
 * never answers, so a fetch of its model list hangs until its own timeout (10 s).
 */
describe('opening is not held up by a catalog that does not answer', () => {
  let blackHole: Server;
  const sockets = new Set<Socket>();
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    blackHole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as { port: number };
    dir = mkdtempSync(join(tmpdir(), 'gd-setup-startup-'));
    configPath = join(dir, 'config.json');
    // A short model name and no prices: the app would ask the catalog for both.
    writeFileSync(configPath, JSON.stringify({ models: { 'gemini-2.5-flash': { endpoint: `http://127.0.0.1:${port}/api/v1/chat/completions`, api: 'openrouter', api_key_env: 'OPENROUTER_API_KEY' } } }));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('createApp with a bound resolves promptly and lists the model as still waiting for the catalog', async () => {
    const started = performance.now();
    const app = await createApp({ configPath, dbPath: join(dir, 'a.db'), demo: false, mode: 'browser', secrets: createMemorySecretStore(), catalogWaitMs: 200 });
    const elapsed = performance.now() - started;
    try {
      expect(elapsed).toBeLessThan(2_000);
      expect(sockets.size).toBeGreaterThan(0); // it did ask, and the answer never came
      const [model] = await app.handlers.listModels({});
      expect(model).toMatchObject({ id: 'gemini-2.5-flash', catalog: { status: 'pending' } });
    } finally {
      await app.close();
    }
  });

  it('the desktop app host bounds the wait by itself', async () => {
    const started = performance.now();
    const fx = await startHost('gd-setup-startup-host-', {}, (folder) => writeFileSync(join(folder, 'config.json'), JSON.stringify({ models: { 'gpt-4o-mini': { endpoint: `http://127.0.0.1:${(blackHole.address() as { port: number }).port}/api/v1/chat/completions`, api: 'openrouter' } } })));
    const elapsed = performance.now() - started;
    try {
      expect(elapsed).toBeLessThan(2_000);
      expect(await fx.host.handlers.getAppInfo({})).toMatchObject({ configured: true, configError: null });
    } finally {
      await fx.close();
    }
  });

  it('a model list that answers late is taken up without a restart, and the screens are told', async () => {
    // OpenRouter answering slowly: its model list arrives 800 ms after it was asked for.
    const slow = createHttpServer((req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(modelsListing({ ...DEFAULT_MODELS })));
      }, 800);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const { port } = slow.address() as { port: number };
    const fx = await startHost('gd-setup-late-catalog-', { catalogWaitMs: 100 }, (folder) =>
      writeFileSync(join(folder, 'config.json'), JSON.stringify({ models: { fast: { endpoint: `http://127.0.0.1:${port}/api/v1/chat/completions`, api: 'openrouter' } } })),
    );
    try {
      expect((await fx.host.handlers.listModels({}))[0]).toMatchObject({ slug: 'fast', catalog: { status: 'pending' } });
      const changed = await new Promise<EventPayload<'setupChanged'>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no setupChanged within 5 s')), 5_000);
        fx.host.onEvent((event, payload) => {
          if (event !== 'setupChanged') return;
          clearTimeout(timer);
          resolve(payload as EventPayload<'setupChanged'>);
        });
      });
      expect(changed).toEqual({ reason: 'catalog' });
      const [model] = await fx.host.handlers.listModels({});
      expect(model).toMatchObject({ slug: 'sim/fast', contextWindow: 128_000, inputCostPerToken: 1e-7, catalog: { status: 'resolved', catalogId: 'sim/fast' } });
    } finally {
      await fx.close();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
