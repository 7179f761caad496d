/**
 * The app when its database could not be opened (damaged, or an empty file): it still opens, says
 * what happened, and answers only what can put it right. Nothing is overwritten until the teacher
 * chooses to restore a backup or start with a fresh database.
 */
import { AppError } from '../../shared/errors.ts';
import type { StorageState } from '../../shared/ipc/app.ts';
import { routeNames, type EventListener, type Handlers } from '../../shared/ipc/contract.ts';
import { listBackups } from './backup-files.ts';
import { backupList } from './handlers.ts';
import type { StorageControl } from './store-swap.ts';

/** What the app host needs of an app: the full one (create-app.ts) or the storage-problem one. */
export interface HostedApp {
  handlers: Handlers;
  onEvent(listener: EventListener): () => void;
  busy(): boolean;
  close(): Promise<void>;
}

/** The open failures that mean "this file", not "this computer": they get the storage-problem screen. */
export function storageStateOf(error: unknown): Exclude<StorageState['state'], 'ok'> | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === 'DATABASE_EMPTY') return 'empty_file';
  if (error.code === 'DATABASE_CORRUPT') return 'damaged';
  return null;
}

export interface StorageProblemOptions {
  state: Exclude<StorageState['state'], 'ok'>;
  error: AppError;
  dbPath: string;
  info: { version?: string; mode: 'electron' | 'browser'; demo: boolean; logPath?: string | null };
  storage: StorageControl;
}

function refused(): Handlers {
  const entries = routeNames.map((route) => [
    route,
    () => {
      throw new AppError('STORAGE_PROBLEM', 'The grading history could not be opened. Restore a backup or start with a fresh database first.');
    },
  ]);
  return Object.fromEntries(entries) as unknown as Handlers;
}

export function createStorageProblemApp({ state, error, dbPath, info, storage }: StorageProblemOptions): HostedApp {
  const handlers: Handlers = {
    ...refused(),
    getAppInfo: () => ({
      version: info.version ?? '0.1.0',
      mode: info.mode,
      demo: info.demo,
      configPath: null,
      configError: null,
      configured: false,
      storage: { state, message: error.message, backups: listBackups(dbPath) },
      logPath: info.logPath ?? null,
    }),
    listBackups: () => backupList(dbPath, false),
    restoreBackup: ({ id }) => storage.restore(id),
    startFreshDatabase: () => storage.startFresh(),
  };
  return {
    handlers,
    onEvent: () => () => {},
    busy: () => false,
    close: async () => {},
  };
}
