/**
 * IPC handlers for the rubric library: saved rubrics, imported and edited.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { rubricsRoutes } from '../../shared/ipc/rubrics.ts';

export type RubricRouteName = keyof typeof rubricsRoutes;
export type RubricHandlerMap = Pick<Handlers, RubricRouteName>;

export interface RubricHandlers {
  handlers: RubricHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createRubricHandlers(): RubricHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
