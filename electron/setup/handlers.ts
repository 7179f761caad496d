/**
 * IPC handlers for first run, keys, local servers, the model list and the config file the app writes.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { setupRoutes } from '../../shared/ipc/setup.ts';

export type SetupRouteName = keyof typeof setupRoutes;
export type SetupHandlerMap = Pick<Handlers, SetupRouteName>;

export interface SetupHandlers {
  handlers: SetupHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createSetupHandlers(): SetupHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
