import { existsSync } from 'node:fs';
import { AppError } from '../../shared/errors.ts';
import { routeNames, type EventListener, type Handlers, type RouteName, type Unsubscribe } from '../../shared/ipc/contract.ts';
import { backUpAtClose, createStorageControl, openOrReport } from '../backups/host-storage.ts';
import type { StorageControl } from '../backups/store-swap.ts';
import { createStorageProblemApp, type HostedApp } from '../backups/storage-problem-app.ts';
import type { KeyVault } from '../secrets/key-vault.ts';
import { createCatalogSource } from '../setup/catalog-source.ts';
import { DEFAULT_LOCAL_PROBES, type LocalProbe } from '../setup/local-servers.ts';
import { OPENROUTER_BASE_URL } from '../setup/openrouter-key.ts';
import type { SetupChange, SetupServices } from '../setup/services.ts';
import { createApp, type AppOptions, type GradeDeskApp, type Log } from './create-app.ts';
import { createEventHub } from './event-hub.ts';

/**
 * The app as the Electron shell and browser mode serve it: one `GradeDeskApp` at a time, rebuilt
 * when the teacher changes what it runs with (a key, a model, demo), so a change takes effect
 * without a restart. The bridge holds the host's `handlers` and `onEvent`, which always reach the
 * app in force; an app that was replaced closes once the requests it was answering are done.
 */

export interface AppHostOptions extends Omit<AppOptions, 'configPath' | 'secrets' | 'setup' | 'onCatalogLate' | 'storage'> {
  /** The config file the app reads and writes; it need not exist yet. */
  configFile: string;
  /** Read even when missing (the teacher named it), so its absence is reported. */
  configFileChosen?: boolean;
  vault: KeyVault;
  /** OpenRouter's API root; tests point it at the provider simulator. */
  openRouterBaseUrl?: string;
  /** Where local servers are looked for; tests use the simulator instead of real ports. */
  localProbes?: readonly LocalProbe[];
  /** The log file, for the storage-problem screen to name. */
  logPath?: string | null;
  /** Builds one app; createApp unless a test says otherwise. */
  build?: (options: AppOptions) => Promise<GradeDeskApp>;
}

export interface AppHost {
  readonly handlers: Handlers;
  onEvent(listener: EventListener): Unsubscribe;
  /** The app in force now (for tests and the CLI-like uses of the core); throws STORAGE_PROBLEM while the database could not open. */
  readonly current: GradeDeskApp;
  reconfigure(change: SetupChange): Promise<void>;
  close(): Promise<void>;
}

/** How long opening waits for OpenRouter's model list before it goes on without it. */
const DESKTOP_CATALOG_WAIT_MS = 750;

/** Requests in flight per app, so a replaced app closes only when they are done. */
function inFlightCounter() {
  const counts = new Map<HostedApp, number>();
  const waiters = new Map<HostedApp, Array<() => void>>();
  return {
    enter(app: HostedApp): void {
      counts.set(app, (counts.get(app) ?? 0) + 1);
    },
    leave(app: HostedApp): void {
      const left = (counts.get(app) ?? 1) - 1;
      if (left > 0) return void counts.set(app, left);
      counts.delete(app);
      for (const wake of waiters.get(app) ?? []) wake();
      waiters.delete(app);
    },
    drained(app: HostedApp): Promise<void> {
      if (!counts.has(app)) return Promise.resolve();
      return new Promise((resolve) => waiters.set(app, [...(waiters.get(app) ?? []), resolve]));
    },
  };
}

/** Replaced apps close once their last request is answered; the host's close waits for them. */
function retirement(inFlight: ReturnType<typeof inFlightCounter>, log: Log) {
  const closing = new Set<Promise<void>>();
  return {
    retire(app: HostedApp): void {
      const done = inFlight
        .drained(app)
        .then(() => app.close())
        .catch((error: unknown) => log('error', 'a replaced app did not close cleanly', { error: String(error) }));
      closing.add(done);
      void done.finally(() => closing.delete(done));
    },
    settled: async (): Promise<void> => {
      await Promise.all([...closing]);
    },
  };
}

