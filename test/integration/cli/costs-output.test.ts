import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, insertApiCalls, openDatabase, type NewApiCall } from '../../../electron/store/index.ts';
import { cli, RUBRIC, simulatorForSuite, tempDir, writeConfig, writeEssays } from './helpers.ts';

describe('gradedesk --help', () => {
  it('prints the usage to stdout and exits 0: asking for help is not a mistake', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['grade', '--help']]) {
      const run = await cli(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage:');
      expect(run.stderr).toBe('');
    }
    // No command at all is still a usage error.
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
  });
});

describe('gradedesk costs', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const call = (n: number, overrides: Partial<NewApiCall>): NewApiCall => ({
    requestId: `req-${n}`,
    purpose: 'grading',
    modelId: 'smart',
    endpoint: 'http://127.0.0.1:9/chat/completions',
    startedAt: Date.now(),
    attempt: 1,
    status: 'ok',
    costSource: 'provider',
    ...overrides,
  });

  it('says 1 call, rounds to the micro-dollar, never prints a real cost as $0.0000, and counts what it estimated or left out', async () => {
    const db = join(dir, 'costs.db');
    const store = openDatabase(db);
    insertApiCalls(store, [
      call(1, { modelId: 'fast', costUsd: 0.000031, promptTokens: 200, completionTokens: 30 }),
      call(2, { costUsd: 0.067, promptTokens: 900, completionTokens: 300 }),
      call(3, { costUsd: 0.031, promptTokens: 400, completionTokens: 100 }),
      // A stream cut before its usage, estimated by the client; one of unknown cost; a refusal, certainly $0.
      call(4, { modelId: 'plain', status: 'error', errorClass: 'truncated', costSource: 'estimate', costUsd: 0.00002 }),
      call(5, { modelId: 'plain', status: 'error', errorClass: 'truncated', costSource: 'unpriced', costUsd: null }),
      call(6, { modelId: 'plain', status: 'error', errorClass: 'rate_limit', costSource: 'estimate', costUsd: 0 }),
    ]);
    closeDatabase(store);

    const json = await cli(['costs', '--db', db, '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(/\d\.\d{7,}/);
    const out = JSON.parse(json.stdout) as { total_usd: number; cost_unpriced?: boolean; estimated_calls: number; unpriced_calls: number; by_model: Array<{ model: string; calls: number; cost_usd: number | null }> };
    expect(out).toMatchObject({ total_usd: 0.098051, cost_unpriced: true, estimated_calls: 1, unpriced_calls: 1 });
    expect(out.by_model).toEqual(
      expect.arrayContaining([
        { model: 'fast', calls: 1, cost_usd: 0.000031 },
        { model: 'smart', calls: 2, cost_usd: 0.098 },
      ]),
    );

    const text = await cli(['costs', '--db', db]);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/\b1 calls\b/);
    expect(text.stdout).not.toContain('$0.0000');
    expect(text.stdout).toContain('fast\t1 call\tless than $0.0001');
    expect(text.stdout).toContain('smart\t2 calls\t$0.0980');
    expect(text.stdout).toMatch(/total\t\$0\.0981 \(1 call estimated; 1 call of unknown cost not included\)/);
  });
});

describe('a batch whose plain OpenAI-compatible stream broke before its usage', () => {
  const suite = simulatorForSuite({ keys: { 'sk-sim': {} }, seed: 4, reportCost: false, profile: { faults: { truncated_stream: { at: [1] } } } });

  it('reports the estimated call and keeps it in the total', async () => {
    const essays = writeEssays(suite.dir, 1);
    const endpoint = `${suite.sim.baseUrl}/chat/completions`;
    const config = writeConfig(suite.dir, suite.sim.baseUrl, {
      models: { fast: { endpoint, model: 'sim/fast', api: 'openai', api_key_env: 'SIM_KEY', structured_output: true, context_window: 128000, input_cost_per_token: 1e-7, output_cost_per_token: 4e-7 } },
    });
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', join(suite.dir, 'b.db'), '--json']);
    expect(run.stderr).not.toMatch(/INTERNAL_ERROR/);
    const report = JSON.parse(run.stdout) as { total_cost_usd: number | null; estimated_calls: number; unpriced_calls: number; api_calls: number; cost_unpriced?: true };
    expect(report).toMatchObject({ estimated_calls: 1, unpriced_calls: 0, api_calls: 2 });
    expect(report.cost_unpriced).toBeUndefined();
    const billed = suite.sim.ledger().totalUsd;
    // The rest is exact; the broken stream's estimate counts the schema the simulator does not
    // bill, so it errs high here, but it is in the range of what was billed, not left out.
    expect(report.total_cost_usd).toBeGreaterThan(billed * 0.8);
    expect(report.total_cost_usd).toBeLessThan(billed * 2);
    const text = await cli(['history', JSON.parse(run.stdout).batch_id, '--db', join(suite.dir, 'b.db')]);
    expect(text.stdout).toMatch(/2 API calls, cost \$\d\.\d{4} \(1 call estimated\)/);
  });
});
