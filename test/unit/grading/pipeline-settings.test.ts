import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import { gradingKit } from '../../../electron/grading/batch/kit.ts';
import { parseStoredPlan, resolveSettings, type BatchPlan } from '../../../electron/grading/batch/plan.ts';
import { prepareBatch } from '../../../electron/grading/batch/prepare.ts';
import { buildSystemPrompt } from '../../../electron/grading/prompt/index.ts';
import { DEFAULT_SETTINGS, FEEDBACK_LANGUAGES, STRICTNESS_RULES } from '../../../electron/grading/prompt/settings.ts';
import { closeDatabase, getBatch, listBatches, openDatabase, submissionsOfBatch, type SubmissionRow, type WritableDB } from '../../../electron/store/index.ts';
import { essayRubric } from './fixtures.ts';

const rubric = essayRubric();
const config = (grading?: Record<string, unknown>) => ({ models: { m: { endpoint: 'http://127.0.0.1:1/v1/chat/completions' } }, ...(grading ? { grading } : {}) });
const planWith = (over: Partial<BatchPlan> = {}): BatchPlan => ({ rubric, roster: null, pool: ['m'], compare: false, settings: {}, pseudonymSecret: 'ab'.repeat(16), config: config(), ...over });

describe('resolveSettings: the config grading section becomes the batch settings', () => {
  it('absent: the defaults, in full', () => {
    expect(resolveSettings(planWith())).toEqual({ ok: true, data: DEFAULT_SETTINGS });
    expect(resolveSettings(planWith({ config: null }))).toEqual({ ok: true, data: DEFAULT_SETTINGS });
  });

  it('maps the snake_case fields onto the prompt settings', () => {
    const r = resolveSettings(planWith({ config: config({ strictness: 'strict', feedback_language: 'zh-CN', tone: 'direct', grade_level: ' Grade 10 ' }) }));
    expect(r).toEqual({ ok: true, data: { strictness: 'strict', language: 'zh-CN', tone: 'direct', gradeLevel: 'Grade 10' } });
  });

  it('settings chosen for the batch override the config', () => {
    const r = resolveSettings(planWith({ config: config({ strictness: 'strict', tone: 'direct' }), settings: { strictness: 'lenient' } }));
    expect(r.ok && r.data).toMatchObject({ strictness: 'lenient', tone: 'direct' });
  });

  it('a wrong value is CONFIG_INVALID naming the field', () => {
    const r = resolveSettings(planWith({ config: config({ tone: 'sarcastic' }) }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONFIG_INVALID');
    expect(r.error.message).toContain('"grading.tone"');
  });
});

describe('prepareBatch stores the settings and what will be sent', () => {
  let dir: string;
  let db: WritableDB;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-plan-'));
    mkdirSync(join(dir, 'work'));
    writeFileSync(join(dir, 'work', 'ana.txt'), 'Homework should be optional. Rest matters. In conclusion, choice helps.');
    const photo = await sharp({ create: { width: 900, height: 1200, channels: 3, background: { r: 240, g: 240, b: 230 } } }).jpeg().toBuffer();
    writeFileSync(join(dir, 'work', 'bruno.jpg'), photo);
    db = openDatabase(':memory:');
  });
  afterAll(async () => {
    closeDatabase(db);
    await closeExtractionWorkers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the resolved settings into the stored plan, and the photo sizes into toSend', async () => {
    const prepared = await prepareBatch(db, { paths: [join(dir, 'work')], plan: planWith({ config: config({ strictness: 'strict', feedback_language: 'zh-CN' }) }), budgetUsd: null, estimateUsd: null, source: 'cli' });
    const expected = { ...DEFAULT_SETTINGS, strictness: 'strict', language: 'zh-CN' };
    expect(prepared.plan.settings).toEqual(expected);
    const batch = getBatch(db, prepared.batchId);
    const stored = parseStoredPlan(batch?.configJson ?? '');
    expect(stored.ok && stored.data.settings).toEqual(expected);

    expect(prepared.toSend).toHaveLength(2);
    const [text, photo] = prepared.toSend;
    expect(text).toMatchObject({ imageCount: 0, imageSizes: [] });
    expect(photo).toMatchObject({ imageCount: 1, imageSizes: [{ width: 900, height: 1200 }] });

    // the kit a resumed run builds from the stored plan sends the configured rules
    const submission = submissionsOfBatch(db, prepared.batchId)[0]!;
    const system = gradingKit(stored.ok ? stored.data : planWith()).buildRequest(submission, []).system;
    expect(system).toContain(STRICTNESS_RULES.strict);
    expect(system).toContain(FEEDBACK_LANGUAGES['zh-CN']);
  });

  it('a folder with more files than a batch takes stops it, instead of grading the first ones only', async () => {
    const before = listBatches(db).length;
    await expect(prepareBatch(db, { paths: [join(dir, 'work')], plan: planWith(), budgetUsd: null, estimateUsd: null, source: 'cli', maxFiles: 1 })).rejects.toMatchObject({
      code: 'TOO_MANY_FILES',
      message: expect.stringContaining('smaller folders'),
    });
    expect(listBatches(db).length).toBe(before);
  });

  it('a wrong grading value stops the batch before anything is stored', async () => {
    const before = listBatches(db).length;
    await expect(prepareBatch(db, { paths: [join(dir, 'work')], plan: planWith({ config: config({ strictness: 'harsh' }) }), budgetUsd: null, estimateUsd: null, source: 'cli' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"grading.strictness"'),
    });
    expect(listBatches(db).length).toBe(before);
  });
});

describe('parseStoredPlan', () => {
  it('loads a plan stored before settings were resolved (none at all) with the defaults', () => {
    const { settings: _dropped, ...old } = planWith();
    const r = parseStoredPlan(JSON.stringify({ plan: old }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.settings).toEqual({});
    const submission: SubmissionRow = { id: 1, batchId: 'b_old', file: 'a.txt', student: null, studentId: null, fileHash: 'h', kind: 'text', text: 'x', status: 'extracted', duplicateOf: null, flags: [], errorCode: null, errorMessage: null };
    const system = gradingKit(r.data).buildRequest(submission, []).system;
    expect(system).toBe(buildSystemPrompt(rubric, DEFAULT_SETTINGS));
  });

  it('reports a broken record as DATABASE_CORRUPT', () => {
    expect(parseStoredPlan('{').ok || 'x').toBe('x');
    const r = parseStoredPlan('{"plan": 3}');
    expect(r.ok ? null : r.error.code).toBe('DATABASE_CORRUPT');
  });
});
