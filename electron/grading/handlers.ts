/**
 * The grading routes' IPC handlers, typed from the contract (shared/ipc/grading.ts). The
 * composition root spreads `handlers` into its handler map and calls `close()` before it closes
 * the store, so a grading in progress stops (resumable) instead of writing to a closed database.
 *
 * `gradeDemoClass`: in demo mode only, grades the sample class shipped with GradeDesk
 * (demo/essays against demo/rubric.json) with the built-in simulated provider, through the
 * grading service's `grade` — the very sequence `gradedesk grade --demo` runs — and answers
 * its report.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/errors.ts';
import type { BatchReportView } from '../../shared/ipc/grading.ts';
import type { EventListener, Handlers } from '../../shared/ipc/contract.ts';
import type { GradingCore } from './core.ts';
import { createGradingService, readRubricFile } from './service.ts';

export type GradingRouteName = 'gradeDemoClass';
export type GradingHandlerMap = Pick<Handlers, GradingRouteName>;

/** Where the sample class is: the rubric file and the folder of essays. */
export interface DemoClass {
  rubric: string;
  essays: string;
}

/** Calls in flight while the sample class is graded, as `grade` without `--concurrency`. */
const DEMO_CONCURRENCY = 4;
/** From electron/grading/ (sources) or dist-electron/ (the bundle), the repository is this close. */
const MAX_LEVELS_UP = 3;

/**
 * The sample class shipped with GradeDesk: the `demo/` folder at the root of the app, found
 * from this module's own folder (electron/grading/ when run from source, dist-electron/ when
 * bundled). Null when this installation does not carry it.
 */
export function findDemoClass(from: string = dirname(fileURLToPath(import.meta.url))): DemoClass | null {
  let dir = from;
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const found: DemoClass = { rubric: join(dir, 'demo', 'rubric.json'), essays: join(dir, 'demo', 'essays') };
    if (existsSync(found.rubric) && existsSync(found.essays)) return found;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

export interface GradingHandlerDeps {
  core: GradingCore;
  /** The provider is the built-in simulator (`--demo`): the only mode that may grade the sample class. */
  demo: boolean;
  emit: EventListener;
  /** The sample class; by default found next to the app (findDemoClass). Null: not installed. */
  demoClass?: DemoClass | null;
}

export interface GradingHandlers {
  handlers: GradingHandlerMap;
  /** Stops a grading in progress (its batch stays resumable) and waits until it has ended. */
  close(): Promise<void>;
}

export function createGradingHandlers(deps: GradingHandlerDeps): GradingHandlers {
  const grading = createGradingService(deps.core);
  let running: { controller: AbortController; task: Promise<BatchReportView> } | null = null;
  let closed = false;

  async function gradeSampleClass(signal: AbortSignal): Promise<BatchReportView> {
    const where = deps.demoClass === undefined ? findDemoClass() : deps.demoClass;
    if (!where) throw new AppError('FILE_NOT_FOUND', 'The sample class (demo/rubric.json and demo/essays) is not part of this installation.');
    const rubric = await readRubricFile(where.rubric);
    let batchId = '';
    const outcome = await grading.grade({
      paths: [where.essays],
      rubric,
      roster: null,
      models: [],
      compare: false,
      concurrency: DEMO_CONCURRENCY,
      source: 'app',
      signal,
      onPrepared: (prepared) => {
        batchId = prepared.batchId;
        deps.emit('gradingProgress', { batchId, done: 0, failed: 0, total: prepared.jobs });
      },
      onProgress: ({ done, failed, total }) => deps.emit('gradingProgress', { batchId, done: done + failed, failed, total }),
    });
    // Over a budget or not, the report says what happened to every submission.
    if (!outcome.report) throw new Error(`batch ${outcome.batchId} has no report`);
    return outcome.report;
  }

  return {
    handlers: {
      gradeDemoClass: async () => {
        // Checked and claimed before the first await, so two calls cannot both start.
        if (!deps.demo) {
          throw new AppError('DEMO_ONLY', 'Grading the sample class is only available in demo mode: start GradeDesk with --demo.');
        }
        if (closed) throw new AppError('ABORTED', 'GradeDesk is closing.');
        if (running) throw new AppError('GRADING_IN_PROGRESS', 'The sample class is being graded already; wait for it to finish.');
        const controller = new AbortController();
        const task = gradeSampleClass(controller.signal);
        running = { controller, task };
        try {
          return await task;
        } finally {
          running = null;
        }
      },
    },
    async close() {
      closed = true;
      const current = running;
      if (!current) return;
      current.controller.abort();
      await current.task.catch(() => undefined);
    },
  };
}
