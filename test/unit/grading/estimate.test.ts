import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { CHAT_OVERHEAD_TOKENS, ESTIMATE_MARKER, estimateBatchCost, familyOf, familyOfModel, imageTokens } from '../../../electron/grading/estimate/index.ts';
import { buildGradingRequest } from '../../../electron/grading/prompt/index.ts';
import { essayRubric, loadCorpus } from './fixtures.ts';

const rubric = essayRubric();
const essays = loadCorpus('clean').slice(0, 5);

describe('imageTokens', () => {
  it('follows the OpenAI tile rule', () => {
    expect(imageTokens('openai', { width: 1024, height: 1024 })).toBe(765);
    expect(imageTokens('openai', { width: 1536, height: 2048 })).toBe(765);
    expect(imageTokens('openai', { width: 4000, height: 3000 })).toBe(765);
    expect(imageTokens('openai', { width: 2048, height: 4096 })).toBe(85 + 170 * 6);
    expect(imageTokens('openai', { width: 500, height: 500 })).toBe(255);
    expect(imageTokens('other')).toBe(765);
  });

  it('is flat for Gemini and area-based, capped, for Claude', () => {
    expect(imageTokens('gemini', { width: 4000, height: 3000 })).toBe(258);
    expect(imageTokens('claude', { width: 750, height: 1000 })).toBe(1000);
    expect(imageTokens('claude', { width: 1536, height: 2048 })).toBe(1600);
  });

  it('guesses the family from the model id', () => {
    expect(['google/gemini-2.5-flash', 'anthropic/claude-sonnet-4', 'openai/gpt-4o-mini', 'o3-mini', 'meta-llama/llama-3'].map(familyOf)).toEqual([
      'gemini',
      'claude',
      'openai',
      'openai',
      'other',
    ]);
  });

  it('takes a configured model\'s family from its slug, then its provider, then its key', () => {
    expect(familyOfModel('fast', { model: 'google/gemini-2.5-flash', provider: 'openai' })).toBe('gemini');
    expect(familyOfModel('house-model', { model: 'my-finetune', provider: 'Anthropic' })).toBe('claude');
    expect(familyOfModel('gpt-4o-mini', { model: 'local-llm', provider: 'openrouter' })).toBe('openai');
    expect(familyOfModel('fast')).toBe('other');
  });
});

describe('estimateBatchCost', () => {
  const submissions = essays.map((e, i) => ({ text: e.text, imageCount: i === 0 ? 2 : 0 }));

  it('counts the whole prompt as built, images per family and the expected output', () => {
    const estimate = estimateBatchCost({
      submissions,
      rubric,
      models: [
        { id: 'openai/gpt-4o-mini', prices: { input: 1e-7, output: 4e-7 } },
        { id: 'google/gemini-2.5-flash', prices: { input: 3e-7, output: 2.5e-6 } },
      ],
    });
    let expectedText = 0;
    for (const s of submissions) {
      const images = Array.from({ length: s.imageCount }, () => ({ mime: 'image/png', data: Buffer.alloc(0) }));
      const { request } = buildGradingRequest({ rubric, submissionText: s.text, images, markerRandom: ESTIMATE_MARKER });
      const first = request.parts[0];
      const user = first?.type === 'text' ? first.text : '';
      expectedText += CHAT_OVERHEAD_TOKENS + countTokens(request.system) + countTokens(JSON.stringify(request.schema!.schema)) + countTokens(user);
    }
    const [gpt, gemini] = estimate.perModel;
    expect(gpt).toMatchObject({ family: 'openai', textTokens: expectedText, imageTokens: 2 * 765, outputTokens: 5 * (150 + 60 * 5), unpriced: false });
    expect(gemini).toMatchObject({ family: 'gemini', imageTokens: 2 * 258 });
    expect(gpt!.costUsd).toBeCloseTo((expectedText + 1530) * 1e-7 + 5 * 450 * 4e-7, 12);
    expect(estimate.totalUsd).toBeCloseTo(gpt!.costUsd! + gemini!.costUsd!, 12);
    expect(estimate.unpricedModels).toEqual([]);
    // A system prompt of a realistic rubric is well over 1024 tokens: cacheable.
    expect(countTokens(buildGradingRequest({ rubric, submissionText: '' }).request.system)).toBeGreaterThan(1024);
  });

  it('reports an unpriced model as null, never 0, and then no batch total', () => {
    const estimate = estimateBatchCost({
      submissions,
      rubric,
      models: [
        { id: 'local/llama', prices: null },
        { id: 'half', prices: { input: 1e-6, output: null } },
        { id: 'gpt-4o', prices: { input: 2.5e-6, output: 1e-5 } },
      ],
      expectedOutputTokens: 1000,
    });
    expect(estimate.perModel.map((m) => m.costUsd === null)).toEqual([true, true, false]);
    expect(estimate.perModel[0]).toMatchObject({ unpriced: true, outputTokens: 5000 });
    expect(estimate.totalUsd).toBeNull();
    expect(estimate.pricedTotalUsd).toBe(estimate.perModel[2]!.costUsd);
    expect(estimate.unpricedModels).toEqual(['local/llama', 'half']);
  });

  it('uses given image sizes in order', () => {
    const estimate = estimateBatchCost({
      submissions: [{ text: 'x', imageCount: 2, imageSizes: [{ width: 500, height: 500 }] }],
      rubric,
      models: [{ id: 'anthropic/claude-haiku', prices: { input: 1e-6, output: 5e-6 } }],
    });
    expect(estimate.perModel[0]!.imageTokens).toBe(Math.ceil((500 * 500) / 750) + 1600);
  });

  it('leaves submissions with images out of a text-only model, which is never sent them', () => {
    const both = estimateBatchCost({
      submissions,
      rubric,
      models: [
        { id: 'openai/gpt-4o', prices: { input: 1e-6, output: 4e-6 }, vision: true },
        { id: 'openai/gpt-4o-mini', prices: { input: 1e-6, output: 4e-6 }, vision: false },
      ],
    });
    const [reads, textOnly] = both.perModel;
    const withoutImages = estimateBatchCost({ submissions: submissions.slice(1), rubric, models: [{ id: 'openai/gpt-4o-mini', prices: { input: 1e-6, output: 4e-6 } }] });
    expect(textOnly).toMatchObject({ imageTokens: 0, textTokens: withoutImages.perModel[0]!.textTokens, outputTokens: 4 * 450 });
    expect(textOnly!.costUsd).toBeCloseTo(withoutImages.perModel[0]!.costUsd!, 12);
    expect(reads).toMatchObject({ imageTokens: 2 * 765, outputTokens: 5 * 450 });
    expect(reads!.textTokens).toBeGreaterThan(textOnly!.textTokens);
  });
});
