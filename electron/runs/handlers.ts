/**
 * IPC handlers for starting, pausing, cancelling and resuming a batch from the app, and its progress.
 */
import { AppError } from '../../shared/errors.ts';
import type { EventListener, Handlers } from '../../shared/ipc/contract.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { BatchSummary, runsRoutes, StartBatchInput } from '../../shared/ipc/runs.ts';
import type { GradingCore } from '../grading/core.ts';
import { findDemoClass, type DemoClass } from '../grading/handlers.ts';
import type { Rubric } from '../grading/rubric/index.ts';
import { createGradingService } from '../grading/service.ts';
import type { IntakeSession } from '../intake/selection.ts';
import { getSavedRubric } from '../rubrics/saved-rubric.ts';
import { readLastChoice, updateNote } from './batch-notes.ts';
import { estimateStart } from './estimate.ts';
import { EstimateReader } from './read-for-estimate.ts';
import { listResumable } from './resumable.ts';
import { Runs } from './run-control.ts';
import { batchOrThrow } from './run-snapshot.ts';
import { sampleItems, saveSampleRubric, withSampleClass } from './sample-class.ts';

export type RunRouteName = keyof typeof runsRoutes;
export type RunHandlerMap = Pick<Handlers, RunRouteName>;

export interface RunHandlers {
  handlers: RunHandlerMap;
  /** Called before the store closes: runs in progress stop (resumable) and are waited for. */
  close(): Promise<void>;
  /** A batch is being read or graded: a change of configuration waits for it. */
  busy(): boolean;
}

export interface RunDeps {
  core: GradingCore;
  /** The student work staged in this window. */
  intake: IntakeSession;
  emit: EventListener;
  /** The provider is the built-in simulator: every amount is simulated. */
  demo: boolean;
  /** The sample class; by default found next to the app. Null: not installed. */
  sampleClass?: DemoClass | null;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export function createRunHandlers(deps: RunDeps): RunHandlers {
  const { core } = deps;
  const service = createGradingService(core);
  const sample = deps.sampleClass === undefined ? findDemoClass() : deps.sampleClass;
  const intake = withSampleClass(deps.intake, sample);
  const runs = new Runs({ core, service, emit: deps.emit, simulated: deps.demo, ...(deps.log ? { log: deps.log } : {}) });
  const reader = new EstimateReader();

  function configOrThrow() {
    if (!core.config) throw new AppError(core.configError?.code ?? 'CONFIG_NOT_FOUND', core.configError?.message ?? 'GradeDesk has no models set up yet.');
    return core.config;
  }

  function rubricOrThrow(rubricId: string): Rubric {
    const rubric = getSavedRubric(core.db, rubricId);
    if (!rubric) throw new AppError('RUBRIC_INVALID', 'The rubric chosen is no longer in the library or cannot be read: choose or import it again.', { rubricId });
    return rubric;
  }

  function poolOf(input: Pick<StartBatchInput, 'models'>): string[] {
    const configured = Object.keys(configOrThrow().models);
    const unknown = input.models.filter((m) => !configured.includes(m));
    if (unknown.length > 0) throw new AppError('MODEL_NOT_FOUND', `Not set up: ${unknown.join(', ')}. Choose among the models in Settings.`);
    return input.models.length > 0 ? [...input.models] : configured;
  }

  return {
    handlers: {
      listBatches: () =>
        service
          .history()
          .batches.slice(0, LIMITS.listItems)
          .map((b): BatchSummary => ({
            batchId: b.batch_id,
            createdAt: b.created_at,
            status: b.status,
            rubric: b.rubric,
            submissions: b.submissions,
            graded: b.graded,
            failed: b.failed,
            totalCostUsd: b.total_cost_usd,
          })),
      estimateBatch: async (input) => {
        const config = configOrThrow();
        const pool = poolOf(input);
        const rubric = rubricOrThrow(input.rubricId);
        const selection = intake.select(input.items);
        return estimateStart({ db: core.db, config, pool, simulated: deps.demo, reader }, input, selection, rubric);
      },
      startBatch: async (input) => {
        configOrThrow();
        poolOf(input);
        const rubric = rubricOrThrow(input.rubricId);
        const selection = intake.select(input.items);
        return { batchId: await runs.start(input, selection, rubric) };
      },
      pauseBatch: ({ batchId }) => runs.pause(batchId),
      cancelBatch: ({ batchId }) => runs.cancel(batchId),
      resumeBatch: ({ batchId }) => runs.resume(batchId),
      getRun: ({ batchId }) => runs.snapshot(batchId),
      listResumable: () => listResumable(core.db, (id) => runs.isLive(id), Date.now()),
      dismissResumable: ({ batchId }) => {
        batchOrThrow(core.db, batchId);
        updateNote(core.db, batchId, { dismissed: true });
        return {};
      },
      lastBatchChoice: () => readLastChoice(core.db),
      useSampleClass: async () => {
        if (!sample) throw new AppError('FILE_NOT_FOUND', 'The sample class is not part of this installation.');
        return { items: sampleItems(sample), rubricId: await saveSampleRubric(core.db, sample) };
      },
    },
    close: () => runs.close(),
    busy: () => runs.busy,
  };
}
