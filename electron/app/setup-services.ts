import { AppError } from '../../shared/errors.ts';
import { createSessionKeyVault } from '../secrets/key-vault.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { createCatalogSource } from '../setup/catalog-source.ts';
import { DEFAULT_LOCAL_PROBES } from '../setup/local-servers.ts';
import { OPENROUTER_BASE_URL } from '../setup/openrouter-key.ts';
import type { SetupServices } from '../setup/services.ts';

/**
 * Set-up services for an app that runs without a host (the CLI, tests that build the app
 * directly): they read what is configured, and refuse changes, which only a host can apply
 * without a restart.
 */
export function fixedSetupServices(configFile: string | null, secrets: SecretStore): SetupServices {
  return {
    configFile,
    vault: createSessionKeyVault(secrets),
    catalog: createCatalogSource({ baseUrl: OPENROUTER_BASE_URL }),
    openRouterBaseUrl: OPENROUTER_BASE_URL,
    localProbes: DEFAULT_LOCAL_PROBES,
    reconfigure: () => Promise.reject(new AppError('CONFIG_WRITE_FAILED', 'This GradeDesk cannot change its set-up while it runs; change the config file and start it again.')),
  };
}
