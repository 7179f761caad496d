import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routes, type RouteInput, type RouteName, type RouteOutput } from '../../../shared/ipc/contract.ts';
import type { RubricData } from '../../../shared/ipc/rubrics.ts';
import { createRouter, type Router } from '../../../electron/ipc/router.ts';
import { rubricVersion } from '../../../electron/grading/rubric/version.ts';
import { createRubricHandlers } from '../../../electron/rubrics/handlers.ts';
import { getSavedRubric } from '../../../electron/rubrics/saved-rubric.ts';
import { closeDatabase, insertBatch, openDatabase, queryOne, sql, upsertRubric, type WritableDB } from '../../../electron/store/index.ts';
import { maxScore } from '../../../electron/grading/rubric/points.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';
import { makeTempDir } from '../../unit/store/helpers.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'rubrics');
const essay = JSON.parse(readFileSync(join(fixtures, 'essay.json'), 'utf8')) as RubricData;

let temp: ReturnType<typeof makeTempDir>;
let db: WritableDB;
let clock: number;
let router: Router;

/** Calls a route the way the renderer does: input validated by the contract, output checked against it. */
async function call<K extends RouteName>(route: K, input: RouteInput<K>) {
  const result = await router.handle(route, input, { url: 'app://gradedesk/', isMainFrame: true });
  if (result.ok) routes[route].output.parse(result.data);
  return result;
}

async function data<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await call(route, input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return routes[route].output.parse(result.data) as RouteOutput<K>;
}

/** A batch graded with `rubricId`'s rubric, stored the way the grading pipeline stores it (by content hash). */
function gradeBatchWith(rubricId: string, batchId: string, at: number): string {
  const rubric = getSavedRubric(db, rubricId);
  if (!rubric) throw new Error('no rubric');
  const hash = rubricVersion(rubric);
  const storedId = upsertRubric(db, { id: `r_${hash.slice(7, 23)}`, title: rubric.title, json: JSON.stringify(rubric), hash, maxPoints: maxScore(rubric), now: at });
  insertBatch(db, { id: batchId, rubricId: storedId, configJson: '{}', budgetUsd: null, estimateUsd: null, source: 'app', now: at });
  return storedId;
}

beforeEach(() => {
  temp = makeTempDir();
  db = openDatabase(join(temp.dir, 'gradedesk.db'));
  clock = Date.UTC(2025, 8, 1);
  const rubrics = createRubricHandlers({ db, now: () => (clock += 1000) });
  router = createRouter(makeHandlers(rubrics.handlers), { isTrustedSender: () => true });
});

afterEach(() => {
  closeDatabase(db);
  temp.cleanup();
});

