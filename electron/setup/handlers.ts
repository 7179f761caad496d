/**
 * IPC handlers for first run, keys, local servers, the model list and the config file the app writes.
 */
import type { Config } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { LocalServer, setupRoutes, SetupStatus } from '../../shared/ipc/setup.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { updateConfigFile, type RawConfig } from '../config/write-config.ts';
import { localBaseUrl, probeLocalServer } from './local-servers.ts';
import { addCatalogModel, addLocalModel, applySettings, localEndpoint, removeModelEntry, settingsOf } from './model-entries.ts';
import { checkOpenRouterKey, maskKey, OPENROUTER_KEY_NAME } from './openrouter-key.ts';
import type { SetupServices } from './services.ts';

export type SetupRouteName = keyof typeof setupRoutes;
export type SetupHandlerMap = Pick<Handlers, SetupRouteName>;

export interface SetupHandlers {
  handlers: SetupHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface SetupDeps {
  services: SetupServices;
  /** The configuration in force (the demo's in demo mode); null when none could be loaded. */
  config: Config | null;
  demo: boolean;
}

const DONE = { ok: true } as const;

/** The models the teacher configured (the file), not the demo's: what set-up edits. */
async function fileModels(deps: SetupDeps): Promise<Config['models']> {
  const file = deps.services.configFile;
  if (file === null) return deps.demo ? {} : (deps.config?.models ?? {});
  const loaded = loadConfigFile(file);
  return loaded.ok ? loaded.data.models : {};
}

function configFileOf(deps: SetupDeps): string {
  const file = deps.services.configFile;
  if (file === null) throw new AppError('CONFIG_WRITE_FAILED', 'This GradeDesk was started with a configuration it cannot change; edit that file instead.');
  return file;
}

/** Writes a config change and rebuilds the app on it; leaves demo mode, since the teacher now sets up real models. */
async function changeConfig(deps: SetupDeps, edit: (raw: RawConfig) => void): Promise<void> {
  const file = configFileOf(deps);
  await deps.services.reconfigure({
    reason: 'config',
    demo: false,
    apply: async () => {
      await updateConfigFile(file, (raw) => {
        edit(raw);
        return raw;
      });
    },
  });
}

async function keyStatus(deps: SetupDeps): Promise<SetupStatus['openRouter']> {
  const { vault } = deps.services;
  const storage = await vault.where(OPENROUTER_KEY_NAME);
  if (storage === null) return { set: false, masked: null, storage: null };
  const key = await vault.secrets.get(OPENROUTER_KEY_NAME);
  return { set: true, masked: key === null ? null : maskKey(key), storage };
}

async function detect(deps: SetupDeps, customUrl: string | null): Promise<LocalServer[]> {
  const targets = deps.services.localProbes.map((p) => ({ kind: p.kind, baseUrl: p.baseUrl }) as const);
  const custom = customUrl !== null && customUrl.trim() !== '' ? [{ kind: 'custom', baseUrl: localBaseUrl(customUrl) } as const] : [];
  const models = Object.values(await fileModels(deps));
  const probed = await Promise.all([...custom, ...targets].map((t) => probeLocalServer(t.kind, t.baseUrl)));
  return probed.map((server) => ({
    ...server,
    added: models.filter((m) => m.endpoint === localEndpoint(server.baseUrl)).map((m) => m.model ?? ''),
  }));
}

export function createSetupHandlers(deps: SetupDeps): SetupHandlers {
  const { services } = deps;
  const handlers: SetupHandlerMap = {
    getSetupStatus: async () => {
      const models = deps.config?.models ?? {};
      return {
        configured: deps.demo || Object.keys(models).length > 0,
        demo: deps.demo,
        keychain: services.vault.kind,
        openRouter: await keyStatus(deps),
        editable: services.configFile !== null,
        modelCount: Object.keys(await fileModels(deps)).length,
      };
    },

    connectOpenRouter: async ({ key, allowPlainText }) => {
      const trimmed = key.trim();
      if (trimmed === '' || /\s/.test(trimmed)) throw new AppError('INVALID_API_KEY', 'A key is one word without spaces. Copy it again from openrouter.ai/keys.');
      // Refused before the check, so a key that could not be kept is not sent anywhere either.
      services.vault.assertStorable({ allowPlainText });
      const { latencyMs } = await checkOpenRouterKey(trimmed, { baseUrl: services.openRouterBaseUrl });
      await services.reconfigure({
        reason: 'key',
        apply: async () => {
          await services.vault.save(OPENROUTER_KEY_NAME, trimmed, { allowPlainText });
        },
      });
      return { latencyMs, key: await keyStatus(deps) };
    },

    forgetOpenRouterKey: async () => {
      await services.reconfigure({ reason: 'key', apply: () => services.vault.remove(OPENROUTER_KEY_NAME) });
      return DONE;
    },

    detectLocalServers: ({ customUrl }) => detect(deps, customUrl),

    addLocalModels: async ({ kind, baseUrl, modelIds }) => {
      const base = localBaseUrl(baseUrl);
      const added: string[] = [];
      await changeConfig(deps, (raw) => {
        for (const modelId of modelIds) added.push(addLocalModel(raw, kind, base, modelId));
      });
      return { added };
    },

    searchCatalog: async ({ query }) => {
      const models = Object.values(await fileModels(deps));
      return services.catalog.search(query, new Set(models.map((m) => m.model ?? '')));
    },

    addCatalogModels: async ({ catalogIds }) => {
      const listings = await Promise.all(catalogIds.map((id) => services.catalog.find(id)));
      const missing = catalogIds.filter((_, i) => listings[i] === null);
      if (missing.length > 0) throw new AppError('MODEL_NOT_FOUND', `OpenRouter's model list has no ${missing.join(', ')}.`);
      const added: string[] = [];
      await changeConfig(deps, (raw) => {
        for (const listing of listings) if (listing) added.push(addCatalogModel(raw, listing, services.openRouterBaseUrl));
      });
      return { added };
    },

    getModelSettings: async ({ modelId }) => {
      const models = await fileModels(deps);
      const model = models[modelId];
      if (!model || !Object.hasOwn(models, modelId)) throw new AppError('MODEL_NOT_FOUND', `There is no model "${modelId}" in the config.`);
      return settingsOf(modelId, model);
    },

    updateModel: async ({ modelId, settings }) => {
      await changeConfig(deps, (raw) => applySettings(raw, modelId, settings));
      return DONE;
    },

    removeModel: async ({ modelId }) => {
      await changeConfig(deps, (raw) => removeModelEntry(raw, modelId));
      return DONE;
    },

    setDemo: async ({ on }) => {
      await services.reconfigure({ reason: 'demo', demo: on });
      return DONE;
    },

    reloadConfig: async () => {
      await services.reconfigure({ reason: 'reload' });
      return DONE;
    },
  };
  return { handlers, async close() {} };
}
