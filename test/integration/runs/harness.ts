import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { findDemoClass } from '../../../electron/grading/handlers.ts';
import type { IntakeSession } from '../../../electron/intake/selection.ts';
import { createRunHandlers, type RunHandlers } from '../../../electron/runs/handlers.ts';
import { saveSampleRubric } from '../../../electron/runs/sample-class.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { EventName, EventPayload } from '../../../shared/ipc/contract.ts';
import type { RunProgress, StartBatchInput, SubmissionState } from '../../../shared/ipc/runs.ts';

/**
 * The runs area on the real core: the app built from a config at the simulator (each call takes
 * a while, so a batch can be paused mid-way), a folder of essays staged by a stand-in intake
 * session (ids are file names), and the sample rubric in the library.
 */
export interface RunsHarness {
  dir: string;
  sim: SimulatorHandle;
  app: GradeDeskApp;
  runs: RunHandlers;
  rubricId: string;
  progress: RunProgress[];
  updates: Array<{ batchId: string; submission: SubmissionState }>;
  /** Writes `n` essays and answers their ids. */
  essays(n: number): string[];
  input(items: string[], extra?: Partial<StartBatchInput>): StartBatchInput;
  /** Handlers as a restarted app would build them, on the same core. */
  reopen(): RunHandlers;
  close(): Promise<void>;
}

export async function startHarness(latencyMs = 120): Promise<RunsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-runs-'));
  const files = join(dir, 'staged');
  mkdirSync(files);
  const sim = await startSimulator({ keys: { 'sk-sim': {} }, profile: { latencyMs } });
  const endpoint = `${sim.baseUrl}/chat/completions`;
  const model = (slug: string) => ({ endpoint, model: slug, api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, context_window: 128000 });
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      models: {
        fast: { ...model('sim/fast'), input_cost_per_token: 1e-7, output_cost_per_token: 4e-7 },
        smart: { ...model('sim/smart'), vision: true, input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
      },
      routing: { strategy: 'least_busy' },
      retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 50 },
      budget: { per_day_usd: 50 },
    }),
  );
  const app = await createApp({ configPath, dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets: createMemorySecretStore({ SIM_KEY: 'sk-sim' }) });
  const sample = findDemoClass();
  if (!sample) throw new Error('the sample class is missing');
  const rubricId = await saveSampleRubric(app.db, sample);
  // As the intake session does: the staging paths, and the files as the teacher dropped them.
  const staged: IntakeSession = {
    select: (ids) => ({
      paths: ids.map((id) => join(files, id)),
      roster: null,
      students: {},
      files: Object.fromEntries(ids.map((id) => [join(files, id), `Period 3/${id}`])),
    }),
  };
  const progress: RunProgress[] = [];
  const updates: RunsHarness['updates'] = [];
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    if (event === 'runProgress') progress.push(payload as RunProgress);
    if (event === 'submissionUpdated') updates.push(payload as RunsHarness['updates'][number]);
  };
  const open = (): RunHandlers =>
    createRunHandlers({ core: { db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: null }, intake: staged, emit, demo: false, sampleClass: sample });
  const opened: RunHandlers[] = [open()];
  let written = 0;
  return {
    dir,
    sim,
    app,
    runs: opened[0] as RunHandlers,
    rubricId,
    progress,
    updates,
    essays(n) {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        written += 1;
        const id = `Student ${String(written).padStart(3, '0')} - essay.txt`;
        writeFileSync(join(files, id), `Essay ${written}. Homework should be optional because students need rest; example ${written}: a study of ${written * 7} pupils.\n`);
        ids.push(id);
      }
      return ids;
    },
    input: (items, extra = {}) => ({
      items,
      rubricId,
      models: ['fast'],
      compare: false,
      settings: { strictness: 'standard', tone: 'neutral', feedbackLanguage: 'en', gradeLevel: '' },
      budgetUsd: null,
      sampleSize: null,
      ...extra,
    }),
    reopen() {
      const again = open();
      opened.push(again);
      return again;
    },
    async close() {
      for (const runs of opened) await runs.close();
      await app.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` holds; bounded. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** The last progress event of a batch. */
export const lastProgress = (h: RunsHarness, batchId: string): RunProgress | undefined => h.progress.filter((p) => p.batchId === batchId).at(-1);