describe('the rubric library', () => {
  it('saves, lists, gets and hides a rubric', async () => {
    expect(await data('listRubrics', {})).toEqual([]);
    const saved = await data('saveRubric', { rubric: essay, replaces: null });
    expect(saved).toMatchObject({ title: essay.title, criteria: 2, maxPoints: 8, version: 1, lastUsedAt: null, inLibrary: true });

    const listed = await data('listRubrics', {});
    expect(listed.map((r) => r.id)).toEqual([saved.id]);
    const got = await data('getRubric', { id: saved.id });
    expect(got.rubric).toEqual(essay);
    expect(getSavedRubric(db, saved.id)).toEqual(essay);

    await data('deleteRubric', { id: saved.id });
    expect(await data('listRubrics', {})).toEqual([]);
    // hidden, not gone: a batch that chose it can still grade with it
    expect(getSavedRubric(db, saved.id)).toEqual(essay);
    expect((await data('getRubric', { id: saved.id })).summary.inLibrary).toBe(false);
  });

  it('lists the rubric used or edited most recently first, with when a batch last used it', async () => {
    const first = await data('saveRubric', { rubric: essay, replaces: null });
    const second = await data('saveRubric', { rubric: { ...essay, title: 'Second' }, replaces: null });
    expect((await data('listRubrics', {})).map((r) => r.title)).toEqual(['Second', essay.title]);

    const usedAt = clock + 60_000;
    gradeBatchWith(first.id, 'b_1', usedAt);
    const listed = await data('listRubrics', {});
    expect(listed.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(listed[0]?.lastUsedAt).toBe(new Date(usedAt).toISOString());
  });

  it('saves an edit as a new version; the batch graded before keeps the rubric as it was', async () => {
    const v1 = await data('saveRubric', { rubric: essay, replaces: null });
    const storedForBatch = gradeBatchWith(v1.id, 'b_before', clock + 1);

    const edited: RubricData = structuredClone(essay);
    edited.criteria[0]!.levels[0] = { points: 5, label: 'Excellent', description: 'Clear, specific, arguable and nuanced.' };
    const v2 = await data('saveRubric', { rubric: edited, replaces: v1.id });
    expect(v2.id).not.toBe(v1.id);
    expect(v2).toMatchObject({ version: 2, maxPoints: 9 });

    // the library shows one entry, at its newest version, still marked as used
    const listed = await data('listRubrics', {});
    expect(listed.map((r) => r.id)).toEqual([v2.id]);
    expect(listed[0]?.lastUsedAt).not.toBeNull();
    expect(getSavedRubric(db, v2.id)).toEqual(edited);

    // the batch still points at the rubric it was graded with
    const batchRubric = queryOne<{ json: string }>(
      db,
      sql`SELECT r.rubric_json AS json FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.id = 'b_before'`,
    );
    expect(JSON.parse(batchRubric?.json ?? 'null')).toEqual(essay);
    expect(getSavedRubric(db, storedForBatch)).toEqual(essay);
    expect(getSavedRubric(db, v1.id)).toEqual(essay);

    // saving without a change adds no version; editing from the old version continues the same entry
    expect((await data('saveRubric', { rubric: edited, replaces: v2.id })).id).toBe(v2.id);
    const v3 = await data('saveRubric', { rubric: { ...essay, title: 'Renamed' }, replaces: v1.id });
    expect(v3.version).toBe(3);
    expect((await data('listRubrics', {})).map((r) => r.id)).toEqual([v3.id]);
  });

  it('refuses a rubric with a mistake, naming the criterion and level in words a teacher counts in', async () => {
    const broken: RubricData = structuredClone(essay);
    broken.criteria[1]!.levels[2]!.points = 2;
    const result = await call('saveRubric', { rubric: broken, replaces: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('RUBRIC_INVALID');
    expect(result.error.message).toContain('criterion 2 ("Use of evidence"), level 3, points');
    expect(result.error.message).toContain('two levels are worth 2 points');
    expect(await data('listRubrics', {})).toEqual([]);
  });

  it('answers RUBRIC_NOT_FOUND for an id it never gave', async () => {
    for (const route of ['getRubric', 'deleteRubric'] as const) {
      const result = await call(route, { id: 'r_nothing' });
      expect(result.ok ? null : result.error.code).toBe('RUBRIC_NOT_FOUND');
    }
    const save = await call('saveRubric', { rubric: essay, replaces: 'r_nothing' });
    expect(save.ok ? null : save.error.code).toBe('RUBRIC_NOT_FOUND');
    expect(getSavedRubric(db, 'r_nothing')).toBeNull();
  });

  it('keeps a rubric graded from the command line out of the library, and saves its edit as a new entry', async () => {
    const hash = rubricVersion(essay);
    upsertRubric(db, { id: 'r_cli', title: essay.title, json: JSON.stringify(essay), hash, maxPoints: 8, now: clock });
    expect(await data('listRubrics', {})).toEqual([]);
    expect(getSavedRubric(db, 'r_cli')).toEqual(essay);
    const saved = await data('saveRubric', { rubric: essay, replaces: 'r_cli' });
    expect(saved).toMatchObject({ version: 1, inLibrary: true });
    expect(saved.id).not.toBe('r_cli');
  });
});
