/**
 * IPC handlers for the criterion × model matrix and each model's agreement with the teacher.
 */
import { AppError } from '../../shared/errors.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { compareRoutes } from '../../shared/ipc/compare.ts';
import type { ReadableDB } from '../store/index.ts';
import { agreementView } from './agreement-data.ts';
import { batchExists, readBatchData } from './batch-data.ts';
import { buildMatrix } from './matrix.ts';

export type CompareRouteName = keyof typeof compareRoutes;
export type CompareHandlerMap = Pick<Handlers, CompareRouteName>;

export interface CompareHandlers {
  handlers: CompareHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface CompareDeps {
  db: ReadableDB;
}

function notFound(batchId: string): AppError {
  return new AppError('BATCH_NOT_FOUND', `There is no batch ${batchId} in this database: it may have been deleted. Pick a batch from the list.`);
}

export function createCompareHandlers(deps: CompareDeps): CompareHandlers {
  return {
    handlers: {
      getCompareMatrix: ({ batchId, offset, limit, disagreementsOnly }) => {
        const data = readBatchData(deps.db, batchId);
        if (!data) throw notFound(batchId);
        return buildMatrix(data, { offset, limit, disagreementsOnly });
      },
      getAgreement: ({ batchId, modelIds }) => {
        if (batchId !== null && !batchExists(deps.db, batchId)) throw notFound(batchId);
        return agreementView(deps.db, batchId, modelIds);
      },
    },
    async close() {},
  };
}
