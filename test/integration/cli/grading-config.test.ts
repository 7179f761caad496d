/**
 * The config's `grading` section reaches the prompt (grade and resume), photos count in the
 * pre-batch estimate, and of two identical files the original is graded.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimateBatchCost } from '../../../electron/grading/estimate/index.ts';
import { loadRubricFile } from '../../../electron/grading/rubric/index.ts';
import { FEEDBACK_LANGUAGES, STRICTNESS_RULES, TONE_RULES } from '../../../electron/grading/prompt/settings.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { cli, RUBRIC, tempDir, writeConfig, writeEssays } from './helpers.ts';

interface Report {
  batch_id: string;
  status: string;
  submissions: Array<{ file: string; status: string; duplicate_of?: string; error?: { code: string } }>;
}

/** The system message of every request the simulator received. */
function systemPrompts(sim: SimulatorHandle): string[] {
  return sim.requests().map((r) => {
    const messages = (r.body as { messages?: Array<{ role: string; content: unknown }> } | null)?.messages ?? [];
    const system = messages.find((m) => m.role === 'system')?.content;
    if (typeof system === 'string') return system;
    if (Array.isArray(system)) return system.map((p: { text?: string }) => p.text ?? '').join('');
    return '';
  });
}

const STRICT_ZH = { strictness: 'strict', feedback_language: 'zh-CN', tone: 'direct', grade_level: 'Grade 10' };

