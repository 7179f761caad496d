/**
 * IPC handlers for every past batch, submission and grading, searchable offline, and a
 * re-grade with another model.
 */
import { AppError } from '../../shared/errors.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { historyRoutes } from '../../shared/ipc/history.ts';
import type { RunSnapshot } from '../../shared/ipc/runs.ts';
import { historyBatch, historyBatches, historySubmissions, modelsInHistory, rubricsInHistory } from '../store/history.ts';
import { searchCondition } from '../store/search.ts';
import type { WritableDB } from '../store/index.ts';
import { createRegradeBatch } from './regrade.ts';
import { batchView, submissionViews } from './rows.ts';

export type HistoryRouteName = keyof typeof historyRoutes;
export type HistoryHandlerMap = Pick<Handlers, HistoryRouteName>;

export interface HistoryHandlers {
  handlers: HistoryHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface HistoryDeps {
  db: WritableDB;
  /** The models set up now: what a re-grade may choose. */
  models: () => readonly string[];
  /** The runs area's `resumeBatch`: how a re-grade batch is run, like any batch resumed. */
  resumeBatch: (input: { batchId: string }) => Promise<RunSnapshot> | RunSnapshot;
  now?: () => number;
}

/** Options beyond these would make a select no one can use. */
const MAX_OPTIONS = 200;

export function createHistoryHandlers(deps: HistoryDeps): HistoryHandlers {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    handlers: {
      listHistoryBatches: (query) => {
        const page = historyBatches(db, query);
        return { rows: page.rows.map((row) => batchView(db, row)), hasMore: page.hasMore };
      },
      listHistorySubmissions: (query) => {
        const search = searchCondition(query.text, query.scope);
        const page = historySubmissions(db, query, search);
        return { rows: submissionViews(db, page.rows, query), hasMore: page.hasMore, textTooShort: search.kind === 'textTooShort' };
      },
      getHistoryBatch: ({ batchId }) => {
        const row = historyBatch(db, batchId);
        if (!row) throw new AppError('BATCH_NOT_FOUND', 'That batch is no longer in GradeDesk. Go back to the history and choose another.', { batchId });
        return batchView(db, row);
      },
      historyFilterOptions: () => ({
        rubrics: rubricsInHistory(db, MAX_OPTIONS),
        models: modelsInHistory(db, MAX_OPTIONS),
        available: deps.models().slice(0, MAX_OPTIONS),
      }),
      regradeWithModel: async (input) => {
        if (!deps.models().includes(input.modelId)) {
          throw new AppError('MODEL_NOT_FOUND', `The model "${input.modelId}" is not set up. Choose one of the models in Settings.`, { modelId: input.modelId });
        }
        const created = createRegradeBatch(db, input, now());
        await deps.resumeBatch({ batchId: created.batchId });
        return created;
      },
    },
    async close() {},
  };
}
