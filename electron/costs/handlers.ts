/**
 * IPC handlers for what grading cost and why calls failed: rollups, charts, the attempts log, budgets, alerts.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { costsRoutes } from '../../shared/ipc/costs.ts';

export type CostsRouteName = keyof typeof costsRoutes;
export type CostsHandlerMap = Pick<Handlers, CostsRouteName>;

export interface CostsHandlers {
  handlers: CostsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createCostsHandlers(): CostsHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
