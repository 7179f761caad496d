/**
 * IPC handlers for the criterion × model matrix and each model's agreement with the teacher.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { compareRoutes } from '../../shared/ipc/compare.ts';

export type CompareRouteName = keyof typeof compareRoutes;
export type CompareHandlerMap = Pick<Handlers, CompareRouteName>;

export interface CompareHandlers {
  handlers: CompareHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createCompareHandlers(): CompareHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
