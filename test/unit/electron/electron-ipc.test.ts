import { describe, expect, it } from 'vitest';
import { invokeChannel, routeNames, type RouteName } from '../../../shared/ipc/contract.ts';
import {
  registerIpcRoutes,
  senderInfoFromEvent,
  type IpcInvokeListener,
  type IpcMainLike,
} from '../../../electron/shell/electron-ipc.ts';
import type { Router, SenderInfo } from '../../../electron/ipc/router.ts';

function fakeIpcMain(): IpcMainLike & { handlers: Map<string, IpcInvokeListener>; removed: string[] } {
  const handlers = new Map<string, IpcInvokeListener>();
  const removed: string[] = [];
  return {
    handlers,
    removed,
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      removed.push(channel);
      handlers.delete(channel);
    },
  };
}

function recordingRouter(): Router & { calls: Array<{ route: string; input: unknown; sender: SenderInfo }> } {
  const calls: Array<{ route: string; input: unknown; sender: SenderInfo }> = [];
  return {
    calls,
    async handle(route, input, sender) {
      calls.push({ route, input, sender });
      return { ok: true, data: route };
    },
  };
}

describe('senderInfoFromEvent', () => {
  const mainFrame = { url: 'app://gradedesk/index.html' };

  it('reports the frame URL and whether it is the main frame', () => {
    expect(senderInfoFromEvent({ senderFrame: mainFrame, sender: { mainFrame } })).toEqual({
      url: 'app://gradedesk/index.html',
      isMainFrame: true,
    });
    expect(senderInfoFromEvent({ senderFrame: { url: mainFrame.url }, sender: { mainFrame } })).toEqual({
      url: 'app://gradedesk/index.html',
      isMainFrame: false,
    });
  });

  it('treats a missing, detached or disposed frame as an unknown sender', () => {
    const unknown = { url: '', isMainFrame: false };
    expect(senderInfoFromEvent({ senderFrame: null, sender: { mainFrame } })).toEqual(unknown);
    expect(senderInfoFromEvent({ senderFrame: { ...mainFrame, detached: true }, sender: { mainFrame } })).toEqual(unknown);
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(senderInfoFromEvent({ senderFrame: disposed, sender: { mainFrame: disposed } })).toEqual(unknown);
    const destroyedContents = {
      senderFrame: mainFrame,
      get sender(): { mainFrame: { url: string } } {
        throw new Error('Object has been destroyed');
      },
    };
    expect(senderInfoFromEvent(destroyedContents)).toEqual(unknown);
    for (const garbage of [undefined, null, 'event', 42, {}, { senderFrame: 'app://gradedesk/' }, { senderFrame: { url: 7 } }]) {
      expect(senderInfoFromEvent(garbage as never), String(garbage)).toEqual(unknown);
    }
  });
});

describe('registerIpcRoutes', () => {
  it('registers one handler per route that passes the route, the first argument and the sender', async () => {
    const ipcMain = fakeIpcMain();
    const router = recordingRouter();
    registerIpcRoutes(ipcMain, router, routeNames);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(routeNames.map((route) => invokeChannel(route)).sort());

    const mainFrame = { url: 'app://gradedesk/index.html' };
    const handler = ipcMain.handlers.get(invokeChannel('checkModel'))!;
    await expect(handler({ senderFrame: mainFrame, sender: { mainFrame } }, { modelId: 'm1' }, 'ignored')).resolves.toEqual({
      ok: true,
      data: 'checkModel',
    });
    expect(router.calls).toEqual([
      { route: 'checkModel', input: { modelId: 'm1' }, sender: { url: 'app://gradedesk/index.html', isMainFrame: true } },
    ]);
  });

  it('registers a repeated route once', () => {
    const ipcMain = fakeIpcMain();
    registerIpcRoutes(ipcMain, recordingRouter(), ['getAppInfo', 'getAppInfo', 'listModels'] as RouteName[]);
    expect([...ipcMain.handlers.keys()]).toEqual([invokeChannel('getAppInfo'), invokeChannel('listModels')]);
  });

  it('unregisters every handler once', () => {
    const ipcMain = fakeIpcMain();
    const unregister = registerIpcRoutes(ipcMain, recordingRouter(), routeNames);
    unregister();
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.removed).toHaveLength(routeNames.length);
  });

  it('leaves nothing registered when a channel is already taken', () => {
    const ipcMain = fakeIpcMain();
    const taken = routeNames[routeNames.length - 1]!;
    ipcMain.handle(invokeChannel(taken), async () => 'someone else');
    expect(() => registerIpcRoutes(ipcMain, recordingRouter(), routeNames)).toThrow(/second handler/);
    expect([...ipcMain.handlers.keys()]).toEqual([invokeChannel(taken)]);
  });
});
