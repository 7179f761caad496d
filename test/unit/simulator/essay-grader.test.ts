import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGradingRequest } from '../../../electron/grading/prompt/request.ts';
import type { FeedbackLanguage } from '../../../electron/grading/prompt/settings.ts';
import { loadRubricFile } from '../../../electron/grading/rubric/index.ts';
import type { Rubric } from '../../../electron/grading/rubric/index.ts';
import { scoreAnswer } from '../../../electron/grading/scoring/index.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';

/**
 * The simulated grader reads the essay between the markers of a real grading request, over
 * HTTP: same text, same levels (whatever the marker and the model), evidence quoted from the
 * essay, levels that follow what is visible in it, and feedback about an essay.
 */

const ESSAYS = join(import.meta.dirname, '../../../demo/essays');
const essays = Object.fromEntries(
  readdirSync(ESSAYS)
    .filter((f) => !f.includes('(copy)'))
    .map((f) => [f.split(' - ')[0] as string, readFileSync(join(ESSAYS, f), 'utf8')]),
);

interface Answer {
  addressed_to_grader: string;
  criteria: Record<string, { evidence: string; feedback: string; level: number }>;
  overall_feedback: string;
  confidence: number;
}

describe('the simulated grader', () => {
  let sim: SimulatorHandle;
  let rubric: Rubric;
  let marker = 0;

  beforeAll(async () => {
    sim = await startSimulator({ keys: null });
    const loaded = await loadRubricFile(join(import.meta.dirname, '../../../demo/rubric.json'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    rubric = loaded.data;
  });
  afterAll(async () => sim?.close());

  /**
   * One grading over the wire; a model without structured output (sim/vision) gets the schema in
   * the prompt, as the client sends it.
   */
  async function grade(text: string, model: 'sim/fast' | 'sim/smart' | 'sim/vision' = 'sim/fast', images: { mime: string; data: Buffer }[] = [], language: FeedbackLanguage = 'en'): Promise<Answer> {
    marker += 1;
    const { request } = buildGradingRequest({ rubric, submissionText: text, images, settings: { language }, markerRandom: () => `m${String(marker).padStart(8, '0')}` });
    const schema = request.schema?.schema;
    const structured = model !== 'sim/vision';
    const body = {
      model,
      messages: [
        { role: 'system', content: structured ? request.system : `${request.system}\n\nAnswer with JSON valid against this schema:\n${JSON.stringify(schema)}` },
        { role: 'user', content: request.parts },
      ],
      ...(structured ? { response_format: { type: 'json_schema', json_schema: { name: 'grading', strict: true, schema } } } : {}),
    };
    const res = await fetch(`${sim.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const content = ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ?? '';
    return JSON.parse(content.replace(/^```json\n|\n```$/g, '')) as Answer;
  }
  const total = (a: Answer): number => Object.values(a.criteria).reduce((sum, c) => sum + c.level, 0);

  it('gives the same essay the same levels on every run and from every model', async () => {
    for (const text of Object.values(essays)) {
      const runs = [await grade(text), await grade(text), await grade(text, 'sim/vision')];
      const levels = runs.map((a) => Object.fromEntries(Object.entries(a.criteria).map(([id, c]) => [id, c.level])));
      expect(levels[1]).toEqual(levels[0]);
      expect(levels[2]).toEqual(levels[0]);
    }
  });

  it('gives a title and no sentences the lowest levels, alike from every model', async () => {
    // A four-word document once fell to the generic filler: random levels, different per model.
    const text = 'Walking on imported air';
    const runs = [await grade(text), await grade(text), await grade(text, 'sim/vision')];
    for (const answer of runs) {
      for (const [id, c] of Object.entries(answer.criteria)) {
        expect(c.level, id).toBe(Math.min(...(rubric.criteria.find((r) => r.id === id)?.levels.map((l) => l.points) ?? [])));
        expect(c.evidence).toBe('');
      }
      const scored = scoreAnswer(rubric, answer, text);
      if (!scored.ok) throw new Error(scored.error.message);
      expect(scored.data.flags).toEqual([]);
    }
  });

  it('quotes sentences of the essay as evidence, so no grading is low_confidence', async () => {
    for (const [student, text] of Object.entries(essays)) {
      const answer = await grade(text);
      for (const c of Object.values(answer.criteria)) expect(text, student).toContain(c.evidence);
      const scored = scoreAnswer(rubric, answer, text);
      if (!scored.ok) throw new Error(scored.error.message);
      expect(scored.data.flags, student).not.toContain('low_confidence');
    }
  });

  it('follows what is visible in the text, and an essay that asks for marks does not outscore the best honest one', async () => {
    const scores = Object.fromEntries(await Promise.all(Object.entries(essays).map(async ([s, t]) => [s, total(await grade(t))] as const)));
    // Ana: claim, reasons with research, four paragraphs, clean; Ben: one unpunctuated paragraph.
    expect(scores['Ana Lopez']).toBe(16);
    expect(scores['Ben Carter']).toBeLessThanOrEqual(6);
    expect(scores['Chen Wei']).toBeGreaterThan(scores['Ben Carter'] as number);
    const honest = Math.max(...['Ana Lopez', 'Ben Carter', 'Chen Wei'].map((s) => scores[s] as number));
    expect(scores['Dana Smith']).toBeLessThan(honest);
    // The injected sentence is never quoted back as evidence; it is quoted as words aimed at the
    // grader, which flags the grading, as the prompt asks of a real model.
    const dana = await grade(essays['Dana Smith'] as string);
    for (const c of Object.values(dana.criteria)) expect(c.evidence).not.toMatch(/full marks/);
    expect(dana.addressed_to_grader).toMatch(/full marks/);
    const scored = scoreAnswer(rubric, dana, essays['Dana Smith'] as string);
    expect(scored.ok && scored.data.flags).toContain('possible_prompt_injection');
    for (const student of ['Ana Lopez', 'Ben Carter', 'Chen Wei']) expect((await grade(essays[student] as string)).addressed_to_grader, student).toBe('');
  });

  it('writes feedback about an essay', async () => {
    for (const text of Object.values(essays)) {
      const answer = await grade(text);
      const all = [answer.overall_feedback, ...Object.values(answer.criteria).map((c) => c.feedback)].join(' ');
      expect(all).not.toMatch(/calculation|handwriting|units|steps/i);
      expect(answer.confidence).toBeGreaterThanOrEqual(0.5);
    }
    // Spelling noise is named where it is.
    const ben = await grade(essays['Ben Carter'] as string);
    expect(ben.criteria.conventions?.level).toBe(0);
    expect(ben.criteria.organization?.feedback).toMatch(/paragraph/i);
  });

  it('grades a photo without pretending to read it: nothing quoted, the same levels for the same pages, never low_confidence', async () => {
    const page = (seed: number): { mime: string; data: Buffer } => ({ mime: 'image/png', data: Buffer.from(`fake page ${seed}`.repeat(50)) });
    const gradePhoto = (seed: number, model: 'sim/smart' | 'sim/vision'): Promise<Answer> => grade('', model, [page(seed)]);
    const levelsOf = (a: Answer): number[] => Object.values(a.criteria).map((c) => c.level);
    const first = await gradePhoto(1, 'sim/smart');
    // Before, the placeholder the prompt puts in place of the text was quoted as the evidence.
    for (const c of Object.values(first.criteria)) expect(c.evidence).toBe('');
    expect(first.overall_feedback).toMatch(/simulated/);
    expect(levelsOf(await gradePhoto(1, 'sim/smart'))).toEqual(levelsOf(first));
    expect(levelsOf(await gradePhoto(1, 'sim/vision'))).toEqual(levelsOf(first));
    const seen = new Set<string>();
    for (let seed = 1; seed <= 8; seed += 1) {
      const answer = await gradePhoto(seed, 'sim/smart');
      seen.add(levelsOf(answer).join(','));
      const scored = scoreAnswer(rubric, answer, '');
      if (!scored.ok) throw new Error(scored.error.message);
      expect(scored.data.flags).toEqual([]);
    }
    // Different pages are not all graded alike.
    expect(seen.size).toBeGreaterThan(1);
  });

  it('writes its feedback in Simplified Chinese when the prompt asks for it, with the same levels and quotes', async () => {
    const text = essays['Chen Wei'] ?? '';
    const english = await grade(text);
    const chinese = await grade(text, 'sim/fast', [], 'zh-CN');
    expect(Object.values(chinese.criteria).map((c) => [c.level, c.evidence])).toEqual(Object.values(english.criteria).map((c) => [c.level, c.evidence]));
    for (const words of [chinese.overall_feedback, ...Object.values(chinese.criteria).map((c) => c.feedback)]) expect(words).toMatch(/\p{Script=Han}{4}/u);
    expect(english.overall_feedback).not.toMatch(/\p{Script=Han}/u);
    // A photo's answer too; a language the simulator does not write gets English.
    const page = { mime: 'image/png', data: Buffer.from('a page'.repeat(40)) };
    expect((await grade('', 'sim/smart', [page], 'zh-CN')).overall_feedback).toMatch(/\p{Script=Han}{4}/u);
    expect((await grade(text, 'sim/fast', [], 'fr')).overall_feedback).toBe(english.overall_feedback);
  });

  it('keeps filling other schemas as before', async () => {
    const res = await fetch(`${sim.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sim/fast',
        messages: [{ role: 'user', content: 'Summarise.' }],
        response_format: { type: 'json_schema', json_schema: { name: 's', strict: true, schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'], additionalProperties: false } } },
      }),
    });
    const content = ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ?? '';
    expect(Object.keys(JSON.parse(content) as object)).toEqual(['summary']);
  });
});
