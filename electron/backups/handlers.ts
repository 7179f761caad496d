/**
 * IPC handlers for backing up and restoring the database, and for retention deletions.
 * Putting a backup back needs the app closed and reopened: the app host does it (StorageControl).
 */
import { AppError } from '../../shared/errors.ts';
import { BACKUPS_KEPT, type backupsRoutes } from '../../shared/ipc/backups.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { WritableDB } from '../store/db-types.ts';
import { backUp, listBackups } from './backup-files.ts';
import { deleteBatch, deleteStudentData, previewDeleteBatch, previewDeleteStudent } from './retention.ts';
import type { StorageControl } from './store-swap.ts';

export type BackupsRouteName = keyof typeof backupsRoutes;
export type BackupsHandlerMap = Pick<Handlers, BackupsRouteName>;

export interface BackupsHandlers {
  handlers: BackupsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface BackupsDeps {
  db: WritableDB;
  dbPath: string;
  /** The app host's; without it (the command line) a backup cannot be put back from here. */
  storage?: StorageControl;
  /** A batch is being graded: nothing is deleted or replaced under it. */
  busy: () => boolean;
}

function notWhileGrading(busy: () => boolean): void {
  if (busy()) throw new AppError('GRADING_IN_PROGRESS', 'A batch is being graded. Try again once it has finished, or stop it first.');
}

export function createBackupsHandlers({ db, dbPath, storage, busy }: BackupsDeps): BackupsHandlers {
  let backingUp: Promise<unknown> = Promise.resolve();
  return {
    handlers: {
      listBackups: () => ({ backups: listBackups(dbPath), kept: BACKUPS_KEPT }),
      createBackup: () => {
        const made = backingUp.then(() => backUp(db, dbPath, 'manual'));
        backingUp = made.catch(() => undefined);
        return made;
      },
      restoreBackup: ({ id }) => {
        if (!storage) throw new AppError('INTERNAL_ERROR', 'A backup can be put back from the GradeDesk app only.');
        notWhileGrading(busy);
        return storage.restore(id);
      },
      startFreshDatabase: () => {
        throw new AppError('INVALID_INPUT', 'The grading history opened normally; there is nothing to start over from.');
      },
      previewDeleteBatch: ({ batchId }) => previewDeleteBatch(db, batchId),
      deleteBatch: ({ batchId }) => {
        notWhileGrading(busy);
        return deleteBatch(db, batchId);
      },
      previewDeleteStudentData: ({ student }) => previewDeleteStudent(db, student),
      deleteStudentData: ({ student }) => {
        notWhileGrading(busy);
        return deleteStudentData(db, student);
      },
    },
    async close() {
      // A backup being written finishes before the store closes under it.
      await backingUp;
    },
  };
}
