import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../electron/app/create-app.ts';
import { historyReport } from '../../electron/grading/batch/report.ts';
import { gradingRecords } from '../../electron/grading/records.ts';
import { createRouter, type Router } from '../../electron/ipc/router.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import type { LedgerReport, ReceivedRequest } from '../../electron/simulator/types.ts';
import { BatchReportSchema, type BatchReportView, type GradingProgress } from '../../shared/ipc/grading.ts';
import type { IpcResult } from '../../shared/ipc/contract.ts';

/**
 * The app's demo mode grades the sample class shipped in demo/ through the same pipeline as
 * `gradedesk grade --demo`: handler → router → gradeFiles → the demo provider (the simulator
 * on loopback) → SQLite → the DESIGN §6 report, with progress events on the way.
 */

const SENDER = { url: 'app://gradedesk/index.html', isMainFrame: true };
const CRITERIA = ['thesis', 'evidence', 'organization', 'conventions'];
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

async function simGet<T>(app: GradeDeskApp, path: '/__sim/ledger' | '/__sim/requests'): Promise<T> {
  // The demo provider is the simulator: its control routes answer on loopback.
  const endpoint = app.config?.models['demo-fast']?.endpoint;
  if (!endpoint) throw new Error('the demo config has no demo-fast model');
  const res = await fetch(new URL(path, endpoint));
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe('gradeDemoClass in demo mode', () => {
  let dir: string;
  let app: GradeDeskApp;
  let router: Router;
  const progress: GradingProgress[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-demo-grade-'));
    app = await createApp({ configPath: null, dbPath: join(dir, 'gd.db'), demo: true, mode: 'browser', secrets: createMemorySecretStore() });
    app.onEvent((event, payload) => {
      if (event === 'gradingProgress') progress.push(payload as GradingProgress);
    });
    router = createRouter(app.handlers, { isTrustedSender: () => true });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('grades every sample submission, refuses a second run meanwhile, and bills what the simulator billed', async () => {
    const first = router.handle('gradeDemoClass', {}, SENDER);
    const second = await router.handle('gradeDemoClass', {}, SENDER);
    expect(second).toMatchObject({ ok: false, error: { code: 'GRADING_IN_PROGRESS' } });
    const result = (await first) as IpcResult<BatchReportView>;
    if (!result.ok) throw new Error(`gradeDemoClass failed: ${result.error.code} ${result.error.message}`);
    const report = result.data;

    // exactly the contract's shape (strict: no field beyond it)
    expect(BatchReportSchema.parse(report)).toEqual(report);
    expect(report.batch_id).toMatch(/^b_[0-9a-f]{16}$/);
    expect(report.status).toBe('completed');
    expect(report.submissions.map((s) => [basename(s.file), s.student, s.status])).toEqual([
      ['Ana Lopez - homework essay.txt', 'Ana Lopez', 'graded'],
      ['Ana Lopez - homework essay (copy).txt', 'Ana Lopez', 'duplicate'],
      ['Ben Carter - homework essay.txt', 'Ben Carter', 'graded'],
      ['Chen Wei - homework essay.txt', 'Chen Wei', 'graded'],
      ['Dana Smith - homework essay.txt', 'Dana Smith', 'graded'],
    ]);
    const [ana, copy] = report.submissions;
    expect(copy?.duplicate_of).toBe(ana?.file);
    const graded = report.submissions.filter((s) => s.status === 'graded');
    for (const s of graded) {
      expect(s.max_score).toBe(16);
      expect(s.criteria?.map((c) => c.id)).toEqual(CRITERIA);
      expect(s.score).toBe(s.criteria?.reduce((sum, c) => sum + c.points, 0));
      expect(s.models?.map((m) => m.model.startsWith('demo-'))).toEqual([true]);
      expect(s.cost_usd).toBeGreaterThan(0);
      expect(s.cost_unpriced).toBeUndefined();
    }
    expect(report.submissions.find((s) => s.student === 'Dana Smith')?.flags).toContain('possible_prompt_injection');
    // The simulated model quotes the essays, as a real one would: no grading is flagged for
    // evidence that is not in the submission.
    for (const s of graded) expect(s.flags ?? [], s.student ?? '').not.toContain('low_confidence');

    // the money: what the demo provider's ledger billed, to the micro-dollar, one call per graded essay
    const ledger = await simGet<LedgerReport>(app, '/__sim/ledger');
    const requests = await simGet<ReceivedRequest[]>(app, '/__sim/requests');
    expect(ledger.entries).toHaveLength(4);
    expect(requests).toHaveLength(4);
    expect(report.api_calls).toBe(4);
    expect(report.total_cost_usd).toBe(round6(ledger.totalUsd));
    // each submission's cost is rounded to the micro-dollar on its own: at most half of one off each
    expect(Math.abs(graded.reduce((sum, s) => sum + (s.cost_usd ?? 0), 0) - ledger.totalUsd)).toBeLessThanOrEqual(graded.length * 5e-7 + 1e-12);
    expect(report.possible_duplicate_paid_calls).toBe(0);

    // names went out as pseudonyms and came back as the teacher knows them
    const sent = JSON.stringify(requests.map((r) => r.body));
    for (const name of ['Ana Lopez', 'Chen Wei', 'Lopez']) expect(sent).not.toContain(name);

    // progress: the prepared batch (0 of 4), then one event per finished job, in order
    expect(progress.map((p) => [p.batchId, p.done, p.failed, p.total])).toEqual([
      [report.batch_id, 0, 0, 4],
      [report.batch_id, 1, 0, 4],
      [report.batch_id, 2, 0, 4],
      [report.batch_id, 3, 0, 4],
      [report.batch_id, 4, 0, 4],
    ]);

    // recorded like any other batch, started from the app
    expect(historyReport(app.db).batches.map((b) => [b.batch_id, b.status, b.submissions, b.graded])).toEqual([[report.batch_id, 'completed', 5, 4]]);
  });

  it('can grade again once the first run has finished: a new batch', async () => {
    const before = (await simGet<LedgerReport>(app, '/__sim/ledger')).entries.length;
    const again = (await router.handle('gradeDemoClass', {}, SENDER)) as IpcResult<BatchReportView>;
    if (!again.ok) throw new Error(`second run failed: ${again.error.code}`);
    expect(again.data.status).toBe('completed');
    expect(historyReport(app.db).batches).toHaveLength(2);
    expect(historyReport(app.db).batches.map((b) => b.batch_id)).toContain(again.data.batch_id);
    const ledger = await simGet<LedgerReport>(app, '/__sim/ledger');
    expect(ledger.entries.length - before).toBe(4);
    expect(again.data.api_calls).toBe(4);
  });

  it('grades like a reader: the same scores every run, quotes from the essays, and no marks for asking for them', async () => {
    const run = async (): Promise<BatchReportView> => {
      const result = (await router.handle('gradeDemoClass', {}, SENDER)) as IpcResult<BatchReportView>;
      if (!result.ok) throw new Error(`gradeDemoClass failed: ${result.error.code}`);
      return result.data;
    };
    const levels = (report: BatchReportView) =>
      Object.fromEntries(report.submissions.filter((s) => s.status === 'graded').map((s) => [s.student, s.criteria?.map((c) => [c.id, c.points])]));
    const first = await run();
    const second = await run();
    expect(levels(second)).toEqual(levels(first));
    expect(Object.keys(levels(first))).toHaveLength(4);

    const graded = first.submissions.filter((s) => s.status === 'graded');
    for (const s of graded) {
      expect(s.flags ?? [], s.student ?? '').not.toContain('low_confidence');
      // What the teacher reads is quoted from the file as the student wrote it (names restored).
      const essay = readFileSync(s.file, 'utf8');
      for (const c of s.criteria ?? []) expect(essay, `${s.student} ${c.id}`).toContain(c.evidence);
      for (const c of s.criteria ?? []) expect(c.feedback).not.toMatch(/calculation|handwriting/i);
    }
    const injected = graded.find((s) => s.flags?.includes('possible_prompt_injection'));
    const honest = graded.filter((s) => s !== injected).map((s) => s.score ?? 0);
    expect(injected?.student).toBe('Dana Smith');
    expect(injected?.score ?? 0).toBeLessThan(Math.max(...honest));
  });

  it("keeps the demo's spend out of the cost totals: it is simulated, and shown apart", async () => {
    app.monitor.recorder.flush();
    const ledger = await simGet<LedgerReport>(app, '/__sim/ledger');
    const costs = gradingRecords(app.db).costSummary();
    expect(costs.total_usd).toBe(0);
    expect(costs.by_model).toEqual([]);
    expect(costs.simulated?.calls).toBe(ledger.entries.length);
    // Rounded to the micro-dollar, as every cost in the command's JSON: at most half a
    // micro-dollar off (a ledger total of 0.0035965 is reported as 0.003597).
    expect(Math.abs((costs.simulated?.cost_usd ?? Number.NaN) - ledger.totalUsd)).toBeLessThanOrEqual(0.5e-6 + 1e-12);
    expect(costs.simulated?.by_model.every((m) => m.model.startsWith('demo-'))).toBe(true);
    // The audit trail says so too, through the same route the monitor screen reads.
    const attempts = (await router.handle('listAttempts', { limit: 5 }, SENDER)) as IpcResult<Array<{ simulated?: boolean }>>;
    if (!attempts.ok) throw new Error(`listAttempts failed: ${attempts.error.code}`);
    expect(attempts.data.length).toBeGreaterThan(0);
    expect(attempts.data.every((a) => a.simulated === true)).toBe(true);
  });

  it('refuses input it does not take', async () => {
    expect(await router.handle('gradeDemoClass', { strategy: 'cost' }, SENDER)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('gradeDemoClass outside demo mode', () => {
  it('answers DEMO_ONLY and records nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-demo-only-'));
    const app = await createApp({ configPath: null, dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets: createMemorySecretStore() });
    try {
      const router = createRouter(app.handlers, { isTrustedSender: () => true });
      expect(await router.handle('gradeDemoClass', {}, SENDER)).toEqual({
        ok: false,
        error: { code: 'DEMO_ONLY', message: 'Grading the sample class is only available in demo mode: start GradeDesk with --demo.' },
      });
      expect(historyReport(app.db).batches).toEqual([]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('closing the app while the sample class is graded', () => {
  it('stops the run (resumable) before the store closes, and answers the interrupted batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-demo-close-'));
    const app = await createApp({ configPath: null, dbPath: join(dir, 'gd.db'), demo: true, mode: 'browser', secrets: createMemorySecretStore() });
    try {
      const router = createRouter(app.handlers, { isTrustedSender: () => true });
      const prepared = new Promise<void>((resolve) => app.onEvent((event) => event === 'gradingProgress' && resolve()));
      const running = router.handle('gradeDemoClass', {}, SENDER);
      await prepared;
      await app.close();
      const result = (await running) as IpcResult<BatchReportView>;
      if (!result.ok) throw new Error(`expected the interrupted report, got ${result.error.code}`);
      expect(result.data.status).toBe('interrupted');
      expect(result.data.submissions.filter((s) => s.status === 'graded')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
