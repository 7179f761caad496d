import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { dialectOf, pricesOf, type Config, type ModelConfig } from '../shared/config.ts';
import { AppError, type AppErrorData } from '../shared/errors.ts';
import type { EventListener, Handlers } from '../shared/ipc/contract.ts';
import type { ModelCheck, ModelView } from '../shared/ipc/models.ts';
import { CallManager, DEFAULT_TIMEOUTS, registryFromConfig, settingsFromConfig } from './api/index.ts';
import { checkModel } from './api/routing/check-model.ts';
import { loadConfigFile } from './config/load-config.ts';
import { startDemoProvider, type DemoProvider } from './demo/demo-provider.ts';
import { createGradingHandlers } from './grading/handlers.ts';
import { createMonitor, type Monitor } from './monitor/index.ts';
import { createMonitorHandlers } from './monitor/handlers.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { closeDatabase, latestChecks, openDatabase, type ApiCallRow, type WritableDB } from './store/index.ts';

export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, details?: Record<string, unknown>) => void;

export interface AppOptions {
  configPath: string | null;
  /** A config already loaded (e.g. the one stored with a batch being resumed); wins over configPath. */
  configValue?: Config;
  dbPath: string;
  /** Use the built-in simulated provider instead of the config's models. */
  demo: boolean;
  mode: 'electron' | 'browser';
  secrets: SecretStore;
  log?: Log;
  version?: string;
}

export interface GradeDeskApp {
  handlers: Handlers;
  /** The API call management core, for the grading pipeline and the CLI. */
  calls: CallManager;
  monitor: Monitor;
  /** The store, for the grading pipeline and the CLI (same file as the desktop app's). */
  db: WritableDB;
  /** The configuration in force (the demo's when in demo mode); null when none could be loaded. */
  config: Config | null;
  configError: AppErrorData | null;
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}

interface LoadedConfig {
  config: Config | null;
  error: AppErrorData | null;
}

function loadConfig(path: string | null): LoadedConfig {
  if (path === null) {
    return { config: null, error: { code: 'CONFIG_NOT_FOUND', message: 'No config file was given.' } };
  }
  const result = loadConfigFile(path);
  return result.ok ? { config: result.data, error: null } : { config: null, error: result.error };
}

function costOf(model: ModelConfig, providerCost: number | null, promptTokens: number | null, completionTokens: number | null) {
  if (providerCost !== null) return { costUsd: providerCost, costSource: 'provider' as const };
  const prices = pricesOf(model);
  if (prices.input === null || prices.output === null || promptTokens === null || completionTokens === null) {
    return { costUsd: null, costSource: 'unpriced' as const };
  }
  return { costUsd: promptTokens * prices.input + completionTokens * prices.output, costSource: 'estimate' as const };
}

function checkFromRow(row: ApiCallRow): ModelCheck {
  return {
    modelId: row.modelId,
    checkedAt: new Date(row.startedAt).toISOString(),
    ok: row.status === 'ok',
    latencyMs: row.latencyMs,
    httpStatus: row.httpStatus,
    errorClass: row.errorClass,
    error: row.status === 'ok' || row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? '' },
  };
}

/**
 * The composition root: builds the core from config, store and secrets, and returns the
 * handler for every IPC route. Electron's main.ts and browser mode both serve exactly this.
 */
