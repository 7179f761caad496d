import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { SaveSettingsInput } from '../../../shared/ipc/settings.ts';
import { gradingRequest } from '../core/helpers.ts';
import { startHost, type HostFixture } from '../setup/helpers.ts';

const readFile = (fx: HostFixture): Record<string, unknown> => JSON.parse(readFileSync(fx.configFile, 'utf8')) as Record<string, unknown>;

/** A config as a teacher or a newer GradeDesk may have written it: fields this version does not know. */
function writeConfigWithUnknowns(fx: HostFixture, baseUrl: string): void {
  writeFileSync(
    fx.configFile,
    JSON.stringify({
      models: { fast: { endpoint: `${baseUrl}/chat/completions`, model: 'sim/fast', api_key_env: 'GRADEDESK_LOCAL_SERVER_KEY', future_field: 'kept' } },
      routing: { strategy: 'performance', experimental: { a: 1 } },
      retry: { max_attempts: 5, backoff: 'immediate', base_delay_ms: 0, max_delay_ms: 0, backoff_by_class: { server_error: 'immediate' } },
      budget: { per_batch_usd: 5, currency_note: 'USD' },
      monitoring: { response_time_threshold: 30, channel: 'desktop' },
      privacy: { pseudonymize_names: true, retention_days: 90 },
      grading: { strictness: 'standard', rubric_style: 'analytic' },
      top_level_unknown: { keep: true },
    }),
  );
}

const SECTIONS: SaveSettingsInput[] = [
  { section: 'routing', values: { strategy: 'cost', fallbacks: { fast: [] } } },
  { section: 'retry', values: { max_attempts: 3, deadline_seconds: 60, backoff: 'linear', base_delay_ms: 0, max_delay_ms: 0 } },
  { section: 'budget', values: { per_batch_usd: 2.5, per_day_usd: 12 } },
  { section: 'monitoring', values: { response_time_threshold: 12, error_rate_threshold: 0.2, cost_threshold_per_hour: null } },
  { section: 'privacy', values: { pseudonymize_names: false, data_collection: 'allow' } },
  { section: 'grading', values: { strictness: 'strict', tone: 'direct', feedback_language: 'zh-CN', grade_level: 'Year 9' } },
];

