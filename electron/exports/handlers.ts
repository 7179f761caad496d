/**
 * IPC handlers for a batch's grades and feedback in the form the school needs (CSV for the LMS, a feedback document per student).
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { exportsRoutes } from '../../shared/ipc/exports.ts';

export type ExportsRouteName = keyof typeof exportsRoutes;
export type ExportsHandlerMap = Pick<Handlers, ExportsRouteName>;

export interface ExportsHandlers {
  handlers: ExportsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createExportsHandlers(): ExportsHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
