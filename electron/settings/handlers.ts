/**
 * IPC handlers for settings without a config file: routing, retry, budgets, alerts, privacy,
 * grading defaults, and where the data lives. A change is validated as the config loader
 * validates a file, written by the config writer (unknown fields kept) and applied by
 * rebuilding the app on it (app-host.ts), so it takes effect without a restart.
 */
import { dirname, join } from 'node:path';
import type { Config } from '../../shared/config.ts';
import { AppError, type AppErrorData } from '../../shared/errors.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { SaveSettingsInput, settingsRoutes, SettingsSnapshot } from '../../shared/ipc/settings.ts';
import { settingsFromConfig } from '../api/settings.ts';
import { STRATEGIES } from '../api/routing/strategies.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { updateConfigFile } from '../config/write-config.ts';
import type { SetupServices } from '../setup/services.ts';
import type { WritableDB } from '../store/index.ts';
import { seedGradingChoice } from './grading-seed.ts';
import { validateLikeLoader } from './validate.ts';
import { applySection, valuesOf } from './values.ts';

export type SettingsRouteName = keyof typeof settingsRoutes;
export type SettingsHandlerMap = Pick<Handlers, SettingsRouteName>;

export interface SettingsHandlers {
  handlers: SettingsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface SettingsDeps {
  /** The config file and the host's rebuild, shared with set-up. */
  services: SetupServices;
  /** The configuration in force (the demo's in demo mode); used when there is no file of its own. */
  config: Config | null;
  demo: boolean;
  db: WritableDB;
  dbPath: string;
  /** A batch is being graded now. */
  busy: () => boolean;
}

/** The teacher's own settings: the file when the app has one, else the config it was given. */
function readOwnConfig(deps: SettingsDeps): { config: Config | null; error: AppErrorData | null } {
  const file = deps.services.configFile;
  if (file === null) return { config: deps.demo ? null : deps.config, error: null };
  const loaded = loadConfigFile(file);
  if (!loaded.ok) return loaded.error.code === 'CONFIG_NOT_FOUND' ? { config: null, error: null } : { config: null, error: loaded.error };
  try {
    settingsFromConfig(loaded.data);
  } catch (error) {
    if (error instanceof AppError) return { config: null, error: error.toData() };
    throw error;
  }
  return { config: loaded.data, error: null };
}

function snapshot(deps: SettingsDeps): SettingsSnapshot {
  const { config, error } = readOwnConfig(deps);
  const folder = dirname(deps.dbPath);
  return {
    values: valuesOf(config),
    strategies: [...STRATEGIES],
    models: Object.entries(config?.models ?? {}).map(([id, model]) => ({ id, name: model.name ?? id })),
    editable: deps.services.configFile !== null,
    demo: deps.demo,
    busy: deps.busy(),
    configError: error,
    locations: {
      database: deps.dbPath,
      config: deps.services.configFile,
      // The intake area's staging folder and the backups beside the database (intake/handlers.ts).
      staging: join(folder, 'staging'),
      backups: join(folder, 'backups'),
    },
  };
}

async function save(deps: SettingsDeps, input: SaveSettingsInput): Promise<void> {
  const file = deps.services.configFile;
  if (file === null) throw new AppError('CONFIG_WRITE_FAILED', 'This GradeDesk was started with a configuration it cannot change; edit that file instead.');
  await deps.services.reconfigure({
    reason: 'config',
    apply: async () => {
      const written = await updateConfigFile(file, (raw) => {
        applySection(raw, input);
        validateLikeLoader(raw);
        return raw;
      });
      if (input.section === 'grading') seedGradingChoice(deps.db, written);
    },
  });
}

export function createSettingsHandlers(deps: SettingsDeps): SettingsHandlers {
  return {
    handlers: {
      getSettings: () => snapshot(deps),
      saveSettings: async (input) => {
        await save(deps, input);
        return snapshot({ ...deps, busy: () => false });
      },
    },
    async close() {},
  };
}
