import type { KeyVault } from '../secrets/key-vault.ts';
import type { CatalogSource } from './catalog-source.ts';
import type { LocalProbe } from './local-servers.ts';

/** Why the set-up changed, as the `setupChanged` event tells the screens. */
export type SetupChangeReason = 'config' | 'key' | 'demo' | 'catalog' | 'reload';

/**
 * One change of what the app runs with. `apply` writes it (the config file, a key) once no
 * grading is in progress; `demo` switches the simulated provider on or off. The app is then
 * rebuilt from the result, so the change takes effect without a restart.
 */
export interface SetupChange {
  reason: SetupChangeReason;
  apply?: () => Promise<void>;
  demo?: boolean;
}

/**
 * What the set-up routes need from whoever runs the app (electron/app/app-host.ts). They outlive
 * any one build of the app: the catalog keeps its cache and the vault its session keys.
 */
export interface SetupServices {
  /** The config file the app writes; null when it has none of its own (a config given as a value). */
  configFile: string | null;
  vault: KeyVault;
  catalog: CatalogSource;
  /** OpenRouter's API root; a simulator's in tests. */
  openRouterBaseUrl: string;
  localProbes: readonly LocalProbe[];
  /** Applies a change and rebuilds the app; GRADING_IN_PROGRESS while a batch is being graded. */
  reconfigure(change: SetupChange): Promise<void>;
}
