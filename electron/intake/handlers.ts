/**
 * IPC handlers for student work dropped into the app (uploaded, read, checked) and the class roster.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { intakeRoutes } from '../../shared/ipc/intake.ts';

export type IntakeRouteName = keyof typeof intakeRoutes;
export type IntakeHandlerMap = Pick<Handlers, IntakeRouteName>;

export interface IntakeHandlers {
  handlers: IntakeHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createIntakeHandlers(): IntakeHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