describe('gradedesk and the config grading section', () => {
  let sim: SimulatorHandle;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
  });
  beforeEach(() => sim.reset());
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('grade sends the rules of the configured settings, and without a section the defaults', async () => {
    const essays = writeEssays(join(dir, 'a'), 2);
    const config = writeConfig(join(dir, 'a'), sim.baseUrl, { grading: STRICT_ZH });
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'a.db'), '--model', 'fast', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const prompts = systemPrompts(sim);
    expect(prompts).toHaveLength(2);
    for (const system of prompts) {
      expect(system).toContain(STRICTNESS_RULES.strict);
      expect(system).toContain(FEEDBACK_LANGUAGES['zh-CN']);
      expect(system).toContain(TONE_RULES.direct);
      expect(system).toContain('Level of the students: Grade 10.');
      expect(system).not.toContain(STRICTNESS_RULES.standard);
    }

    sim.reset();
    const plain = writeConfig(join(dir, 'a'), sim.baseUrl);
    expect((await cli(['grade', essays, '--rubric', RUBRIC, '--config', plain, '--db', join(dir, 'a.db'), '--model', 'fast', '--json'])).code).toBe(0);
    for (const system of systemPrompts(sim)) {
      expect(system).toContain(STRICTNESS_RULES.standard);
      expect(system).toContain(FEEDBACK_LANGUAGES.en);
      expect(system).not.toContain('Level of the students');
    }
  });

  it('a wrong grading value is a config error naming the field: exit 2, nothing sent', async () => {
    const essays = writeEssays(join(dir, 'b'), 1);
    const config = writeConfig(join(dir, 'b'), sim.baseUrl, { grading: { strictness: 'harsh' } });
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'b.db')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CONFIG_INVALID');
    expect(run.stderr).toContain('"grading.strictness"');
    expect(sim.requests()).toHaveLength(0);
  });

  it('resume grades with the settings stored with the batch, even under another --config', async () => {
    const essays = writeEssays(join(dir, 'c'), 2);
    const strict = writeConfig(join(dir, 'c'), sim.baseUrl, { grading: STRICT_ZH });
    const db = join(dir, 'c.db');
    // Stopped by the estimate before anything is sent: the batch waits, resumable.
    const stopped = await cli(['grade', essays, '--rubric', RUBRIC, '--config', strict, '--db', db, '--model', 'fast', '--budget', '0.000001', '--json']);
    expect(stopped.code).toBe(3);
    const batchId = (JSON.parse(stopped.stdout) as Report).batch_id;
    expect(sim.requests()).toHaveLength(0);

    const otherDir = join(dir, 'c', 'other');
    mkdirSync(otherDir, { recursive: true });
    const lenient = writeConfig(otherDir, sim.baseUrl, { grading: { strictness: 'lenient', feedback_language: 'fr' } });
    const resumed = await cli(['resume', batchId, '--config', lenient, '--db', db, '--budget', '10', '--json']);
    expect(resumed.code).toBe(0);
    const prompts = systemPrompts(sim);
    expect(prompts).toHaveLength(2);
    for (const system of prompts) {
      expect(system).toContain(STRICTNESS_RULES.strict);
      expect(system).toContain(FEEDBACK_LANGUAGES['zh-CN']);
      expect(system).not.toContain(STRICTNESS_RULES.lenient);
      expect(system).not.toContain(FEEDBACK_LANGUAGES.fr);
    }
  });

  it('photos count in the estimate: a batch of photos is refused over a budget its text alone fits (exit 3, nothing sent)', async () => {
    const photos = join(dir, 'd', 'photos');
    mkdirSync(photos, { recursive: true });
    const n = 6;
    for (let i = 0; i < n; i++) {
      // distinct pixels, so none is a duplicate of another
      const jpeg = await sharp({ create: { width: 1200, height: 1600, channels: 3, background: { r: 200 + i * 5, g: 230, b: 220 - i * 7 } } })
        .jpeg()
        .toBuffer();
      writeFileSync(join(photos, `Student ${i + 1} - page.jpg`), jpeg);
    }
    const rubric = await loadRubricFile(RUBRIC);
    if (!rubric.ok) throw new Error(rubric.error.message);
    // `smart` of writeConfig; its slug sim/smart is priced with the OpenAI image rule.
    const smart = [{ id: 'smart', prices: { input: 3e-6, output: 1.5e-5 } }];
    const estimate = (imageCount: number) =>
      estimateBatchCost({
        submissions: Array.from({ length: n }, () => ({ text: '', imageCount, imageSizes: imageCount ? [{ width: 1200, height: 1600 }] : [] })),
        rubric: rubric.data,
        models: smart,
      }).perModel[0]!.costUsd!;
    const textOnly = estimate(0);
    const withPhotos = estimate(1);
    // 765 tokens a page (OpenAI tile rule), plus the sentence announcing the pages
    expect(withPhotos - textOnly).toBeGreaterThanOrEqual(n * 765 * 3e-6);
    const budget = (textOnly + withPhotos) / 2;

    const config = writeConfig(join(dir, 'd'), sim.baseUrl);
    const run = await cli(['grade', photos, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'd.db'), '--model', 'smart', '--budget', String(budget), '--json']);
    expect(run.stderr).toContain(`The estimated cost $${withPhotos.toFixed(4)} is over the budget`);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.status).toBe('budget_stopped');
    expect(report.submissions).toHaveLength(n);
    expect(report.submissions.every((s) => s.error?.code === 'BUDGET_EXCEEDED')).toBe(true);
    expect(sim.requests()).toHaveLength(0);
  });

  it('of two identical files the original is graded and the copy is its duplicate', async () => {
    const folder = join(dir, 'e', 'essays');
    mkdirSync(folder, { recursive: true });
    const text = 'Homework should be optional. First, rest matters. Second, choice builds responsibility. In conclusion, let students choose.';
    writeFileSync(join(folder, 'essay (copy).txt'), text);
    writeFileSync(join(folder, 'essay.txt'), text);
    const config = writeConfig(join(dir, 'e'), sim.baseUrl);
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'e.db'), '--model', 'fast', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const byFile = new Map(report.submissions.map((s) => [s.file.slice(folder.length + sep.length), s]));
    expect(byFile.get('essay.txt')?.status).toBe('graded');
    expect(byFile.get('essay (copy).txt')).toMatchObject({ status: 'duplicate', duplicate_of: join(folder, 'essay.txt') });
    expect(sim.requests()).toHaveLength(1);
  });
});
