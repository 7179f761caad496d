import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli, type CliIo } from '../../../electron/cli/main.ts';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../electron/simulator/index.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const RUBRIC = join(ROOT, 'demo', 'rubric.json');

const TOPICS = ['homework', 'school uniforms', 'phones in class', 'a four-day week', 'longer breaks', 'grading on effort'];

/** N short, distinct essays named like a class's uploads. */
export function writeEssays(dir: string, n: number): string {
  const folder = join(dir, 'essays');
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < n; i++) {
    const topic = TOPICS[i % TOPICS.length];
    writeFileSync(
      join(folder, `Student ${String(i + 1).padStart(2, '0')} - essay.txt`),
      `Essay ${i + 1} on ${topic}.\n\nI believe ${topic} should be changed. First, reason number ${i} shows why. ` +
        `Second, my own experience with ${topic} supports it. In conclusion, ${topic} matters for every student.\n`,
    );
  }
  return folder;
}

/** A printed page with "Name: Ana Lopez" at the top (test/fixtures/images/README.md). */
export const PHOTO = join(ROOT, 'test', 'fixtures', 'images', 'essay-ana-lopez-1200x600.png');

export interface SuiteSimulator {
  sim: SimulatorHandle;
  /** A temp folder of the suite's own. */
  dir: string;
}

/**
 * A simulator (key `sk-sim` unless told otherwise) and a temp folder for the tests of one
 * describe block: started before them, both gone after them. Read the fields inside tests.
 */
export function simulatorForSuite(options: SimulatorOptions = { keys: { 'sk-sim': {} } }): SuiteSimulator {
  const suite = {} as SuiteSimulator;
  beforeAll(async () => {
    suite.dir = tempDir();
    suite.sim = await startSimulator(options);
  });
  afterAll(async () => {
    await suite.sim?.close();
    if (suite.dir) rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}

/** A config with one vision model at the simulator, written into `dir`. */
export function writeVisionConfig(dir: string, baseUrl: string, extra: Record<string, unknown> = {}): string {
  const endpoint = `${baseUrl}/chat/completions`;
  return writeConfig(dir, baseUrl, {
    models: {
      smart: { endpoint, model: 'sim/smart', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, vision: true, context_window: 128000, input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
    },
    ...extra,
  });
}

export function writeConfig(dir: string, baseUrl: string, extra: Record<string, unknown> = {}): string {
  const endpoint = `${baseUrl}/chat/completions`;
  const model = (slug: string) => ({ endpoint, model: slug, api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, context_window: 128000, max_concurrency: 6 });
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      models: {
        fast: { ...model('sim/fast'), input_cost_per_token: 1e-7, output_cost_per_token: 4e-7 },
        smart: { ...model('sim/smart'), input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
      },
      routing: { strategy: 'least_busy' },
      retry: { max_attempts: 6, base_delay_ms: 20, max_delay_ms: 500 },
      ...extra,
    }),
  );
  return path;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { SIM_KEY: 'sk-sim', ...env },
    isTTY: false,
    signal: signal ?? new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'gd-cli-'));
