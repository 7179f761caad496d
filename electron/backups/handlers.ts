/**
 * IPC handlers for backing up and restoring the database, and for retention deletions.
 * Putting a backup back needs the app closed and reopened: the app host does it (StorageControl).
 */
import { AppError } from '../../shared/errors.ts';
import { BACKUPS_KEPT, type BackupList, type backupsRoutes, type DeletionCounts, type DeletionResult } from '../../shared/ipc/backups.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { WritableDB } from '../store/db-types.ts';
import { backUp, listBackups } from './backup-files.ts';
import { backupPath } from './backup-names.ts';
import { deleteBatch, deleteStudentData, previewDeleteBatch, previewDeleteStudent } from './retention.ts';
import { countCopiesBefore, deleteBackup, deleteCopiesBefore, setAsideNames } from './rotation.ts';
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
  /** Opens the system's file manager at a file (the desktop app's shell); none in browser mode. */
  reveal?: (file: string) => void;
}

/** The backups with what the rotation keeps, as the settings screen and the storage-problem screen list them. */
export function backupList(dbPath: string, canReveal: boolean): BackupList {
  return { backups: listBackups(dbPath), kept: BACKUPS_KEPT, setAside: setAsideNames(dbPath).length, canReveal };
}

/** A retention deletion's answer: what went, and the copies made before it that may still hold it. */
function withOlderCopies(dbPath: string, counts: DeletionCounts): DeletionResult {
  const at = new Date();
  return { ...counts, at: at.toISOString(), olderCopies: countCopiesBefore(dbPath, at) };
}

/** The desktop app's "Show in folder": only ever a path main made from a backup's id. */
export function revealIn(reveal: ((file: string) => void) | undefined, file: () => string): Record<string, never> {
  if (!reveal) throw new AppError('SHOW_IN_FOLDER_UNAVAILABLE', 'Showing a file in its folder works in the GradeDesk desktop app only; download the file instead.');
  reveal(file());
  return {};
}

function notWhileGrading(busy: () => boolean): void {
  if (busy()) throw new AppError('GRADING_IN_PROGRESS', 'A batch is being graded. Try again once it has finished, or stop it first.');
}

export function createBackupsHandlers({ db, dbPath, storage, busy, reveal }: BackupsDeps): BackupsHandlers {
  let backingUp: Promise<unknown> = Promise.resolve();
  return {
    handlers: {
      listBackups: () => backupList(dbPath, reveal !== undefined),
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
      deleteBackup: ({ id }) => deleteBackup(dbPath, id),
      deleteCopiesBefore: ({ before }) => deleteCopiesBefore(dbPath, new Date(before)),
      revealBackup: ({ id }) => revealIn(reveal, () => backupPath(dbPath, id)),
      startFreshDatabase: () => {
        throw new AppError('INVALID_INPUT', 'The grading history opened normally; there is nothing to start over from.');
      },
      previewDeleteBatch: ({ batchId }) => previewDeleteBatch(db, batchId),
      deleteBatch: ({ batchId }) => {
        notWhileGrading(busy);
        return withOlderCopies(dbPath, deleteBatch(db, batchId));
      },
      previewDeleteStudentData: ({ student }) => previewDeleteStudent(db, student),
      deleteStudentData: ({ student }) => {
        notWhileGrading(busy);
        return withOlderCopies(dbPath, deleteStudentData(db, student));
      },
    },
    async close() {
      // A backup being written finishes before the store closes under it.
      await backingUp;
    },
  };
}
