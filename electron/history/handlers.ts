/**
 * IPC handlers for every past batch, submission and grading, searchable offline.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { historyRoutes } from '../../shared/ipc/history.ts';

export type HistoryRouteName = keyof typeof historyRoutes;
export type HistoryHandlerMap = Pick<Handlers, HistoryRouteName>;

export interface HistoryHandlers {
  handlers: HistoryHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createHistoryHandlers(): HistoryHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
