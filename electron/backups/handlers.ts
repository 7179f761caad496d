/**
 * IPC handlers for backing up and restoring the database, integrity at open, retention.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { backupsRoutes } from '../../shared/ipc/backups.ts';

export type BackupsRouteName = keyof typeof backupsRoutes;
export type BackupsHandlerMap = Pick<Handlers, BackupsRouteName>;

export interface BackupsHandlers {
  handlers: BackupsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createBackupsHandlers(): BackupsHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
