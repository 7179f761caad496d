import { Agent } from 'undici';
import type { Config } from '../../shared/config.ts';
import type { AppErrorData } from '../../shared/errors.ts';
import type { EventListener, Handlers } from '../../shared/ipc/contract.ts';
import { CallManager, createApiHandlers, DEFAULT_TIMEOUTS, registryFromConfig, resolveFromCatalog, type ModelResolution } from '../api/index.ts';
import { pendingResolutions } from '../api/routing/catalog-resolution.ts';
import type { DemoProvider } from '../demo/demo-provider.ts';
import { qualityByModel } from '../compare/agreement-data.ts';
import { createBackupsHandlers } from '../backups/handlers.ts';
import type { StorageControl } from '../backups/store-swap.ts';
import { createCompareHandlers } from '../compare/handlers.ts';
import { createCostsHandlers } from '../costs/handlers.ts';
import { createExportsHandlers } from '../exports/handlers.ts';
import { createHistoryHandlers } from '../history/handlers.ts';
import { createSettingsHandlers } from '../settings/handlers.ts';
import { createQualitySource, type QualitySource } from '../compare/quality.ts';
import { createGradingHandlers } from '../grading/handlers.ts';
import { createIntakeHandlers } from '../intake/handlers.ts';
import { createReviewHandlers } from '../review/handlers.ts';
import { createRubricHandlers } from '../rubrics/handlers.ts';
import { createRunHandlers } from '../runs/handlers.ts';
import { createSetupHandlers } from '../setup/handlers.ts';
import { markLocalKeys, withLocalServerKey } from '../setup/local-key.ts';
import type { SetupServices } from '../setup/services.ts';
import { createMonitor, type Monitor } from '../monitor/index.ts';
import { createMonitorHandlers } from '../monitor/handlers.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { closeDatabase, latestChecks, openDatabase, type WritableDB } from '../store/index.ts';
import { chooseConfig, coreSettingsFor, type CoreSettings } from './app-config.ts';
import { createEventHub } from './event-hub.ts';
import { createAppHandlers } from './handlers.ts';
import { fixedSetupServices } from './setup-services.ts';

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
  /**
   * What the set-up routes change the app through (app-host.ts); without it (the CLI) they can
   * read but not change anything.
   */
  setup?: SetupServices;
  /**
   * How long opening waits for OpenRouter's model list (which names and prices short model
   * names); unbounded by default, as the CLI must not grade before it has answered. The desktop
   * app passes a short bound and is told by `onCatalogLate` when the list answered after all.
   */
  catalogWaitMs?: number;
  onCatalogLate?: () => void;
  /** How a backup is put back (the app host closes this app and opens another); none in the CLI. */
  storage?: StorageControl;
  /** Opens the system's file manager at a file in the data folder: the desktop app's only; none in browser mode or the CLI. */
  reveal?: (file: string) => void;
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
  /** A batch is being graded: the app must not be rebuilt under it. */
  busy(): boolean;
  close(): Promise<void>;
}

/** What each area's factory returns; `busy` is optional, for areas that run long work. */
interface AreaParts {
  close(): Promise<void>;
  busy?(): boolean;
}

/** A sample class or an area's long work (a batch) is running. */
function anyBusy(sampleClass: { running(): boolean }, areas: readonly AreaParts[]): boolean {
  return sampleClass.running() || areas.some((area) => area.busy?.() ?? false);
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

type Loaded = { config: Config | null; error: AppErrorData | null };

function logResolutions(resolutions: readonly ModelResolution[], log: Log): void {
  for (const r of resolutions) {
    if (r.message) log('warn', 'model not resolved from the provider catalog', { model: r.modelId, status: r.status, message: r.message });
    else log('info', 'model resolved from the provider catalog', { model: r.modelId, requested: r.requested, catalogId: r.catalogId, filled: r.filled });
  }
}

/**
 * OpenRouter models resolved against their provider's model list (catalog-resolution.ts), each
 * outcome logged; a model the list does not hold stays as configured, with a warning. With a
 * `waitMs` bound, a list that has not answered by then leaves the models as configured
 * (`pending`), and `onLate` is called when it does answer.
 */
async function withCatalog(
  loaded: Loaded,
  secrets: SecretStore,
  log: Log,
  bound: { waitMs?: number; onLate?: () => void },
): Promise<{ loaded: Loaded; resolutions: readonly ModelResolution[] }> {
  if (!loaded.config) return { loaded, resolutions: [] };
  const resolving = resolveFromCatalog(loaded.config, { keys: (name) => secrets.get(name) });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    if (bound.waitMs !== undefined) timer = setTimeout(() => resolve(null), bound.waitMs);
  });
  const result = await Promise.race([resolving, late]);
  clearTimeout(timer);
  if (result === null) {
    log('warn', 'the provider catalog has not answered yet; models are used as configured');
    void resolving.then(({ resolutions }) => {
      if (resolutions.some((r) => r.status !== 'catalog_unavailable')) bound.onLate?.();
    });
    return { loaded, resolutions: pendingResolutions(loaded.config) };
  }
  logResolutions(result.resolutions, log);
  return { loaded: { ...loaded, config: result.config }, resolutions: result.resolutions };
}

