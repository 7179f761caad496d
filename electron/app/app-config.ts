import type { Config } from '../../shared/config.ts';
import { AppError, type AppErrorData } from '../../shared/errors.ts';
import { settingsFromConfig } from '../api/index.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { startDemoProvider, type DemoProvider } from '../demo/demo-provider.ts';

/** The configuration in force, or why there is none: the app opens either way. */
interface LoadedConfig {
  config: Config | null;
  error: AppErrorData | null;
}

/** Where the configuration may come from (the matching fields of `AppOptions`). */
interface ConfigSource {
  configPath: string | null;
  configValue?: Config;
  demo: boolean;
}

function loadConfig(path: string | null): LoadedConfig {
  if (path === null) {
    return { config: null, error: { code: 'CONFIG_NOT_FOUND', message: 'No config file was given.' } };
  }
  const result = loadConfigFile(path);
  return result.ok ? { config: result.data, error: null } : { config: null, error: result.error };
}

/**
 * The configuration to run with, first match wins: the demo's (which starts the simulated
 * provider it points at; the caller closes it), one already loaded (a resumed batch's), the file.
 */
export async function chooseConfig(source: ConfigSource): Promise<{ loaded: LoadedConfig; demo: DemoProvider | null }> {
  if (source.demo) {
    const demo = await startDemoProvider();
    return { loaded: { config: demo.config, error: null }, demo };
  }
  if (source.configValue) return { loaded: { config: source.configValue, error: null }, demo: null };
  return { loaded: loadConfig(source.configPath), demo: null };
}

export type CoreSettings = ReturnType<typeof settingsFromConfig>;

/**
 * The core's settings from the config. A config the core cannot use is reported like a schema
 * error, and is then no config at all; the app still opens.
 */
export function coreSettingsFor(loaded: LoadedConfig): { loaded: LoadedConfig; settings: CoreSettings } {
  try {
    return { loaded, settings: settingsFromConfig(loaded.config) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { loaded: { config: null, error: error.toData() }, settings: {} };
  }
}
