import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, PHOTO, RUBRIC, simulatorForSuite, writeConfig, writeEssays } from './helpers.ts';

/**
 * Compare mode as a teacher meets it: every submission graded by every model of the pool, and
 * a submission graded whenever one model could grade it. A model that cannot take the input is
 * not applicable, never a failure; a model that is down is waited for, not switched away from.
 */

interface ModelPart {
  model: string;
  status: string;
  reason?: string;
  error?: { code: string };
}
interface Report {
  status: string;
  submissions: Array<{ file: string; status: string; models?: ModelPart[]; flags?: string[]; error?: { code: string; message: string } }>;
}

/** Two vision models and a text-only one at the simulator; names are sent as written (no OCR). */
function threeModels(dir: string, baseUrl: string, extra: Record<string, unknown> = {}): string {
  const endpoint = `${baseUrl}/chat/completions`;
  const model = (slug: string, vision: boolean, structured = true) => ({
    endpoint,
    model: slug,
    api: 'openrouter',
    api_key_env: 'SIM_KEY',
    structured_output: structured,
    vision,
    context_window: 128000,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 4e-7,
  });
  return writeConfig(dir, baseUrl, {
    models: { eye1: model('sim/vision', true, false), eye2: model('sim/smart', true), text: model('sim/fast', false) },
    privacy: { pseudonymize_names: false },
    ...extra,
  });
}

describe('gradedesk grade --compare', () => {
  const suite = simulatorForSuite();

  it('grades a photo with the vision models and shows the text-only model as not applicable', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'mixed'), 2);
    copyFileSync(PHOTO, join(folder, 'Ana Lopez - essay.png'));
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', threeModels(dir, sim.baseUrl), '--db', join(dir, 'mixed.db'), '--compare', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(0);
    expect(report.status).toBe('completed');
    const photo = report.submissions.find((s) => s.file.endsWith('.png'));
    expect(photo).toMatchObject({ status: 'graded' });
    expect(photo?.models?.map((m) => `${m.model}:${m.status}${m.reason ? `:${m.reason}` : ''}`).sort()).toEqual(['eye1:graded', 'eye2:graded', 'text:not_applicable:NO_VISION']);
    // Not applicable is not a failure: no flag names the text model.
    expect(photo?.flags?.some((f) => f.startsWith('model_failed'))).toBe(false);
    for (const essay of report.submissions.filter((s) => s.file.endsWith('.txt'))) {
      expect(essay.models?.map((m) => m.status)).toEqual(['graded', 'graded', 'graded']);
    }
    // Nothing was sent to the text model for the photo: two calls for it, three for each essay.
    expect(sim.requests()).toHaveLength(2 + 3 * 2);
  });

  it('fails a photo only when none of the compared models reads images, and says what would help', async () => {
    const { sim, dir } = suite;
    const folder = join(dir, 'photo-only');
    mkdirSync(folder, { recursive: true });
    copyFileSync(PHOTO, join(folder, 'Ana Lopez - essay.png'));
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', threeModels(dir, sim.baseUrl), '--db', join(dir, 'photo-only.db'), '--compare', '--model', 'text', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(1);
    expect(report.submissions[0]).toMatchObject({ status: 'failed', error: { code: 'NO_VISION' } });
    expect(report.submissions[0]?.error?.message).toMatch(/None of the compared models \(text\) reads images: add a vision model/);
    expect(sim.requests()).toHaveLength(0);
  });

  it('shows a model whose context window is too small for an essay as not applicable', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'long'), 2);
    const config = threeModels(dir, sim.baseUrl);
    const small = JSON.parse(readFileSync(config, 'utf8')) as { models: Record<string, Record<string, unknown>> };
    small.models.text = { ...small.models.text, context_window: 600 };
    writeFileSync(config, JSON.stringify(small));
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'long.db'), '--compare', '--model', 'eye2', '--model', 'text', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(0);
    for (const s of report.submissions) {
      expect(s.status).toBe('graded');
      expect(s.models?.map((m) => `${m.model}:${m.status}${m.reason ? `:${m.reason}` : ''}`)).toEqual(['eye2:graded', 'text:not_applicable:CONTEXT_TOO_LONG']);
    }
    expect(sim.requests().every((r) => r.model === 'sim/smart')).toBe(true);
  });

  it('waits for a model that is down for a while: its pinned jobs grade once it is back', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'down'), 6);
    sim.reset();
    // eye2 answers only bad gateways for 12 s: long enough to open its breaker while the jobs
    // pinned to it queue for its one slot.
    sim.setProfile({ models: { 'sim/smart': { latencyMs: 100, faults: { bad_gateway_502: { rate: 1 } } } } });
    const up = setTimeout(() => sim.setProfile({}), 12_000);
    try {
      const config = threeModels(dir, sim.baseUrl, { retry: { max_attempts: 12, base_delay_ms: 200, max_delay_ms: 2000 } });
      const one = JSON.parse(readFileSync(config, 'utf8')) as { models: Record<string, Record<string, unknown>> };
      one.models.eye2 = { ...one.models.eye2, max_concurrency: 1 };
      writeFileSync(config, JSON.stringify(one));
      const args = ['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'down.db'), '--compare', '--model', 'eye1', '--model', 'eye2', '--concurrency', '8', '--json'];
      const run = await cli(args);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.submissions.map((s) => `${s.status}:${(s.models ?? []).map((m) => `${m.model}=${m.status}${m.error ? `:${m.error.code}` : ''}`).join(',')}`)).toEqual(
        Array.from({ length: 6 }, () => 'graded:eye1=graded,eye2=graded'),
      );
      expect(run.code).toBe(0);
      expect(sim.requests().filter((r) => r.model === 'sim/smart' && r.outcome === 'bad_gateway_502').length).toBeGreaterThan(0);
    } finally {
      clearTimeout(up);
    }
  }, 90_000);

  it('under faults of every transient kind and a model down for 5 s, grades every submission with both models', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'load'), 40);
    sim.reset();
    const kinds = ['server_error_500', 'bad_gateway_502', 'unavailable_503', 'gateway_timeout_504', 'rate_limit_429', 'connection_reset', 'timeout_408', 'truncated_stream', 'sse_error_event', 'malformed_json', 'schema_invalid', 'empty_completion'] as const;
    sim.setProfile({
      latencyMs: { min: 5, max: 40 },
      faults: Object.fromEntries(kinds.map((k) => [k, { rate: 0.02, retryAfterMs: 300 }])),
      models: { 'sim/smart': { downBetweenMs: [500, 5500] } },
    });
    const config = threeModels(dir, sim.baseUrl, { retry: { max_attempts: 10, base_delay_ms: 50, max_delay_ms: 1000 } });
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'load.db'), '--compare', '--model', 'eye1', '--model', 'eye2', '--concurrency', '8', '--json']);
    const report = JSON.parse(run.stdout) as Report;
    const notBoth = report.submissions.filter((s) => s.status !== 'graded' || s.models?.some((m) => m.status !== 'graded'));
    expect(notBoth.map((s) => `${s.file}: ${JSON.stringify(s.models ?? s.error)}`)).toEqual([]);
    expect(run.code).toBe(0);
    expect(sim.requests().some((r) => r.outcome === 'unavailable_503' && r.model === 'sim/smart')).toBe(true);
  }, 120_000);
});
