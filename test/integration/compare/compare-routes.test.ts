import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { qualityByModel } from '../../../electron/compare/agreement-data.ts';
import { createRouter, type Router } from '../../../electron/ipc/router.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { IpcResult, RouteName, RouteOutput } from '../../../shared/ipc/contract.ts';
import { tempDir } from '../cli/helpers.ts';
import { gradeCompareBatch, modelPoints, setModelPoints, submissionIds, writeCompareConfig, writeFinals } from './helpers.ts';
import { join } from 'node:path';

const SENDER = { url: 'app://gradedesk/index.html', isMainFrame: true };
const CRITERIA = ['thesis', 'evidence', 'organization', 'conventions'];

describe('compare routes on a real compare-mode batch', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let app: GradeDeskApp;
  let router: Router;
  let batchId: string;
  let ids: number[];

  async function call<K extends RouteName>(route: K, input: unknown): Promise<RouteOutput<K>> {
    const result = (await router.handle(route, input, SENDER)) as IpcResult<RouteOutput<K>>;
    if (!result.ok) throw new Error(`${route}: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    dir = tempDir();
    app = await createApp({
      configPath: writeCompareConfig(dir, sim.baseUrl),
      dbPath: join(dir, 'gd.db'),
      demo: false,
      mode: 'browser',
      secrets: createMemorySecretStore({ SIM_KEY: 'sk-sim' }),
    });
    router = createRouter(app.handlers, { isTrustedSender: () => true });
    batchId = await gradeCompareBatch(app, dir, 6);
    ids = submissionIds(app, batchId);
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every submission with both models, points per criterion, and each model’s totals', async () => {
    const matrix = await call('getCompareMatrix', { batchId });
    expect(matrix.totalRows).toBe(6);
    expect(matrix.rows).toHaveLength(6);
    expect(matrix.criteria.map((c) => c.id)).toEqual(CRITERIA);
    expect(matrix.criteria[0]?.levels.map((l) => l.points)).toEqual([0, 2, 4]);
    expect(matrix.models.map((m) => m.modelId).sort()).toEqual(['fast', 'smart']);
    expect(matrix.models.map((m) => m.alias)).toEqual(['A', 'B']);
    for (const row of matrix.rows) {
      expect(row.cells.map((c) => c.modelId)).toEqual(matrix.models.map((m) => m.modelId));
      for (const cell of row.cells) {
        expect(cell.status).toBe('graded');
        expect(cell.criteria.map((c) => c.criterionId)).toEqual(CRITERIA);
        expect(cell.criteria.map((c) => c.points)).toEqual(CRITERIA.map((id) => modelPoints(app, row.submissionId, cell.modelId)[id]));
        expect(cell.score).toBe(cell.criteria.reduce((s, c) => s + c.points, 0));
        expect(cell.promptTokens).toBeGreaterThan(0);
        expect(cell.completionTokens).toBeGreaterThan(0);
        expect(cell.costUsd).toBeGreaterThan(0);
        expect(cell.overallFeedback.length).toBeGreaterThan(0);
        expect(cell.criteria[0]?.feedback.length).toBeGreaterThan(0);
      }
      expect(row.reviewed).toBe(false);
    }
    // Totals per column: the calls the simulator billed, and the tokens of the cells.
    const ledger = sim.ledger();
    for (const model of matrix.models) {
      const slug = model.modelId === 'fast' ? 'sim/fast' : 'sim/smart';
      expect(model.calls).toBe(ledger.byModel[slug]?.calls);
      expect(model.costUsd).toBeCloseTo(ledger.byModel[slug]?.usd ?? -1, 9);
      const cells = matrix.rows.map((r) => r.cells.find((c) => c.modelId === model.modelId));
      expect(model.promptTokens).toBe(cells.reduce((s, c) => s + (c?.promptTokens ?? 0), 0));
      expect(model.completionTokens).toBe(cells.reduce((s, c) => s + (c?.completionTokens ?? 0), 0));
      expect(model.meanLatencyMs).toBeCloseTo(cells.reduce((s, c) => s + (c?.latencyMs ?? 0), 0) / 6, 6);
      expect(model.graded).toBe(6);
    }
    // Paged: the second page starts where the first ended.
    const page = await call('getCompareMatrix', { batchId, offset: 4, limit: 4 });
    expect(page.rows.map((r) => r.submissionId)).toEqual(matrix.rows.slice(4).map((r) => r.submissionId));
    expect(page.offset).toBe(4);
  });

  it('keeps only the submissions where the models chose different levels', async () => {
    const before = await call('getCompareMatrix', { batchId, disagreementsOnly: true });
    expect(before.matchingRows).toBe(0);
    const target = ids[2] as number;
    const given = modelPoints(app, target, 'smart').thesis;
    setModelPoints(app, target, 'smart', 'thesis', given === 4 ? 2 : 4);
    const after = await call('getCompareMatrix', { batchId, disagreementsOnly: true });
    expect(after.totalRows).toBe(6);
    expect(after.matchingRows).toBe(1);
    expect(after.rows.map((r) => [r.submissionId, r.disagreements])).toEqual([[target, ['thesis']]]);
    setModelPoints(app, target, 'smart', 'thesis', given ?? 0);
  });

  it('counts the papers and decisions agreement rests on, and feeds routing once enough are reviewed', async () => {
    const none = await call('getAgreement', { batchId });
    expect(none).toMatchObject({ reviewedPapers: 0, models: [] });

    // The teacher agrees with "fast" everywhere; "smart" is made to differ on thesis throughout,
    // and one final is off the rubric's levels (3 points): skipped from kappa, counted.
    const lowered = modelPoints(app, ids[0] as number, 'fast').thesis !== 0;
    for (const id of ids) setModelPoints(app, id, 'smart', 'thesis', lowered ? 0 : 4);
    for (const id of ids.slice(0, 3)) writeFinals(app, id, modelPoints(app, id, 'fast'));
    writeFinals(app, ids[0] as number, { thesis: 3 });

    const some = await call('getAgreement', { batchId });
    expect(some.reviewedPapers).toBe(3);
    const fast = some.models.find((m) => m.modelId === 'fast');
    const smart = some.models.find((m) => m.modelId === 'smart');
    expect(fast).toMatchObject({ papers: 3, decisions: 11, offLevel: 1, exact: 1, withinOne: 1 });
    expect(smart).toMatchObject({ papers: 3, decisions: 11, offLevel: 1 });
    expect(smart?.exact).toBeLessThan(1);
    const thesisBias = smart?.bias.find((b) => b.criterionId === 'thesis')?.meanDifference ?? 0;
    expect(lowered ? thesisBias < 0 : thesisBias > 0).toBe(true);
    expect(smart?.bias.find((b) => b.criterionId === 'evidence')?.meanDifference).toBe(0);
    expect(smart?.confusion.find((c) => c.criterionId === 'thesis')?.levels.map((l) => l.label)).toEqual(['Missing', 'Developing', 'Excellent']);
    // Too few papers for routing yet.
    expect(fast?.quality).toBeNull();
    expect(qualityByModel(app.db).size).toBe(0);

    const matrix = await call('getCompareMatrix', { batchId });
    expect(matrix.rows.filter((r) => r.reviewed).map((r) => r.submissionId)).toEqual(ids.slice(0, 3));
    expect(matrix.calibration).toEqual({ waiting: 0, graded: 6, reviewed: 3 });

    for (const id of ids.slice(3)) writeFinals(app, id, modelPoints(app, id, 'fast'));
    const all = await call('getAgreement', { batchId: null });
    expect(all.reviewedPapers).toBe(6);
    const quality = qualityByModel(app.db);
    expect(quality.get('fast')).toBe(1);
    expect(quality.get('smart') ?? 1).toBeLessThan(1);
    expect(all.models.find((m) => m.modelId === 'fast')?.quality).toBe(1);
    // Only the models asked for.
    expect((await call('getAgreement', { batchId, modelIds: ['smart'] })).models.map((m) => m.modelId)).toEqual(['smart']);
  });

  it('says when the batch does not exist', async () => {
    const result = await router.handle('getCompareMatrix', { batchId: 'b_missing' }, SENDER);
    expect(result).toMatchObject({ ok: false, error: { code: 'BATCH_NOT_FOUND' } });
    const agreement = await router.handle('getAgreement', { batchId: 'b_missing' }, SENDER);
    expect(agreement).toMatchObject({ ok: false, error: { code: 'BATCH_NOT_FOUND' } });
  });
});
