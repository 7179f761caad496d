import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { routeNames, type GradeDeskApi } from '../../../shared/ipc/contract.ts';
import type { ModelCheck } from '../../../shared/ipc/models.ts';
import type { EventListener } from '../../../shared/ipc/contract.ts';
import { startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/server.ts';
import { registerIpcRoutes } from '../../../electron/shell/electron-ipc.ts';
import { createRouter } from '../../../electron/ipc/router.ts';
import type { Handlers } from '../../../shared/ipc/contract.ts';
import { isTrustedSender } from '../../../electron/shell/security.ts';
import { buildGradeDeskApi } from '../../../electron/shell/preload-api.ts';
import { createBrowserBridge, type SocketLike } from '../../../renderer/src/lib/browser-bridge.ts';
import { createFakeIpcPair } from './fake-ipc.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';

/**
 * One contract, two bridges (STYLE §4, §11): the Electron preload and the browser-mode client
 * must behave the same for the renderer, so the same suite runs against both.
 */
function fakeCore() {
  const listeners = new Set<EventListener>();
  const check = (modelId: string): ModelCheck => ({
    modelId,
    checkedAt: new Date(0).toISOString(),
    ok: modelId !== 'bad',
    latencyMs: 12,
    httpStatus: modelId === 'bad' ? 401 : 200,
    errorClass: modelId === 'bad' ? 'auth' : null,
    error: modelId === 'bad' ? { code: 'INVALID_API_KEY', message: 'The API key was refused.' } : null,
  });
  const handlers: Handlers = makeHandlers({
    getAppInfo: () => ({ version: '9', mode: 'browser', demo: true, configPath: null, configError: null }),
    checkModel: ({ modelId }) => {
      const c = check(modelId);
      for (const l of listeners) l('modelChecked', c);
      return c;
    },
  });
  return {
    handlers,
    onEvent(listener: EventListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface BridgeUnderTest {
  api: GradeDeskApi;
  close(): Promise<void>;
}

function describeBridgeContract(name: string, make: () => Promise<BridgeUnderTest>) {
  describe(`bridge contract: ${name}`, () => {
    let bridge: BridgeUnderTest;
    beforeAll(async () => {
      bridge = await make();
    });
    afterAll(() => bridge.close());

    it('exposes exactly the contract verbs and on()', () => {
      expect(Object.keys(bridge.api).sort()).toEqual([...routeNames, 'on'].sort());
      expect(Object.isFrozen(bridge.api)).toBe(true);
    });

    it('answers verbs with {ok, data}', async () => {
      expect(await bridge.api.getAppInfo({})).toEqual({
        ok: true,
        data: { version: '9', mode: 'browser', demo: true, configPath: null, configError: null },
      });
      const checked = await bridge.api.checkModel({ modelId: 'bad' });
      expect(checked).toMatchObject({ ok: true, data: { ok: false, error: { code: 'INVALID_API_KEY' } } });
    });

    it('returns coded errors for invalid input instead of throwing', async () => {
      const wrong = await bridge.api.checkModel({ modelId: 5 } as unknown as { modelId: string });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const big = await bridge.api.checkModel({ modelId: 'x'.repeat(300_000) });
      expect(big).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    });

    it('delivers events with only the payload, until unsubscribed', async () => {
      const seen: unknown[] = [];
      const off = bridge.api.on('modelChecked', (payload) => seen.push(payload));
      await bridge.api.checkModel({ modelId: 'm1' });
      await new Promise((r) => setTimeout(r, 20));
      off();
      await bridge.api.checkModel({ modelId: 'm2' });
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([expect.objectContaining({ modelId: 'm1', ok: true })]);
    });

    it('refuses unknown event names', () => {
      expect(() => bridge.api.on('nope' as 'modelChecked', () => {})).toThrow();
    });
  });
}

describeBridgeContract('Electron preload over a structured-cloning IPC pair', async () => {
  const core = fakeCore();
  const pair = createFakeIpcPair('app://gradedesk/index.html');
  const router = createRouter(core.handlers, { isTrustedSender });
  const unregister = registerIpcRoutes(pair.ipcMain, router, routeNames);
  const off = core.onEvent((event, payload) => pair.send(`gradedesk:event:${event}`, payload));
  return {
    api: buildGradeDeskApi(pair.ipcRenderer),
    async close() {
      off();
      unregister();
    },
  };
});

describeBridgeContract('browser client over the loopback WebSocket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bridge-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '');
  const server: BrowserModeServer = await startBrowserMode({ app: fakeCore(), rendererDir: dir });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${server.token}`, { headers: { origin: server.origin } });
  return {
    api: createBrowserBridge(ws as unknown as SocketLike),
    async close() {
      ws.terminate();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
