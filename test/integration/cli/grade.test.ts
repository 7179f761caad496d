import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSimulator, type RemoteSimulatorHandle } from '../../../electron/simulator/index.ts';
import { cli, RUBRIC, tempDir, writeConfig, writeEssays } from './helpers.ts';

interface Report {
  batch_id: string;
  status: string;
  submissions: Array<{ file: string; status: string; score?: number; max_score?: number; error?: { code: string }; criteria?: Array<{ points: number; max_points: number }> }>;
  total_cost_usd: number | null;
  api_calls: number;
  possible_duplicate_paid_calls: number;
}

describe('gradedesk grade: 50 submissions against the simulator in its own process, faults on', () => {
  let sim: RemoteSimulatorHandle;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    sim = await spawnSimulator({
      keys: { 'sk-sim': {} },
      seed: 9,
      profile: {
        latencyMs: { min: 5, max: 40 },
        stallMs: 800,
        faults: {
          server_error_500: { rate: 0.05 },
          rate_limit_429: { rate: 0.05, retryAfterMs: 100 },
          truncated_stream: { rate: 0.03 },
          schema_invalid: { rate: 0.03 },
          sse_error_event: { rate: 0.03 },
          connection_reset: { rate: 0.02 },
        },
      },
    });
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('grades or fails with a code every submission, and records exactly what the simulator billed', async () => {
    const essays = writeEssays(dir, 50);
    const config = writeConfig(dir, sim.baseUrl);
    const db = join(dir, 'gd.db');
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', db, '--concurrency', '8', '--json']);
    expect(run.stderr).not.toMatch(/INTERNAL_ERROR/);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.submissions).toHaveLength(50);
    for (const s of report.submissions) {
      expect(['graded', 'failed']).toContain(s.status);
      if (s.status === 'failed') expect(s.error?.code).toMatch(/^[A-Z_]+$/);
      if (s.status === 'graded') {
        expect(s.max_score).toBe(16);
        expect(s.score).toBe(s.criteria?.reduce((sum, c) => sum + c.points, 0));
        for (const c of s.criteria ?? []) expect(c.points).toBeLessThanOrEqual(c.max_points);
      }
    }
    expect(report.submissions.filter((s) => s.status === 'graded').length).toBeGreaterThanOrEqual(45);
    expect(run.code).toBe(report.submissions.every((s) => s.status === 'graded') ? 0 : 1);
    const ledger = await sim.ledger();
    expect(report.total_cost_usd).not.toBeNull();
    expect(Math.abs((report.total_cost_usd ?? 0) - ledger.totalUsd)).toBeLessThan(1e-6);
    expect(report.api_calls).toBe((await sim.requests()).length);

    // history and costs read the same database
    const history = JSON.parse((await cli(['history', '--db', db, '--json'])).stdout) as { batches: Array<{ batch_id: string; submissions: number }> };
    expect(history.batches[0]).toMatchObject({ batch_id: report.batch_id, submissions: 50 });
    const again = JSON.parse((await cli(['history', report.batch_id, '--db', db, '--json'])).stdout) as Report;
    expect(again.total_cost_usd).toBe(report.total_cost_usd);
    const costs = JSON.parse((await cli(['costs', '--db', db, '--json'])).stdout) as { total_usd: number };
    // Rounded to the micro-dollar: at most half of one away from the ledger's exact sum.
    expect(Math.abs(costs.total_usd - ledger.totalUsd)).toBeLessThanOrEqual(5e-7 + 1e-12);
    const csv = (await cli(['export', report.batch_id, '--format', 'csv', '--db', db])).stdout;
    expect(csv.startsWith('\uFEFFfile,student,status,score,max_score,thesis,evidence,organization,conventions')).toBe(true);
    expect(csv.trim().split('\n')).toHaveLength(51);
    // Moodle: the teacher's worksheet, its participant ids in its own order, filled by student.
    const students = report.submissions.map((_, i) => `Student ${String(i + 1).padStart(2, '0')}`);
    const worksheet = join(dir, 'worksheet.csv');
    writeFileSync(worksheet, ['Identifier,Full name,Email address,Status,Grade,Maximum Grade,Feedback comments', ...students.map((name, i) => `Participant ${9000 - i},${name},,Submitted,,16.00,`).reverse()].join('\n'));
    const moodle = await cli(['export', report.batch_id, '--format', 'moodle', '--gradebook', worksheet, '--db', db]);
    const graded = new Map(report.submissions.filter((s) => s.status === 'graded').map((s) => [s.file.replace(/^.*[\\/]/, '').replace(' - essay.txt', ''), s.score]));
    expect(moodle.code).toBe(graded.size === 50 ? 0 : 1);
    const filled = new Map((moodle.stdout.replace(/^\uFEFF/, '').trim().split('\n').slice(1)).map((line) => line.split(',')).map((cells) => [cells[0], cells[4]]));
    students.forEach((name, i) => expect(filled.get(`Participant ${9000 - i}`)).toBe(graded.has(name) ? String(graded.get(name)) : ''));
    const noWorksheet = await cli(['export', report.batch_id, '--format', 'moodle', '--db', db]);
    expect(noWorksheet.code).toBe(2);
    expect(noWorksheet.stderr).toMatch(/^GRADEBOOK_REQUIRED: .*Download grading worksheet/);
    const unwritable = await cli(['export', report.batch_id, '--format', 'csv', '--db', db, '--out', join(dir, 'no-such-folder', 'grades.csv')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^INVALID_INPUT: The export could not be written/);
  });

  it('answers usage and config errors with exit 2 before any call', async () => {
    const before = (await sim.requests()).length;
    expect((await cli(['grade', dir])).code).toBe(2);
    expect((await cli(['grade', '--rubric', RUBRIC])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const config = writeConfig(dir, sim.baseUrl);
    const unknownModel = await cli(['grade', dir, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'x.db'), '--model', 'nope']);
    expect(unknownModel.code).toBe(2);
    expect(unknownModel.stderr).toContain('MODEL_NOT_FOUND');
    expect((await cli(['grade', join(dir, 'missing'), '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'x.db')])).stderr).toContain('FILE_NOT_FOUND');
    // No key for any model: a setup error before any file is read, not every submission failed.
    const noKey = await cli(['grade', dir, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'k.db'), '--json'], { SIM_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^MISSING_API_KEY: No API key for fast, smart: set SIM_KEY/);
    expect(JSON.parse((await cli(['history', '--db', join(dir, 'k.db'), '--json'])).stdout)).toMatchObject({ batches: [] });
    expect((await sim.requests()).length).toBe(before);
  });

  it('refuses with exit 3 when the estimate alone passes the budget, sending nothing', async () => {
    const before = (await sim.requests()).length;
    const config = writeConfig(dir, sim.baseUrl);
    const run = await cli(['grade', join(dir, 'essays'), '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'b.db'), '--budget', '0.000001', '--model', 'smart', '--json']);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.status).toBe('budget_stopped');
    expect(report.submissions.every((s) => s.status === 'failed' && s.error?.code === 'BUDGET_EXCEEDED')).toBe(true);
    expect((await sim.requests()).length).toBe(before);
  });
});
