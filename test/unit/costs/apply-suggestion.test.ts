import { describe, expect, it } from 'vitest';
import type { ModelSettings } from '../../../shared/ipc/setup.ts';
import type { SuggestionView } from '../../../shared/ipc/monitor.ts';
import { applySuggestion, canApply, lowerConcurrency } from '../../../renderer/src/views/costs/apply-suggestion.ts';

const settings: ModelSettings = {
  name: 'Fast',
  maxConcurrency: 8,
  rpm: null,
  inputPricePerMillion: 1,
  outputPricePerMillion: 2,
  maxTokens: null,
  contextWindow: null,
  vision: false,
};

const rateLimited: SuggestionView = { kind: 'rate_limited', modelId: 'fast', relatedModelId: null, message: 'm', numbers: {} };

/** The set-up routes, on a config held in memory. */
function fakeSetup(initial: Record<string, ModelSettings>) {
  const config = { ...initial };
  return {
    config,
    api: {
      getModelSettings: async ({ modelId }: { modelId: string }) =>
        config[modelId] ? { ok: true as const, data: config[modelId] } : { ok: false as const, error: { code: 'MODEL_NOT_FOUND' as const, message: 'no such model' } },
      updateModel: async ({ modelId, settings: next }: { modelId: string; settings: ModelSettings }) => {
        config[modelId] = next;
        return { ok: true as const, data: { ok: true as const } };
      },
    },
  };
}

describe('applying a suggestion', () => {
  it('halves the rate-limited model\'s concurrency in its config, keeping its other settings', async () => {
    const setup = fakeSetup({ fast: settings });
    const result = await applySuggestion(setup.api, rateLimited);
    expect(result).toEqual({ ok: true, data: { modelId: 'fast', maxConcurrency: 4 } });
    expect(setup.config['fast']).toEqual({ ...settings, maxConcurrency: 4 });
  });

  it('never goes below one call at a time, and starts from the default when none is set', () => {
    expect(lowerConcurrency(1)).toBe(1);
    expect(lowerConcurrency(3)).toBe(1);
    expect(lowerConcurrency(null)).toBe(2);
  });

  it('offers the action only for rate limits, and reports a model that is gone', async () => {
    expect(canApply({ ...rateLimited, kind: 'expensive' })).toBe(false);
    const setup = fakeSetup({});
    const result = await applySuggestion(setup.api, rateLimited);
    expect(result.ok).toBe(false);
  });
});