function serializer(): <T>(operation: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (operation) => {
    const run = tail.then(operation, operation);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** One handler per route, each answered by whichever app is in force when the request arrives. */
function delegatingHandlers(dispatch: (route: RouteName, input: unknown) => Promise<unknown>): Handlers {
  return Object.fromEntries(routeNames.map((route) => [route, (input: unknown) => dispatch(route, input)])) as unknown as Handlers;
}

/** The set-up routes' services: made once, so the catalog cache and session keys outlive every rebuild. */
function setupServices(
  options: Pick<AppHostOptions, 'configFile' | 'vault' | 'openRouterBaseUrl' | 'localProbes'>,
  reconfigure: SetupServices['reconfigure'],
): SetupServices {
  const openRouterBaseUrl = options.openRouterBaseUrl ?? OPENROUTER_BASE_URL;
  return {
    configFile: options.configFile,
    vault: options.vault,
    catalog: createCatalogSource({ baseUrl: openRouterBaseUrl }),
    openRouterBaseUrl,
    localProbes: options.localProbes ?? DEFAULT_LOCAL_PROBES,
    reconfigure,
  };
}

// `full` is null while the database could not be opened: `app` then answers the storage-problem routes only.
type Opened = { app: HostedApp; full: GradeDeskApp | null; unsubscribe: Unsubscribe };

interface OpenerDeps {
  build: (options: AppOptions) => Promise<GradeDeskApp>;
  options: Omit<AppOptions, 'demo' | 'configPath' | 'onCatalogLate'> & { storage: StorageControl };
  configPath: () => string | null;
  demo: () => boolean;
  logPath: string | null | undefined;
  log: Log;
  hub: ReturnType<typeof createEventHub>;
  onCatalogLate: (app: GradeDeskApp) => void;
}

/** Opens one app on the current set-up; the storage-problem app when the database is damaged or empty. */
function opener(deps: OpenerDeps): () => Promise<Opened> {
  const { options } = deps;
  async function openFull(): Promise<Opened> {
    let app: GradeDeskApp | null = null;
    const next = await deps.build({
      ...options,
      demo: deps.demo(),
      configPath: deps.configPath(),
      onCatalogLate: () => {
        if (app !== null) deps.onCatalogLate(app);
      },
    });
    app = next;
    return { app: next, full: next, unsubscribe: next.onEvent(deps.hub.emit) };
  }
  return () =>
    openOrReport(
      openFull,
      (state, error) => {
        const info = { version: options.version, mode: options.mode, demo: deps.demo(), logPath: deps.logPath };
        const app = createStorageProblemApp({ state, error, dbPath: options.dbPath, info, storage: options.storage });
        return { app, full: null, unsubscribe: () => {} };
      },
      deps.log,
    );
}

export async function createAppHost(options: AppHostOptions): Promise<AppHost> {
  const { configFile, configFileChosen, vault, openRouterBaseUrl, localProbes, build: buildApp, logPath, ...appOptions } = options;
  const build = buildApp ?? createApp;
  const log = options.log ?? (() => {});
  const hub = createEventHub((event, error) => log('error', 'event listener failed', { event, error: String(error) }));
  const inFlight = inFlightCounter();
  const serialized = serializer();
  const retiring = retirement(inFlight, log);
  let demo = options.demo;
  let closed = false;

  const services = setupServices({ configFile, vault, openRouterBaseUrl, localProbes }, (change) => reconfigure(change));

  // Set once the first app is open; a late catalog answer before that has nothing to rebuild.
  let opened: Opened | undefined;

  const storage = createStorageControl({
    dbPath: appOptions.dbPath,
    serialized,
    closed: () => closed,
    current: () => current,
    reopen: async () => void (opened = current = await open()),
    log,
    announce: () => hub.emit('setupChanged', { reason: 'reload' }),
  });

  const open = opener({
    build,
    options: { ...appOptions, setup: services, catalogWaitMs: options.catalogWaitMs ?? DESKTOP_CATALOG_WAIT_MS, storage, secrets: vault.secrets },
    configPath: () => (configFileChosen || existsSync(configFile) ? configFile : null),
    demo: () => demo,
    logPath,
    log,
    hub,
    // The model list answered after the app opened: rebuild on it, unless this app was replaced meanwhile.
    onCatalogLate: (app) => void (app === opened?.app && reconfigure({ reason: 'catalog' }).catch(() => undefined)),
  });

  let current = (opened = await open());

  function reconfigure(change: SetupChange): Promise<void> {
    return serialized(async () => {
      if (closed) throw new AppError('INTERNAL_ERROR', 'GradeDesk is closing.');
      if (current.app.busy()) {
        if (change.reason === 'catalog') return;
        throw new AppError('GRADING_IN_PROGRESS', 'Grading is in progress. Change the set-up once it has finished, or stop it first.');
      }
      await change.apply?.();
      if (change.demo !== undefined) demo = change.demo;
      const next = await open();
      const old = current;
      current = next;
      opened = next;
      old.unsubscribe();
      retiring.retire(old.app);
      log('info', 'set-up changed; the app now runs with it', { reason: change.reason, demo });
      hub.emit('setupChanged', { reason: change.reason });
    });
  }

  async function dispatch(route: RouteName, input: unknown): Promise<unknown> {
    const app = current.app;
    inFlight.enter(app);
    try {
      return await (app.handlers[route] as (input: unknown) => unknown)(input);
    } finally {
      inFlight.leave(app);
    }
  }

  return {
    handlers: delegatingHandlers(dispatch),
    onEvent: hub.subscribe,
    get current() {
      if (!current.full) throw new AppError('STORAGE_PROBLEM', 'The database could not be opened.');
      return current.full;
    },
    reconfigure,
    async close() {
      if (closed) return;
      closed = true;
      // A rebuild under way finishes first, so nothing is left open behind the host's back.
      await serialized(async () => undefined);
      current.unsubscribe();
      hub.clear();
      await retiring.settled();
      await current.app.close();
      // After a clean close only, and only of a database that opened: a copy of a damaged file is no backup.
      if (current.full) await backUpAtClose(appOptions.dbPath, log);
    },
  };
}
