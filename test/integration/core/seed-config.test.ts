import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { runCli } from '../../../electron/cli/main.ts';
import { loadRubricFile } from '../../../electron/grading/rubric/index.ts';
import { buildGradingRequest } from '../../../electron/grading/prompt/request.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { SimModel } from '../../../electron/simulator/types.ts';

/**
 * The seed's own config: models named by short keys, OpenRouter endpoints, no `api_key_env`, and
 * nothing said about vision, context or prices. Against an OpenRouter-style provider (the
 * simulator, whose `/models` lists `vendor/name` ids with prices), it grades with a key and the
 * catalog's names, and what the catalog says fills what the config leaves out.
 */

const KEY = 'sk-or-seed-test';
const CATALOG: Record<string, SimModel> = {
  'google/gemini-2.5-flash': { input_cost_per_token: 3e-7, output_cost_per_token: 2.5e-6, context_window: 1_048_576, vision: true, structured_output: true },
  'openai/gpt-4o-mini': { input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7, context_window: 128_000, vision: false, structured_output: true },
  'meta-llama/llama-3.1-8b-instruct': { input_cost_per_token: 2e-8, output_cost_per_token: 5e-8, context_window: 16_384, vision: false, structured_output: false },
  'other/llama-3.1-8b-instruct': { input_cost_per_token: 2e-8, output_cost_per_token: 5e-8, context_window: 16_384, vision: false, structured_output: false },
};
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe("the seed's config against an OpenRouter-style provider", () => {
  let dir: string;
  let sim: SimulatorHandle;
  let app: GradeDeskApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-seed-config-'));
    sim = await startSimulator({ keys: { [KEY]: {} }, models: CATALOG });
    // The seed's file, pointed at the simulator; `api` says what openrouter.ai's host would.
    const seed = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/config/seed-example.json'), 'utf8')) as {
      models: Record<string, Record<string, unknown>>;
    };
    const endpoint = `${sim.baseUrl.replace(/\/v1$/, '')}/api/v1/chat/completions`;
    for (const model of Object.values(seed.models)) Object.assign(model, { endpoint, api: 'openrouter' });
    delete seed.models['gemini-2.5-flash']?.cost_per_token;
    seed.models['llama-3.1-8b-instruct'] = { endpoint, api: 'openrouter', supported_tasks: ['analysis'] };
    seed.models['no-such-model'] = { endpoint, api: 'openrouter' };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(seed));
    app = await createApp({
      configPath: join(dir, 'config.json'),
      dbPath: join(dir, 'gd.db'),
      demo: false,
      mode: 'browser',
      secrets: createMemorySecretStore({ OPENROUTER_API_KEY: KEY }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each short name resolved to its catalog id, with the facts the config left out', async () => {
    const byId = Object.fromEntries((await app.handlers.listModels({})).map((m) => [m.id, m]));
    expect(byId['gemini-2.5-flash']).toMatchObject({
      slug: 'google/gemini-2.5-flash',
      keyStatus: 'set',
      vision: true,
      contextWindow: 1_048_576,
      structuredOutput: true,
      inputCostPerToken: 3e-7,
      outputCostPerToken: 2.5e-6,
      catalog: { status: 'resolved', requested: 'gemini-2.5-flash', catalogId: 'google/gemini-2.5-flash', message: null },
    });
    // The config's own price wins over the catalog's.
    expect(byId['gpt-4o-mini']).toMatchObject({ slug: 'openai/gpt-4o-mini', vision: false, inputCostPerToken: 6e-7, outputCostPerToken: 6e-7 });
    expect(byId['gpt-4o-mini']?.catalog?.filled).not.toContain('input_cost_per_token');
    // Two vendors and no provider to choose: left as configured, and said so.
    expect(byId['llama-3.1-8b-instruct']?.catalog).toMatchObject({ status: 'ambiguous', catalogId: null });
    expect(byId['llama-3.1-8b-instruct']?.catalog?.message).toContain('meta-llama/llama-3.1-8b-instruct, other/llama-3.1-8b-instruct');
    expect(byId['no-such-model']).toMatchObject({ slug: 'no-such-model', catalog: { status: 'not_found' } });
    expect(byId['no-such-model']?.catalog?.message).toContain('set "model"');
  });

  it('`gradedesk models` shows what each name resolved to', async () => {
    const io = { out: '', err: '' };
    const code = await runCli(['models', '--config', join(dir, 'config.json')], {
      stdout: (t) => void (io.out += t),
      stderr: (t) => void (io.err += t),
      env: { OPENROUTER_API_KEY: KEY },
      isTTY: false,
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const line = io.out.split('\n').find((l) => l.startsWith('gemini-2.5-flash\t'));
    expect(line).toContain('google/gemini-2.5-flash');
    expect(line).toContain('resolved from "gemini-2.5-flash"');
    expect(line).toContain('key set');
    expect(io.out.split('\n').find((l) => l.startsWith('no-such-model\t'))).toContain('is not in the model list');
  });

  it('grades a page image with the vision model, by its catalog id, with the OpenRouter key', async () => {
    const rubric = await loadRubricFile(join(import.meta.dirname, '../../../demo/rubric.json'));
    if (!rubric.ok) throw new Error(rubric.error.message);
    const { request } = buildGradingRequest({ rubric: rubric.data, submissionText: '', images: [{ mime: 'image/png', data: PNG }] });
    sim.reset();
    const outcome = await app.calls.execute(request, { purpose: 'grading', pool: ['gemini-2.5-flash', 'gpt-4o-mini'], stream: false });
    expect(outcome).toMatchObject({ ok: true, modelId: 'gemini-2.5-flash' });
    const sent = sim.requests();
    expect(sent.map((r) => [r.model, r.key, r.outcome])).toEqual([['google/gemini-2.5-flash', KEY, 'ok']]);
  });

  it('does not grade with a model whose supported_tasks leave grading out', async () => {
    const rubric = await loadRubricFile(join(import.meta.dirname, '../../../demo/rubric.json'));
    if (!rubric.ok) throw new Error(rubric.error.message);
    const { request } = buildGradingRequest({ rubric: rubric.data, submissionText: 'Homework should be optional, because rest matters.' });
    expect(request.task).toBe('grading');
    sim.reset();
    const outcome = await app.calls.execute(request, { purpose: 'grading', pool: ['llama-3.1-8b-instruct'], stream: false });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'NO_MODEL_AVAILABLE' } });
    expect(sim.requests()).toEqual([]);
  });
});
