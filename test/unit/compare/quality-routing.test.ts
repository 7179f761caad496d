import { describe, expect, it } from 'vitest';
import { RatePacer } from '../../../electron/api/pacing/rate-pacer.ts';
import { modelEntry } from '../../../electron/api/routing/model-registry.ts';
import { ModelRouter, type RouteRequest } from '../../../electron/api/routing/router.ts';
import { DEFAULT_SETTINGS } from '../../../electron/api/settings.ts';
import { agreementByModel, type Decision } from '../../../electron/compare/agreement.ts';
import { createQualitySource, MIN_PAPERS_FOR_QUALITY, qualityOf } from '../../../electron/compare/quality.ts';
import type { QualityLookup } from '../../../electron/api/ports.ts';

/** Two models at the same price; "agrees" is listed second, so without quality "differs" goes first. */
const models = [
  modelEntry('differs', { endpoint: 'http://127.0.0.1:1/v1', input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 }),
  modelEntry('agrees', { endpoint: 'http://127.0.0.1:1/v1', input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 }),
];

const request: RouteRequest = {
  request: { system: 's', parts: [{ type: 'text', text: 'essay' }], maxTokens: 500 },
  options: {},
  strategy: 'performance',
  promptTokens: 1000,
  tokensNeeded: 1500,
  images: false,
  tried: new Set(),
  triedTransiently: new Set(),
  contextLargerThan: null,
};

function router(quality?: QualityLookup): ModelRouter {
  return new ModelRouter({ models, settings: DEFAULT_SETTINGS, pacer: new RatePacer(), breakers: undefined, quality, now: () => 1_000_000, random: () => 0.99 });
}

function firstChoice(r: ModelRouter): string | null {
  const choice = r.pick(request);
  return choice && 'rt' in choice ? choice.rt.entry.id : null;
}

/** Six reviewed papers on a 3-level criterion: "agrees" matches the teacher, "differs" is off on half. */
function decisions(): Decision[] {
  const teacher = [0, 2, 4, 4, 2, 0];
  const off = [2, 2, 2, 4, 4, 0];
  return teacher.flatMap((t, i) => [
    { modelId: 'agrees', submissionId: i + 1, criterionKey: 'c', levels: [0, 2, 4], teacherPoints: t, modelPoints: t },
    { modelId: 'differs', submissionId: i + 1, criterionKey: 'c', levels: [0, 2, 4], teacherPoints: t, modelPoints: off[i] ?? 0 },
  ]);
}

describe('the performance strategy with the teacher agreement as quality', () => {
  it('prefers the model that agrees more with the teacher at equal cost', () => {
    expect(firstChoice(router())).toBe('differs');
    const quality = new Map(agreementByModel(decisions()).map((a) => [a.modelId, qualityOf(a)]));
    expect(quality.get('agrees')).toBe(1);
    expect(quality.get('differs')).toBeLessThan(0.7);
    const source = createQualitySource(() => new Map([...quality].filter((e): e is [string, number] => e[1] !== null)));
    expect(firstChoice(router(source.of))).toBe('agrees');
  });

  it('counts agreement only from enough papers, and uses exact agreement when kappa cannot be told', () => {
    expect(qualityOf({ papers: MIN_PAPERS_FOR_QUALITY - 1, kappa: 0.9, exact: 0.9 })).toBeNull();
    expect(qualityOf({ papers: MIN_PAPERS_FOR_QUALITY, kappa: 0.9, exact: 0.5 })).toBe(0.9);
    expect(qualityOf({ papers: 10, kappa: null, exact: 0.75 })).toBe(0.75);
    // Worse than chance is worth nothing, not less than nothing.
    expect(qualityOf({ papers: 10, kappa: -0.4, exact: 0.1 })).toBe(0);
    // Too few papers for either model: the strategy stays on the success rate.
    const few = agreementByModel(decisions().filter((d) => d.submissionId <= 2));
    expect(few.map(qualityOf)).toEqual([null, null]);
  });

  it('reads the store at most once per interval', () => {
    let reads = 0;
    let now = 0;
    const source = createQualitySource(
      () => {
        reads += 1;
        return new Map([['agrees', reads / 10]]);
      },
      { maxAgeMs: 1000, now: () => now },
    );
    expect(source.of('agrees')).toBe(0.1);
    now = 999;
    expect(source.of('agrees')).toBe(0.1);
    expect(source.of('other')).toBeNull();
    now = 1000;
    expect(source.of('agrees')).toBe(0.2);
    expect(reads).toBe(2);
  });
});
