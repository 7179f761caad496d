import type { AppErrorData } from '../../shared/errors.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';

interface AppHandlerDeps {
  version?: string;
  mode: 'electron' | 'browser';
  /** The provider is the built-in simulator. */
  demo: boolean;
  configPath: string | null;
  configError: AppErrorData | null;
  /** Some model can grade now (demo counts). */
  configured: boolean;
  keychain: 'encrypted' | 'plain_text_only' | 'session_only';
}

/**
 * The app domain's routes (shared/ipc/app.ts): what this installation is, for the renderer's
 * header and settings. The composition root spreads them into its handler map.
 */
export function createAppHandlers(deps: AppHandlerDeps): Pick<Handlers, 'getAppInfo'> {
  return {
    getAppInfo: () => ({
      version: deps.version ?? '0.1.0',
      mode: deps.mode,
      demo: deps.demo,
      configPath: deps.demo ? null : deps.configPath,
      configError: deps.configError,
      configured: deps.configured,
      keychain: deps.keychain,
    }),
  };
}
