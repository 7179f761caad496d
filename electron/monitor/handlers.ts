/**
 * The monitor's IPC handlers, typed from the contract. The composition root spreads them into
 * its handler map: `{ ...createMonitorHandlers({ monitor }), ... }`. Read-only: none of them
 * writes anything but the recorder's pending rows (flushed so the answer includes them).
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { QualityMap } from './cost-analysis.ts';
import type { Monitor } from './types.ts';
import { toTimeRange } from './range.ts';

export type MonitorRouteName = 'getOverview' | 'getModelMetrics' | 'getCostAnalysis' | 'listAlerts' | 'listAttempts' | 'getRetryStats';
export type MonitorHandlers = Pick<Handlers, MonitorRouteName>;

export interface MonitorHandlerDeps {
  monitor: Monitor;
  /** Teacher agreement per model (0..1) once reviews exist; the success rate stands in until then. */
  quality?: () => QualityMap | undefined;
}

export function createMonitorHandlers(deps: MonitorHandlerDeps): MonitorHandlers {
  const { monitor } = deps;
  return {
    getOverview: () => monitor.overview(),
    getModelMetrics: ({ modelId }) => monitor.modelMetrics(modelId),
    getCostAnalysis: (input) => monitor.costAnalysis(toTimeRange(input), deps.quality?.()),
    listAlerts: ({ limit, before }) => monitor.listAlerts({ limit, before }),
    listAttempts: ({ limit, beforeId, modelId }) => monitor.listAttempts({ limit, beforeId, modelId }),
    getRetryStats: (input) => monitor.retryStats(toTimeRange(input)),
  };
}
