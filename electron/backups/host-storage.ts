/**
 * What the app host does for the database file: open the app, or the storage-problem app when the
 * file is damaged or empty; and replace the file (restore a backup, start fresh) with the app
 * closed around the swap. Kept here so the host stays about rebuilding apps.
 */
import { AppError } from '../../shared/errors.ts';
import type { StoreSwap } from '../../shared/ipc/backups.ts';
import type { Log } from '../logging/log-file.ts';
import { backUpAfterClose } from './backup-files.ts';
import { storageStateOf, type HostedApp } from './storage-problem-app.ts';
import { checkBackup, moveAside, swapInBackup, type StorageControl } from './store-swap.ts';

type StorageProblemState = NonNullable<ReturnType<typeof storageStateOf>>;

/** Opens the full app; a damaged or empty database gives `report`'s app instead of a failure. */
export async function openOrReport<T>(openFull: () => Promise<T>, report: (state: StorageProblemState, error: AppError) => T, log: Log): Promise<T> {
  try {
    return await openFull();
  } catch (error) {
    const state = storageStateOf(error);
    if (state === null || !(error instanceof AppError)) throw error;
    log('error', 'the database could not be opened; the app opens to put it right', { code: error.code, details: error.details });
    return report(state, error);
  }
}

export interface SwapDeps {
  dbPath: string;
  serialized: <T>(operation: () => Promise<T>) => Promise<T>;
  closed: () => boolean;
  /** The app in force; `full` is null when its database did not open. */
  current: () => { app: HostedApp; full: unknown; unsubscribe: () => void };
  /** Opens an app on whatever is at `dbPath` now and puts it in force. */
  reopen: () => Promise<void>;
  log: Log;
  /** Tells every window that what it shows was replaced. */
  announce: () => void;
}

/**
 * Replaces the database file: checked first (nothing changes when `check` throws), then the app
 * closes so nothing has the file open, `swap` moves files, and an app opens on what is there.
 * Runs inside a request to the app it closes, so it does not wait for that app's requests.
 */
export function createStorageControl(deps: SwapDeps): StorageControl {
  function swapStore(check: () => unknown, swap: (reason: 'before-restore' | 'damaged') => StoreSwap): Promise<StoreSwap> {
    return deps.serialized(async () => {
      if (deps.closed()) throw new AppError('INTERNAL_ERROR', 'GradeDesk is closing.');
      const { app, full, unsubscribe } = deps.current();
      if (app.busy()) throw new AppError('GRADING_IN_PROGRESS', 'A batch is being graded. Try again once it has finished, or stop it first.');
      check();
      // Nothing may have the file open while it is swapped: the app's events and store close.
      unsubscribe();
      await app.close();
      let result: StoreSwap;
      try {
        result = swap(full ? 'before-restore' : 'damaged');
      } finally {
        await deps.reopen();
      }
      deps.log('info', 'the database was replaced', { restored: result.restored?.id ?? null, setAside: result.setAside });
      deps.announce();
      return result;
    });
  }
  return {
    restore: (id) => swapStore(() => checkBackup(deps.dbPath, id), (reason) => swapInBackup(deps.dbPath, id, reason)),
    startFresh: () =>
      swapStore(
        () => {
          if (deps.current().full) throw new AppError('INVALID_INPUT', 'The grading history opened normally; there is nothing to start over from.');
        },
        () => ({ restored: null, setAside: moveAside(deps.dbPath, 'damaged') }),
      ),
  };
}

/** The automatic backup after a clean close; a failure is logged, never thrown at a closing app. */
export async function backUpAtClose(dbPath: string, log: Log): Promise<void> {
  await backUpAfterClose(dbPath).then(
    (made) => log('info', 'automatic backup made at close', { backup: made?.id ?? null }),
    (error: unknown) => log('warn', 'the automatic backup at close could not be made', { error: String(error) }),
  );
}
