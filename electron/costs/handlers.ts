/**
 * IPC handlers for what grading cost and why calls failed: rollups, charts, the attempts log, budgets.
 * Every read flushes the recorder first, so the screen includes the last attempts.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { costsRoutes } from '../../shared/ipc/costs.ts';
import type { Monitor } from '../monitor/types.ts';
import type { ReadableDB } from '../store/db-types.ts';
import { queryOne } from '../store/statements.ts';
import { sql } from '../store/sql.ts';
import { attemptPage } from './attempts.ts';
import { checkedRange } from './day-range.ts';
import { costsRetries } from './retries.ts';
import { costsCharts, costsSummary, type NameOf } from './summary.ts';

export type CostsRouteName = keyof typeof costsRoutes;
export type CostsHandlerMap = Pick<Handlers, CostsRouteName>;

export interface CostsHandlers {
  handlers: CostsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface CostsDeps {
  db: ReadableDB;
  monitor: Pick<Monitor, 'recorder' | 'budget'>;
  /** The configured models' names; an unknown id is shown as it is. */
  models: () => Readonly<Record<string, { name?: string | undefined }>>;
  now?: () => number;
}

/** The batch graded most recently: whose budget the screen shows. */
function latestBatchId(db: ReadableDB): string | null {
  return queryOne<{ id: string }>(db, sql`SELECT id FROM batches ORDER BY created_at DESC LIMIT 1`)?.id ?? null;
}

export function createCostsHandlers(deps: CostsDeps): CostsHandlers {
  const { db, monitor } = deps;
  const now = deps.now ?? Date.now;
  const name: NameOf = (id) => {
    const models = deps.models();
    return (Object.hasOwn(models, id) ? models[id]?.name : undefined) ?? id;
  };
  const fresh = (): void => {
    monitor.recorder.flush();
  };
  return {
    handlers: {
      getCostsSummary: (input) => {
        fresh();
        return costsSummary(db, checkedRange(input), name);
      },
      getCostsCharts: (input) => {
        fresh();
        return costsCharts(db, checkedRange(input), name);
      },
      getCostsRetries: (input) => {
        fresh();
        return costsRetries(db, checkedRange(input), { now: now(), name });
      },
      listCostAttempts: (input) => {
        fresh();
        return attemptPage(db, input);
      },
      getBudgetStatus: () => monitor.budget.status({ batchId: latestBatchId(db) }),
    },
    async close() {},
  };
}
