import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../../electron/cli/main.ts';

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
