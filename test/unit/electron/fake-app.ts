import type { AppOptions, GradeDeskApp } from '../../../electron/app/create-app.ts';
import type { EventListener } from '../../../shared/ipc/contract.ts';
import type { Handlers } from '../../../shared/ipc/contract.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';
import type { ModelCheck } from '../../../shared/ipc/models.ts';

/** A stand-in for electron/app/create-app.ts: a handler for every route, recorded calls and events. */
export function createFakeCore(options: { failWith?: Error } = {}) {
  const listeners = new Set<EventListener>();
  const calls: Array<{ route: string; input: unknown }> = [];
  const created: AppOptions[] = [];
  let closed = 0;

  const check: ModelCheck = {
    modelId: 'demo',
    checkedAt: '2025-01-01T00:00:00.000Z',
    ok: true,
    latencyMs: 12,
    httpStatus: 200,
    errorClass: null,
    error: null,
  };

  const handlers: Handlers = makeHandlers({
    getAppInfo: (input) => {
      calls.push({ route: 'getAppInfo', input });
      return { version: '0.1.0-test', mode: 'electron', demo: false, configPath: null, configError: null };
    },
    listModels: (input) => {
      calls.push({ route: 'listModels', input });
      return [];
    },
    checkModel: async (input) => {
      calls.push({ route: 'checkModel', input });
      return { ...check, modelId: input.modelId };
    },
  });

  /** main.ts uses only the bridge-facing part of the app; the core itself is not needed here. */
  const app: Pick<GradeDeskApp, 'handlers' | 'onEvent' | 'close'> = {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed += 1;
    },
  };

  return {
    async createApp(appOptions: AppOptions): Promise<Pick<GradeDeskApp, 'handlers' | 'onEvent' | 'close'>> {
      created.push(appOptions);
      if (options.failWith) throw options.failWith;
      return app;
    },
    created,
    calls,
    emit: ((event, payload) => {
      for (const listener of listeners) listener(event, payload);
    }) as EventListener,
    get closed() {
      return closed;
    },
  };
}

export type FakeCore = ReturnType<typeof createFakeCore>;
