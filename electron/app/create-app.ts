import { Agent } from 'undici';
import type { Config } from '../../shared/config.ts';
import type { AppErrorData } from '../../shared/errors.ts';
import type { EventListener, Handlers } from '../../shared/ipc/contract.ts';
import { CallManager, createApiHandlers, DEFAULT_TIMEOUTS, registryFromConfig, resolveFromCatalog, type ModelResolution } from '../api/index.ts';
import type { DemoProvider } from '../demo/demo-provider.ts';
import { qualityByModel } from '../compare/agreement-data.ts';
import { createCompareHandlers } from '../compare/handlers.ts';
import { createQualitySource, type QualitySource } from '../compare/quality.ts';
import { createGradingHandlers } from '../grading/handlers.ts';
import { createIntakeHandlers } from '../intake/handlers.ts';
import { createReviewHandlers } from '../review/handlers.ts';
import { createRubricHandlers } from '../rubrics/handlers.ts';
import { createRunHandlers } from '../runs/handlers.ts';
import { createSetupHandlers } from '../setup/handlers.ts';
import { createMonitor, type Monitor } from '../monitor/index.ts';
import { createMonitorHandlers } from '../monitor/handlers.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { closeDatabase, latestChecks, openDatabase, type WritableDB } from '../store/index.ts';
import { chooseConfig, coreSettingsFor, type CoreSettings } from './app-config.ts';
import { createEventHub } from './event-hub.ts';
import { createAppHandlers } from './handlers.ts';

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

/** Opens the store; a demo provider already started is closed when the store cannot open. */
async function openStore(dbPath: string, demo: DemoProvider | null): Promise<WritableDB> {
  try {
    return openDatabase(dbPath);
  } catch (error) {
    await demo?.close();
    throw error;
  }
}

interface CoreDeps {
  db: WritableDB;
  dbPath: string;
  config: Config | null;
  settings: CoreSettings;
  secrets: SecretStore;
  emit: EventListener;
  log: Log;
  /** Each model's agreement with the teacher: the performance strategy's quality. */
  quality: QualitySource;
}

/** The API call management core and the monitor it reports to, on one connection pool. */
function createCore({ db, dbPath, config, settings, secrets, emit, log, quality }: CoreDeps) {
  // One keep-alive pool per origin; a connect that takes longer than the connect timeout is a
  // connection failure.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 32, connect: { timeout: DEFAULT_TIMEOUTS.connectMs } });
  // The audit trail on its own thread and connection, without an fsync per commit (see createMonitor).
  const monitor = createMonitor({
    db,
    auditThread: { dbPath },
    config,
    onAlert: (alert) => emit('alertRaised', alert),
    onError: (error, source) => log('warn', 'monitor', { source, error: String(error) }),
    quality: () => quality.all(),
  });
  const calls = new CallManager({
    models: config ? registryFromConfig(config) : [],
    keys: (name) => secrets.get(name),
    sink: monitor.recorder,
    budget: monitor.budget,
    breakers: monitor.breakers,
    quality: quality.of,
    dispatcher,
    settings,
  });
  monitor.setBreakerLookup((id) => calls.breakerState(id));
  return { dispatcher, monitor, calls };
}

/**
 * OpenRouter models resolved against their provider's model list (catalog-resolution.ts), each
 * outcome logged; a model the list does not hold stays as configured, with a warning.
 */
async function withCatalog(
  loaded: { config: Config | null; error: AppErrorData | null },
  secrets: SecretStore,
  log: Log,
): Promise<{ loaded: { config: Config | null; error: AppErrorData | null }; resolutions: readonly ModelResolution[] }> {
  if (!loaded.config) return { loaded, resolutions: [] };
  const { config, resolutions } = await resolveFromCatalog(loaded.config, { keys: (name) => secrets.get(name) });
  for (const r of resolutions) {
    if (r.message) log('warn', 'model not resolved from the provider catalog', { model: r.modelId, status: r.status, message: r.message });
    else log('info', 'model resolved from the provider catalog', { model: r.modelId, requested: r.requested, catalogId: r.catalogId, filled: r.filled });
  }
  return { loaded: { ...loaded, config }, resolutions };
}

/**
 * The composition root: builds the core from config, store and secrets, and returns the
 * handler for every IPC route. Electron's main.ts and browser mode both serve exactly this.
 * Only entry points import it (shell/main.ts, browser-mode/preview.ts, the CLI).
 */
export async function createApp(options: AppOptions): Promise<GradeDeskApp> {
  const log: Log = options.log ?? (() => {});
  const { loaded: chosen, demo } = await chooseConfig(options);
  if (chosen.error) log('warn', 'config not loaded', { code: chosen.error.code });

  const db = await openStore(options.dbPath, demo);
  const secrets = demo ? demo.secrets : options.secrets;
  const events = createEventHub((event, error) => log('error', 'event listener failed', { event, error: String(error) }));
  const emit = events.emit;
  const { loaded: written, settings } = coreSettingsFor(chosen);
  const { loaded, resolutions } = await withCatalog(written, secrets, log);
  const quality = createQualitySource(() => qualityByModel(db));
  const { dispatcher, monitor, calls } = createCore({ db, dbPath: options.dbPath, config: loaded.config, settings, secrets, emit, log, quality });

  const gradingCore = { db, calls, monitor, config: loaded.config, configError: loaded.error };
  const grading = createGradingHandlers({
    core: gradingCore,
    demo: demo !== null,
    emit,
  });
  // The teacher's desktop, one area each (first run, student work, rubrics, runs, review, compare).
  // The student work the teacher drops in is what a batch started from the app grades.
  const staged = createIntakeHandlers({ dbPath: options.dbPath, emit });
  const areas = [
    createSetupHandlers(),
    staged,
    createRubricHandlers({ db }),
    createRunHandlers({ core: gradingCore, intake: staged.session, emit, demo: demo !== null, log: (message, details) => log('warn', message, details) }),
    createReviewHandlers({ db }),
    createCompareHandlers({ db }),
  ] as const;
  const [setup, intake, rubrics, runs, review, compare] = areas;
  const handlers: Handlers = {
    ...setup.handlers,
    ...intake.handlers,
    ...rubrics.handlers,
    ...runs.handlers,
    ...review.handlers,
    ...compare.handlers,
    ...createAppHandlers({
      version: options.version,
      mode: options.mode,
      demo: demo !== null,
      configPath: options.configPath,
      configError: loaded.error,
    }),
    ...createMonitorHandlers({ monitor }),
    ...grading.handlers,
    ...createApiHandlers({
      config: () => loaded.config,
      keys: (name) => secrets.get(name),
      rateLimits: (now) => calls.pacer.report(now),
      recordCheck: (record) => {
        // Through the monitor, so checks show in the live metrics too; flushed at once so a
        // reload right after shows the result.
        monitor.recorder.record(record);
        monitor.recorder.flush();
      },
      latestChecks: () => latestChecks(db),
      onChecked: (check) => emit('modelChecked', check),
      catalog: () => resolutions,
      dispatcher,
    }),
  };

  return {
    handlers,
    calls,
    monitor,
    db,
    config: loaded.config,
    configError: loaded.error,
    onEvent: events.subscribe,
    async close() {
      // A grading in progress stops first (resumable), before the store it writes to closes.
      await grading.close();
      for (const area of areas) await area.close();
      events.clear();
      monitor.close();
      await dispatcher.close();
      closeDatabase(db);
      await demo?.close();
    },
  };
}
