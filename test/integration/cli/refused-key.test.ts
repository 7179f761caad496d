import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, jobsOfBatch, openDatabase } from '../../../electron/store/index.ts';
import { cli, RUBRIC, simulatorForSuite, writeConfig, writeEssays } from './helpers.ts';

/**
 * A wrong key or an empty account is a setup error, like a missing key: once every model of the
 * batch is refused, the batch stops at once with the jobs not yet graded still queued, the
 * command exits 2 naming the cause, and `resume` carries on after the fix.
 */

interface Report {
  batch_id: string;
  status: string;
  error?: { code: string; message: string };
  submissions: Array<{ status: string; flags?: string[]; models?: Array<{ model: string; status: string; error?: { code: string } }> }>;
}

const jobStatuses = (dbPath: string, batchId: string): string[] => {
  const db = openDatabase(dbPath);
  try {
    return jobsOfBatch(db, batchId).map((j) => j.status);
  } finally {
    closeDatabase(db);
  }
};

describe('a refused key', () => {
  const suite = simulatorForSuite({ keys: { 'sk-right': {}, 'sk-empty': { credits_usd: 0 } } });

  it('stops the batch at once with exit 2 and the jobs queued; resume with the right key completes it', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'wrong'), 8);
    const config = writeConfig(dir, sim.baseUrl);
    const db = join(dir, 'wrong.db');
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', db, '--json'], { SIM_KEY: 'sk-wrong' });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.status).toBe('stopped');
    expect(report.error?.code).toBe('INVALID_API_KEY');
    expect(report.error?.message).toMatch(/SIM_KEY/);
    expect(report.error?.message).toMatch(/fast/);
    expect(report.error?.message).toMatch(/smart/);
    expect(run.stderr).toMatch(/INVALID_API_KEY/);
    expect(report.submissions.map((s) => s.status)).toEqual(Array.from({ length: 8 }, () => 'pending'));
    expect(jobStatuses(db, report.batch_id)).toEqual(Array.from({ length: 8 }, () => 'queued'));
    // One refusal per model, not one per submission.
    expect(sim.requests().length).toBeLessThanOrEqual(2);

    const resumed = await cli(['resume', '--db', db, '--json'], { SIM_KEY: 'sk-right' });
    const after = JSON.parse(resumed.stdout) as Report;
    expect(resumed.code).toBe(0);
    expect(after.status).toBe('completed');
    expect(after.error).toBeUndefined();
    expect(after.submissions.map((s) => s.status)).toEqual(Array.from({ length: 8 }, () => 'graded'));
  });

  it('in compare mode, grades with the model whose key works, flags the refused one, and resume grades with it after the fix', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'one-wrong'), 3);
    const endpoint = `${sim.baseUrl}/chat/completions`;
    const config = writeConfig(dir, sim.baseUrl, {
      models: {
        fast: { endpoint, model: 'sim/fast', api: 'openrouter', api_key_env: 'FAST_KEY', structured_output: true, input_cost_per_token: 1e-7, output_cost_per_token: 4e-7 },
        smart: { endpoint, model: 'sim/smart', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
      },
    });
    const db = join(dir, 'one-wrong.db');
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', db, '--compare', '--json'], { SIM_KEY: 'sk-right', FAST_KEY: 'sk-wrong' });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.submissions.map((s) => s.status)).toEqual(['graded', 'graded', 'graded']);
    for (const s of report.submissions) {
      expect(s.models?.map((m) => `${m.model}:${m.status}:${m.error?.code ?? ''}`).sort()).toEqual(['fast:failed:INVALID_API_KEY', 'smart:graded:']);
      expect(s.flags).toContain('model_failed:fast:INVALID_API_KEY');
    }

    const resumed = await cli(['resume', report.batch_id, '--db', db, '--json'], { SIM_KEY: 'sk-right', FAST_KEY: 'sk-right' });
    const after = JSON.parse(resumed.stdout) as Report;
    expect(resumed.code).toBe(0);
    for (const s of after.submissions) expect(s.models?.map((m) => `${m.model}:${m.status}`).sort()).toEqual(['fast:graded', 'smart:graded']);
  });

  it('an account out of credits stops the batch the same way, with OUT_OF_CREDITS', async () => {
    const { sim, dir } = suite;
    const folder = writeEssays(join(dir, 'broke'), 4);
    const config = writeConfig(dir, sim.baseUrl);
    const db = join(dir, 'broke.db');
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', db, '--compare', '--json'], { SIM_KEY: 'sk-empty' });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({ status: 'stopped', error: { code: 'OUT_OF_CREDITS' } });
    expect(report.error?.message).toMatch(/SIM_KEY/);
    expect(report.submissions.every((s) => s.status === 'pending')).toBe(true);
    expect(jobStatuses(db, report.batch_id).every((s) => s === 'queued')).toBe(true);
  });
});