describe('settings without a config file', () => {
  let sim: SimulatorHandle;
  let fx: HostFixture | null = null;

  beforeAll(async () => {
    // Every call to the broken model is refused as rate-limited (retried on the same model): each attempt is one request to count.
    sim = await startSimulator({ keys: null, profile: { models: { 'sim/fast': { faults: { rate_limit_429: { rate: 1, retryAfterMs: 10 } } } } } });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    await fx?.close();
    fx = null;
  });

  it('round-trips every section through the writer and keeps the fields it does not know', async () => {
    fx = await startHost('gd-settings-roundtrip-');
    writeConfigWithUnknowns(fx, sim.baseUrl);
    await fx.host.handlers.reloadConfig({});
    for (const input of SECTIONS) {
      const answer = await fx.host.handlers.saveSettings(input);
      expect(answer.values[input.section]).toEqual(expectedValues(input));
      expect((await fx.host.handlers.getSettings({})).values[input.section]).toEqual(expectedValues(input));
    }
    const file = readFile(fx);
    expect(file).toMatchObject({
      models: { fast: { future_field: 'kept' } },
      routing: { strategy: 'cost', experimental: { a: 1 } },
      retry: { max_attempts: 3, backoff_by_class: { server_error: 'immediate' } },
      budget: { per_batch_usd: 2.5, per_day_usd: 12, currency_note: 'USD' },
      monitoring: { response_time_threshold: 12, error_rate_threshold: 0.2, channel: 'desktop' },
      privacy: { pseudonymize_names: false, data_collection: 'allow', retention_days: 90 },
      grading: { strictness: 'strict', tone: 'direct', feedback_language: 'zh-CN', grade_level: 'Year 9', rubric_style: 'analytic' },
      top_level_unknown: { keep: true },
    });
    // A threshold switched off leaves the file; an empty fallback list is not written.
    expect(file.monitoring).not.toHaveProperty('cost_threshold_per_hour');
    expect(file.routing).not.toHaveProperty('fallbacks');
    // The grading defaults seed the new-batch screen's starting choice.
    expect(await fx.host.handlers.lastBatchChoice({})).toEqual({
      models: [],
      compare: false,
      settings: { strictness: 'strict', tone: 'direct', feedbackLanguage: 'zh-CN', gradeLevel: 'Year 9' },
    });
  });

  it.each([
    [{ section: 'budget', values: { per_batch_usd: 5, per_day_usd: -1 } }, 'budget.per_day_usd', 'Budget per day'],
    [{ section: 'retry', values: { max_attempts: 0, deadline_seconds: 300, backoff: 'exponential', base_delay_ms: 500, max_delay_ms: 30000 } }, 'retry.max_attempts', 'Attempts per call'],
    [{ section: 'routing', values: { strategy: 'fastest_please', fallbacks: {} } }, 'routing.strategy', 'How a model is chosen'],
    [{ section: 'grading', values: { strictness: 'standard', tone: 'neutral', feedback_language: 'en', grade_level: '<b>9</b>' } }, 'grading.grade_level', 'Grade level'],
  ] as const)('refuses %j naming the field, and writes nothing', async (input, field, label) => {
    fx = await startHost('gd-settings-invalid-');
    writeConfigWithUnknowns(fx, sim.baseUrl);
    await fx.host.handlers.reloadConfig({});
    const before = readFileSync(fx.configFile, 'utf8');
    const app = fx.host.current;
    const refused = fx.host.handlers.saveSettings(input as SaveSettingsInput);
    await expect(refused).rejects.toMatchObject({ code: 'SETTING_INVALID', details: { field } });
    await expect(refused).rejects.toThrow(`${label} (${field})`);
    expect(readFileSync(fx.configFile, 'utf8')).toBe(before);
    expect(fx.host.current).toBe(app);
  });

  it('applies a new retry limit and routing strategy at once: the next call makes that many attempts', async () => {
    fx = await startHost('gd-settings-live-');
    writeConfigWithUnknowns(fx, sim.baseUrl);
    await fx.host.handlers.reloadConfig({});
    const attemptsWith = async (maxAttempts: number): Promise<number> => {
      await fx!.host.handlers.saveSettings({ section: 'retry', values: { max_attempts: maxAttempts, deadline_seconds: 30, backoff: 'immediate', base_delay_ms: 0, max_delay_ms: 0 } });
      const before = sim.requests().length;
      const outcome = await fx!.host.current.calls.execute(gradingRequest(), { purpose: 'grading' });
      expect(outcome.ok ? null : outcome.error.code).toBe('ATTEMPTS_EXHAUSTED');
      return sim.requests().slice(before).filter((r) => r.model === 'sim/fast').length;
    };
    expect(await attemptsWith(2)).toBe(2);
    expect(await attemptsWith(3)).toBe(3);

    await fx.host.handlers.saveSettings({ section: 'routing', values: { strategy: 'round_robin', fallbacks: {} } });
    expect(fx.host.current.config?.routing?.strategy).toBe('round_robin');
    expect((await fx.host.handlers.getSettings({})).values.routing.strategy).toBe('round_robin');
  });

  it('refuses a change while a batch is being graded, says so in the settings, and writes nothing', async () => {
    let grading = false;
    fx = await startHost('gd-settings-busy-', { build: async (options) => Object.assign(await createApp(options), { busy: () => grading }) });
    writeConfigWithUnknowns(fx, sim.baseUrl);
    await fx.host.handlers.reloadConfig({});
    const before = readFileSync(fx.configFile, 'utf8');
    grading = true;
    await expect(fx.host.handlers.saveSettings({ section: 'budget', values: { per_batch_usd: 1, per_day_usd: 1 } })).rejects.toMatchObject({ code: 'GRADING_IN_PROGRESS' });
    expect(readFileSync(fx.configFile, 'utf8')).toBe(before);
    grading = false;
    await fx.host.handlers.saveSettings({ section: 'budget', values: { per_batch_usd: 1, per_day_usd: 1 } });
    expect(readFile(fx).budget).toMatchObject({ per_batch_usd: 1, per_day_usd: 1 });
  });

  it('shows where the data lives and the defaults in force when the file says nothing', async () => {
    fx = await startHost('gd-settings-where-');
    const settings = await fx.host.handlers.getSettings({});
    expect(settings.locations).toEqual({
      database: `${fx.dir}/gradedesk.db`,
      config: fx.configFile,
      staging: `${fx.dir}/staging`,
      backups: `${fx.dir}/backups`,
    });
    expect(settings.values.retry).toEqual({ max_attempts: 5, deadline_seconds: 300, backoff: 'exponential', base_delay_ms: 500, max_delay_ms: 30000 });
    expect(settings.values.budget).toEqual({ per_batch_usd: null, per_day_usd: null });
    expect(settings.strategies).toContain('performance');
    expect(settings).toMatchObject({ editable: true, busy: false, configError: null });
  });
});

function expectedValues(input: SaveSettingsInput): unknown {
  if (input.section === 'routing') return { ...input.values, fallbacks: {} };
  return input.values;
}
