import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  eventChannel,
  eventNames,
  invokeChannel,
  routeNames,
  type EventPayload,
  type GradeDeskApi,
} from '../../../shared/ipc/contract.ts';

/** A recording ipcRenderer: invoke answers `{ok: true, data: {channel, args}}` unless told otherwise. */
class FakeIpcRenderer extends EventEmitter {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  answer: (channel: string, args: unknown[]) => Promise<unknown> = async (channel, args) => ({
    ok: true,
    data: { channel, args },
  });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, args);
  }
  /** What Electron does on `webContents.send`: the listener gets an IPC event, then the args. */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: this, senderId: 0, ports: [] }, ...args);
  }
}

const fake = vi.hoisted(() => ({
  exposed: [] as Array<{ key: string; api: unknown }>,
  ipc: null as unknown,
}));

vi.mock('electron', async () => {
  fake.ipc = new FakeIpcRenderer();
  return {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        fake.exposed.push({ key, api });
      },
    },
    ipcRenderer: fake.ipc,
  };
});

const { buildGradeDeskApi } = await import('../../../electron/shell/preload.ts');

const checkPayload: EventPayload<'modelChecked'> = {
  modelId: 'm1',
  checkedAt: '2025-01-01T00:00:00.000Z',
  ok: true,
  latencyMs: 10,
  httpStatus: 200,
  errorClass: null,
  error: null,
};

describe('preload in Electron', () => {
  const ipc = () => fake.ipc as FakeIpcRenderer;
  const exposedApi = () => fake.exposed[0]!.api as GradeDeskApi;

  it('exposes exactly one object, as window.gradedesk', () => {
    expect(fake.exposed).toHaveLength(1);
    expect(fake.exposed[0]!.key).toBe('gradedesk');
  });

  it('exposes the verbs of the contract and `on`, nothing else', () => {
    const api = exposedApi();
    expect(Object.keys(api).sort()).toEqual([...routeNames, 'on'].sort());
    expect(Object.getOwnPropertySymbols(api)).toEqual([]);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.values(api)).not.toContain(ipc());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes each route on its own channel with the input', async () => {
    const api = exposedApi();
    await expect(api.checkModel({ modelId: 'm1' })).resolves.toEqual({
      ok: true,
      data: { channel: invokeChannel('checkModel'), args: [{ modelId: 'm1' }] },
    });
    for (const route of routeNames) {
      const call = api[route] as (input: unknown) => Promise<unknown>;
      await call({});
      expect(ipc().invoked.at(-1)).toEqual({ channel: invokeChannel(route), args: [{}] });
    }
  });

  it('delivers only the payload to `on` listeners and unsubscribes exactly that listener', () => {
    const api = exposedApi();
    const received: unknown[][] = [];
    const unsubscribe = api.on('modelChecked', (...args: unknown[]) => received.push(args));
    expect(ipc().listenerCount(eventChannel('modelChecked'))).toBe(1);

    ipc().deliver(eventChannel('modelChecked'), checkPayload);
    expect(received).toEqual([[checkPayload]]);

    unsubscribe();
    expect(ipc().listenerCount(eventChannel('modelChecked'))).toBe(0);
    ipc().deliver(eventChannel('modelChecked'), checkPayload);
    expect(received).toHaveLength(1);
  });

  it('throws on event names the contract does not know', () => {
    const api = exposedApi();
    const on = api.on as (event: string, listener: (payload: unknown) => void) => () => void;
    for (const name of ['nope', '', '__proto__', 'constructor', 'toString', 'gradedesk:event:modelChecked']) {
      expect(() => on(name, () => undefined), name).toThrow(TypeError);
    }
    expect(ipc().eventNames()).toEqual([]);
  });
});

describe('buildGradeDeskApi', () => {
  it('keeps two subscriptions of the same listener apart', () => {
    const ipc = new FakeIpcRenderer();
    const api = buildGradeDeskApi(ipc);
    const received: unknown[] = [];
    const listener = (payload: unknown) => received.push(payload);
    const first = api.on('modelChecked', listener);
    const second = api.on('modelChecked', listener);
    first();
    first();
    expect(ipc.listenerCount(eventChannel('modelChecked'))).toBe(1);
    ipc.deliver(eventChannel('modelChecked'), checkPayload);
    expect(received).toEqual([checkPayload]);
    second();
    expect(ipc.listenerCount(eventChannel('modelChecked'))).toBe(0);
  });

  it('subscribes to every event of the contract on its own channel', () => {
    const ipc = new FakeIpcRenderer();
    const api = buildGradeDeskApi(ipc);
    for (const event of eventNames) {
      const unsubscribe = api.on(event, () => undefined);
      expect(ipc.listenerCount(eventChannel(event))).toBe(1);
      unsubscribe();
    }
  });

  it('refuses a listener that is not a function', () => {
    const api = buildGradeDeskApi(new FakeIpcRenderer());
    expect(() => api.on('modelChecked', 'alert(1)' as unknown as () => void)).toThrow(TypeError);
  });

  it('answers an IpcResult instead of rejecting when the main process cannot be reached', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.answer = async () => {
      throw new Error("Error invoking remote method 'gradedesk:invoke:getAppInfo': No handler registered");
    };
    const result = await buildGradeDeskApi(ipc).getAppInfo({});
    expect(result).toMatchObject({ ok: false, error: { code: 'BRIDGE_CLOSED' } });
    expect(JSON.stringify(result)).not.toContain('No handler registered');
  });

  it('exposes nothing where electron has no contextBridge (how other suites can import the builder)', async () => {
    // Under plain Node `electron` is only the binary's path (and on a machine without the
    // binary, importing it throws), so suites that import preload.ts mock it without a bridge.
    vi.resetModules();
    vi.doMock('electron', () => ({ contextBridge: undefined, ipcRenderer: undefined }));
    const before = fake.exposed.length;
    const module = await import('../../../electron/shell/preload.ts');
    expect(fake.exposed).toHaveLength(before);
    expect(Object.keys(module.buildGradeDeskApi(new FakeIpcRenderer())).sort()).toEqual([...routeNames, 'on'].sort());
  });
});
