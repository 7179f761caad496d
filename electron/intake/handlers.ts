/**
 * IPC handlers for student work dropped into the app (uploaded, read, checked) and the class
 * roster. The staging folder is `staging/` in the data folder (beside the database); the
 * session is what a batch takes its files, roster and corrected names from.
 */
import { dirname, join } from 'node:path';
import type { EventListener, Handlers } from '../../shared/ipc/contract.ts';
import type { intakeRoutes } from '../../shared/ipc/intake.ts';
import { readDroppedName } from './dropped-path.ts';
import type { IntakeSession } from './selection.ts';
import { StagingArea } from './staging-area.ts';
import { sweepStagingFolder } from './staging-folder.ts';

export type IntakeRouteName = keyof typeof intakeRoutes;
export type IntakeHandlerMap = Pick<Handlers, IntakeRouteName>;

export interface IntakeHandlers {
  handlers: IntakeHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
  /** For the runs area: the staged files a batch starts from. */
  session: IntakeSession;
}

export interface IntakeDeps {
  /** The database file: staged files go into `staging/` in the folder that holds it. */
  dbPath: string;
  emit: EventListener;
  /** Per-file size limit; the documents pipeline's by default. */
  maxFileBytes?: number;
}

const bytesOf = (base64: string): Buffer => Buffer.from(base64, 'base64');

export function createIntakeHandlers(deps: IntakeDeps): IntakeHandlers {
  const stagingDir = join(dirname(deps.dbPath), 'staging');
  const area = new StagingArea({ stagingDir, emit: deps.emit, ...(deps.maxFileBytes !== undefined ? { maxFileBytes: deps.maxFileBytes } : {}) });
  // Last session's files, before this one writes any.
  const swept = sweepStagingFolder(stagingDir);

  const handlers: IntakeHandlerMap = {
    async beginUpload({ file, sizeBytes }) {
      const name = readDroppedName(file);
      if (name === null) return { uploadId: null };
      area.checkRoom();
      area.refuseIfTooLarge(name, sizeBytes);
      await swept;
      return { uploadId: await area.uploads.begin(name, sizeBytes) };
    },
    async uploadChunk({ uploadId, offset, data }) {
      return { received: await area.uploads.chunk(uploadId, offset, bytesOf(data)) };
    },
    finishUpload: ({ uploadId }) => area.finishUpload(uploadId),
    async cancelUpload({ uploadId }) {
      await area.uploads.cancel(uploadId);
      return {};
    },
    listStaged: () => area.list(),
    async removeStaged({ id }) {
      await area.remove(id);
      return {};
    },
    setStagedStudent: ({ id, student }) => area.setStudent(id, student),
    async clearStaged() {
      await area.clear();
      return {};
    },
    importRoster: ({ fileName, data }) => area.importRoster(fileName, bytesOf(data)),
    getRoster: () => area.roster(),
    clearRoster() {
      area.clearRoster();
      return {};
    },
  };

  return {
    handlers,
    session: area,
    async close() {
      await swept;
      await area.close();
    },
  };
}
