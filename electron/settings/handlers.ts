/**
 * IPC handlers for settings without a config file: routing, retry, budgets, alerts, privacy, grading defaults.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { settingsRoutes } from '../../shared/ipc/settings.ts';

export type SettingsRouteName = keyof typeof settingsRoutes;
export type SettingsHandlerMap = Pick<Handlers, SettingsRouteName>;

export interface SettingsHandlers {
  handlers: SettingsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createSettingsHandlers(): SettingsHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
