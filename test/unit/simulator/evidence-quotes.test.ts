import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newMarker } from '../../../electron/grading/prompt/marker.ts';
import { USER_PREFACE, userText } from '../../../electron/grading/prompt/request.ts';
import { evidenceFound } from '../../../electron/grading/scoring/evidence.ts';
import { composeAnswer, quotableSentences } from '../../../electron/simulator/content.ts';
import { mulberry32 } from '../../../electron/simulator/random.ts';

/**
 * The demo grades with the simulator. A model quotes the work it grades, so the simulator's
 * evidence must come from the submission too, or every demo grading is flagged low_confidence.
 */

const essay = readFileSync(fileURLToPath(new URL('../../../demo/essays/Ana Lopez - homework essay.txt', import.meta.url)), 'utf8');

const schema = {
  type: 'object',
  properties: {
    criteria: {
      type: 'array',
      minItems: 3,
      maxItems: 3,
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, evidence: { type: 'string', maxLength: 60 }, feedback: { type: 'string', maxLength: 200 } },
        required: ['id', 'evidence', 'feedback'],
        additionalProperties: false,
      },
    },
  },
  required: ['criteria'],
  additionalProperties: false,
};

function gradingBody(text: string): Record<string, unknown> {
  return {
    model: 'sim/fast',
    messages: [
      { role: 'system', content: 'You grade student work against a rubric. Quote evidence.' },
      { role: 'user', content: [{ type: 'text', text: userText(text, newMarker(text), 0) }] },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'grade', schema, strict: true } },
  };
}

describe('the simulator quotes its evidence from the submission', () => {
  it('offers the sentences of the submission, not the instruction or the marker lines', () => {
    const sentences = quotableSentences(gradingBody(essay));
    expect(sentences.length).toBeGreaterThan(3);
    for (const sentence of sentences) {
      expect(evidenceFound(sentence, essay), sentence).toBe(true);
      expect(sentence).not.toContain('<<<');
      expect(USER_PREFACE).not.toContain(sentence);
    }
  });

  it('fills evidence fields with quotes found in the submission, within their length limit', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const answer = JSON.parse(composeAnswer({ body: gradingBody(essay), model: 'sim/fast', prompt: '', fault: null }, mulberry32(seed))) as {
        criteria: Array<{ evidence: string; feedback: string }>;
      };
      expect(answer.criteria).toHaveLength(3);
      for (const { evidence } of answer.criteria) {
        expect([...evidence].length).toBeLessThanOrEqual(60);
        expect(evidence.length).toBeGreaterThan(0);
        expect(evidenceFound(evidence, essay), `seed ${seed}: ${evidence}`).toBe(true);
      }
    }
  });

  it('falls back to generated text when nothing can be quoted', () => {
    const body = gradingBody('');
    const marker = newMarker('x');
    // Only the instruction and the marker lines: nothing that is the student's.
    body.messages = [{ role: 'user', content: `${USER_PREFACE}\n\n${userText('x', marker, 0).split('\n').filter((line) => line.startsWith('<<<')).join('\n')}` }];
    expect(quotableSentences(body)).toEqual([]);
    const answer = JSON.parse(composeAnswer({ body, model: 'sim/fast', prompt: '', fault: null }, mulberry32(3))) as { criteria: Array<{ evidence: string }> };
    expect(answer.criteria.every((c) => typeof c.evidence === 'string' && [...c.evidence].length <= 60)).toBe(true);
  });
});