/** The sample class is graded inside one request: while one runs, the app is busy. */
function countedSampleClass(grade: Handlers['gradeDemoClass']): { handler: Handlers['gradeDemoClass']; running: () => boolean } {
  let runs = 0;
  return {
    handler: async (input) => {
      runs += 1;
      try {
        return await grade(input);
      } finally {
        runs -= 1;
      }
    },
    running: () => runs > 0,
  };
}

interface CoreRouteDeps {
  config: Config | null;
  secrets: SecretStore;
  calls: CallManager;
  monitor: Monitor;
  db: WritableDB;
  emit: EventListener;
  resolutions: readonly ModelResolution[];
  dispatcher: Agent;
}

/** The core's routes (models, checks, rate limits); local models are listed as needing no key. */
function coreRoutes({ config, secrets, calls, monitor, db, emit, resolutions, dispatcher }: CoreRouteDeps) {
  const api = createApiHandlers({
    config: () => config,
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
  });
  return { ...api, listModels: async (input: Record<string, never>) => markLocalKeys(await api.listModels(input), config) };
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
  const secrets = withLocalServerKey(demo ? demo.secrets : options.secrets);
  const events = createEventHub((event, error) => log('error', 'event listener failed', { event, error: String(error) }));
  const emit = events.emit;
  const { loaded: written, settings } = coreSettingsFor(chosen);
  const { loaded, resolutions } = await withCatalog(written, secrets, log, { waitMs: options.catalogWaitMs, onLate: options.onCatalogLate });
  const quality = createQualitySource(() => qualityByModel(db));
  const { dispatcher, monitor, calls } = createCore({ db, dbPath: options.dbPath, config: loaded.config, settings, secrets, emit, log, quality });

  const gradingCore = { db, calls, monitor, config: loaded.config, configError: loaded.error };
  const grading = createGradingHandlers({
    core: gradingCore,
    demo: demo !== null,
    emit,
  });
  const sampleClass = countedSampleClass(grading.handlers.gradeDemoClass);
  // The teacher's desktop, one area each (first run, student work, rubrics, runs, review, compare).
  // The student work the teacher drops in is what a batch started from the app grades.
  const staged = createIntakeHandlers({ dbPath: options.dbPath, emit });
  const areas = [
    createSetupHandlers({ services: options.setup ?? fixedSetupServices(options.configPath, secrets), config: loaded.config, demo: demo !== null }),
    staged,
    createRubricHandlers({ db }),
    createRunHandlers({ core: gradingCore, intake: staged.session, emit, demo: demo !== null, log: (message, details) => log('warn', message, details) }),
    createReviewHandlers({ db }),
    createCompareHandlers({ db }),
    // A re-grade runs through the runs area's resumeBatch (looked up when called: `handlers` is built below).
    createHistoryHandlers({ db, models: () => Object.keys(loaded.config?.models ?? {}), resumeBatch: (input) => handlers.resumeBatch(input) }),
    createCostsHandlers({ db, monitor, models: () => loaded.config?.models ?? {} }),
    createSettingsHandlers({ services: options.setup ?? fixedSetupServices(options.configPath, secrets), config: loaded.config, demo: demo !== null, db, dbPath: options.dbPath, busy: (): boolean => anyBusy(sampleClass, areas) }),
    createExportsHandlers({ db, dbPath: options.dbPath, reveal: options.reveal }),
    createBackupsHandlers({ db, dbPath: options.dbPath, storage: options.storage, busy: (): boolean => anyBusy(sampleClass, areas), reveal: options.reveal }),
  ] as const;
  const [setup, intake, rubrics, runs, review, compare, history, costs, settingsArea, exportsArea, backups] = areas;
  const handlers: Handlers = {
    ...setup.handlers,
    ...intake.handlers,
    ...rubrics.handlers,
    ...runs.handlers,
    ...review.handlers,
    ...compare.handlers,
    ...history.handlers,
    ...costs.handlers,
    ...settingsArea.handlers,
    ...exportsArea.handlers,
    ...backups.handlers,
    ...createAppHandlers({
      version: options.version,
      mode: options.mode,
      demo: demo !== null,
      configPath: options.configPath,
      configError: loaded.error,
      configured: demo !== null || Object.keys(loaded.config?.models ?? {}).length > 0,
      keychain: (options.setup ?? null)?.vault.kind ?? 'session_only',
    }),
    ...createMonitorHandlers({ monitor }),
    ...grading.handlers,
    gradeDemoClass: sampleClass.handler,
    ...coreRoutes({ config: loaded.config, secrets, calls, monitor, db, emit, resolutions, dispatcher }),
  };

  return {
    handlers,
    calls,
    monitor,
    db,
    config: loaded.config,
    configError: loaded.error,
    onEvent: events.subscribe,
    busy: () => anyBusy(sampleClass, areas),
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