export async function createApp(options: AppOptions): Promise<GradeDeskApp> {
  const log: Log = options.log ?? (() => {});
  let demo: DemoProvider | null = null;
  let loaded: LoadedConfig;
  if (options.demo) {
    demo = await startDemoProvider();
    loaded = { config: demo.config, error: null };
  } else if (options.configValue) {
    loaded = { config: options.configValue, error: null };
  } else {
    loaded = loadConfig(options.configPath);
  }
  if (loaded.error) log('warn', 'config not loaded', { code: loaded.error.code });

  let db: WritableDB;
  try {
    db = openDatabase(options.dbPath);
  } catch (error) {
    await demo?.close();
    throw error;
  }
  const secrets = demo ? demo.secrets : options.secrets;
  // One keep-alive pool per origin; a connect that takes longer than the connect timeout is a
  // connection failure.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 32, connect: { timeout: DEFAULT_TIMEOUTS.connectMs } });
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        log('error', 'event listener failed', { event, error: String(error) });
      }
    }
  };

  let settings: ReturnType<typeof settingsFromConfig>;
  try {
    settings = settingsFromConfig(loaded.config);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // A config the core cannot use is reported like a schema error; the app still opens.
    loaded = { config: null, error: error.toData() };
    settings = {};
  }
  // The audit trail on its own thread and connection, without an fsync per commit (see createMonitor).
  const monitor = createMonitor({
    db,
    auditThread: { dbPath: options.dbPath },
    config: loaded.config,
    onAlert: (alert) => emit('alertRaised', alert),
    onError: (error, source) => log('warn', 'monitor', { source, error: String(error) }),
  });
  const calls = new CallManager({
    models: loaded.config ? registryFromConfig(loaded.config) : [],
    keys: (name) => secrets.get(name),
    sink: monitor.recorder,
    budget: monitor.budget,
    breakers: monitor.breakers,
    dispatcher,
    settings,
  });
  monitor.setBreakerLookup((id) => calls.breakerState(id));

  const models = (): Array<[string, ModelConfig]> => Object.entries(loaded.config?.models ?? {});
  const modelById = (id: string): ModelConfig => {
    const model = loaded.config?.models[id];
    if (!model || !Object.hasOwn(loaded.config?.models ?? {}, id)) {
      throw new AppError('MODEL_NOT_FOUND', `There is no model "${id}" in the config.`);
    }
    return model;
  };

  async function keyStatus(model: ModelConfig): Promise<ModelView['keyStatus']> {
    if (!model.api_key_env) return 'not_needed';
    return (await secrets.get(model.api_key_env)) ? 'set' : 'missing';
  }

  const grading = createGradingHandlers({
    core: { db, calls, monitor, config: loaded.config, configError: loaded.error },
    demo: demo !== null,
    emit,
  });

  const handlers: Handlers = {
    ...createMonitorHandlers({ monitor }),
    ...grading.handlers,
    getRateLimits: () =>
      calls.pacer.report(Date.now()).map((scope) => ({
        ...scope,
        blockedUntil: scope.blockedUntil === null ? null : new Date(scope.blockedUntil).toISOString(),
      })),

    getAppInfo: () => ({
      version: options.version ?? '0.1.0',
      mode: options.mode,
      demo: demo !== null,
      configPath: demo ? null : options.configPath,
      configError: loaded.error,
    }),

    listModels: async () => {
      const checks = new Map(latestChecks(db).map((row) => [row.modelId, checkFromRow(row)]));
      return Promise.all(
        models().map(async ([id, model]): Promise<ModelView> => {
          const prices = pricesOf(model);
          return {
            id,
            name: model.name ?? id,
            provider: model.provider ?? '',
            endpoint: model.endpoint,
            slug: model.model ?? id,
            api: dialectOf(model),
            inputCostPerToken: prices.input,
            outputCostPerToken: prices.output,
            contextWindow: model.context_window ?? null,
            maxTokens: model.max_tokens ?? null,
            vision: model.vision ?? false,
            structuredOutput: model.structured_output ?? false,
            supportedTasks: model.supported_tasks ?? [],
            keyStatus: await keyStatus(model),
            lastCheck: checks.get(id) ?? null,
          };
        }),
      );
    },

    checkModel: async ({ modelId }) => {
      const model = modelById(modelId);
      const apiKey = model.api_key_env ? await secrets.get(model.api_key_env) : null;
      if (model.api_key_env && apiKey === null) {
        throw new AppError(
          'MISSING_API_KEY',
          `No API key for "${model.name ?? modelId}": set ${model.api_key_env} or add the key in Settings.`,
        );
      }
      const startedAt = Date.now();
      const outcome = await checkModel({ endpoint: model.endpoint, slug: model.model ?? modelId, apiKey }, { dispatcher });
      const cost = costOf(model, outcome.providerCostUsd, outcome.promptTokens, outcome.completionTokens);
      const row: ApiCallRow = {
        id: randomUUID(),
        requestId: randomUUID(),
        purpose: 'check',
        batchId: null,
        jobId: null,
        modelId,
        endpoint: model.endpoint,
        startedAt,
        attempt: 1,
        status: outcome.ok ? 'ok' : 'error',
        httpStatus: outcome.httpStatus,
        errorClass: outcome.errorClass,
        errorCode: outcome.code,
        errorMessage: outcome.message,
        decision: outcome.ok ? 'done' : 'fail',
        waitedMs: 0,
        ttftMs: null,
        latencyMs: Math.round(outcome.latencyMs),
        promptTokens: outcome.promptTokens,
        completionTokens: outcome.completionTokens,
        cachedTokens: null,
        costUsd: cost.costUsd,
        costSource: cost.costSource,
        generationId: outcome.generationId,
      };
      // Through the monitor, so checks show in the live metrics too; flushed at once so a
      // reload right after shows the result.
      monitor.recorder.record(row);
      monitor.recorder.flush();
      const check = checkFromRow(row);
      emit('modelChecked', check);
      return check;
    },
  };

  return {
    handlers,
    calls,
    monitor,
    db,
    config: loaded.config,
    configError: loaded.error,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      // A grading in progress stops first (resumable), before the store it writes to closes.
      await grading.close();
      listeners.clear();
      monitor.close();
      await dispatcher.close();
      closeDatabase(db);
      await demo?.close();
    },
  };
}
