/**
 * IPC handlers for starting, pausing, cancelling and resuming a batch from the app, and its progress.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { runsRoutes } from '../../shared/ipc/runs.ts';
import type { GradingCore } from '../grading/core.ts';
import { createGradingService } from '../grading/service.ts';

export type RunRouteName = keyof typeof runsRoutes;
export type RunHandlerMap = Pick<Handlers, RunRouteName>;

export interface RunHandlers {
  handlers: RunHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface RunDeps {
  core: GradingCore;
}

export function createRunHandlers(deps: RunDeps): RunHandlers {
  const records = createGradingService(deps.core);
  return {
    handlers: {
      listBatches: () =>
        records
          .history()
          .batches.slice(0, LIMITS.listItems)
          .map((b) => ({
            batchId: b.batch_id,
            createdAt: b.created_at,
            status: b.status,
            rubric: b.rubric,
            submissions: b.submissions,
            graded: b.graded,
            failed: b.failed,
            totalCostUsd: b.total_cost_usd,
          })),
    },
    async close() {},
  };
}
