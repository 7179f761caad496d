import { describe, expect, it } from 'vitest';
import { agreementByModel, pooledKappa, weightedDisagreement, type Decision } from '../../../electron/compare/agreement.ts';

/** Decisions on one 3-level criterion (0, 2, 4 points) for one model; paper n gets pair n. */
function pairs(modelId: string, teacher: number[], model: number[], criterionKey = 'thesis', levels = [0, 2, 4]): Decision[] {
  return teacher.map((t, i) => ({ modelId, submissionId: i + 1, criterionKey, levels, teacherPoints: t, modelPoints: model[i] ?? 0 }));
}

describe('quadratic weighted kappa', () => {
  it('matches a hand-computed table', () => {
    // Teacher levels 0,1,2,2 and model levels 0,1,2,1 (k = 3, weights (i−j)²/4).
    // Observed weighted disagreement: one (2,1) decision, weight 1/4 → 0.25.
    // Marginals: teacher 1,1,2; model 1,2,1; n = 4. Expected = Σ tᵢ·mⱼ·(i−j)² / (4·4) = 20/16 = 1.25.
    // κ = 1 − 0.25 / 1.25 = 0.8.
    const table = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 1],
    ];
    expect(weightedDisagreement(table)).toEqual({ observed: 0.25, expected: 1.25, n: 4 });
    expect(pooledKappa([table])).toBeCloseTo(0.8, 12);
    const [a] = agreementByModel(pairs('m', [0, 2, 4, 4], [0, 2, 4, 2]));
    expect(a?.kappa).toBeCloseTo(0.8, 12);
    expect(a?.exact).toBe(0.75);
    expect(a?.withinOne).toBe(1);
    expect(a?.papers).toBe(4);
    expect(a?.decisions).toBe(4);
    expect(a?.confusion).toEqual([{ criterionKey: 'thesis', levels: [0, 2, 4], counts: table }]);
  });

  it('is 1 for perfect agreement and below 0 for systematic disagreement', () => {
    const [perfect] = agreementByModel(pairs('m', [0, 2, 4, 2], [0, 2, 4, 2]));
    expect(perfect?.kappa).toBe(1);
    expect(perfect?.exact).toBe(1);
    // Teacher 0 and 4, model the other way round: observed 2 × weight 1 = 2; expected
    // Σ tᵢ·mⱼ·w / n = (1·1·1 + 1·1·1) / 2 = 1; κ = 1 − 2/1 = −1.
    const [reversed] = agreementByModel(pairs('m', [0, 4], [4, 0]));
    expect(reversed?.kappa).toBe(-1);
    expect(reversed?.exact).toBe(0);
    expect(reversed?.withinOne).toBe(0);
    // One level lower every time keeps the order, so kappa stays above 0 and the bias says it:
    // teacher levels 1,2,1,2, model 0,1,0,1: observed 4 × 1/4 = 1; expected
    // (2·2·1/4 + 2·2·1 + 2·2·1/4) / 4 = 1.5; κ = 1 − 1/1.5 = 1/3; bias −2 points.
    const [harsh] = agreementByModel(pairs('m', [2, 4, 2, 4], [0, 2, 0, 2]));
    expect(harsh?.kappa).toBeCloseTo(1 / 3, 12);
    expect(harsh?.withinOne).toBe(1);
    expect(harsh?.exact).toBe(0);
    expect(harsh?.bias).toEqual([{ criterionKey: 'thesis', meanDifference: -2, decisions: 4 }]);
  });

  it('is null when every decision sits on one level, and everything is empty without reviews', () => {
    const [one] = agreementByModel(pairs('m', [2, 2, 2], [2, 2, 2]));
    expect(one?.kappa).toBeNull();
    expect(one?.exact).toBe(1);
    expect(one?.papers).toBe(3);
    expect(agreementByModel([])).toEqual([]);
    expect(pooledKappa([])).toBeNull();
    expect(pooledKappa([[[0, 0], [0, 0]]])).toBeNull();
  });

  it('pools criteria as a stratified kappa: each criterion on its own scale', () => {
    // Criterion a (2 levels): teacher 0,1 model 0,1 → observed 0, expected Σ tᵢmⱼw/n = (1+1)/2 = 1.
    // Criterion b (3 levels): the 0.8 table above → observed 0.25, expected 1.25.
    // Pooled κ = 1 − (0 + 0.25) / (1 + 1.25) = 1 − 0.25/2.25 = 8/9.
    const decisions = [...pairs('m', [0, 1], [0, 1], 'a', [0, 1]), ...pairs('m', [0, 2, 4, 4], [0, 2, 4, 2], 'b')];
    const [a] = agreementByModel(decisions);
    expect(a?.kappa).toBeCloseTo(8 / 9, 12);
    expect(a?.decisions).toBe(6);
    expect(a?.papers).toBe(4);
  });
});

describe('what the numbers rest on', () => {
  it('skips and counts teacher points that are not a level, keeps them in the bias', () => {
    const decisions = pairs('m', [0, 3, 4], [2, 2, 4]);
    const [a] = agreementByModel(decisions);
    expect(a?.offLevel).toBe(1);
    expect(a?.decisions).toBe(2);
    expect(a?.papers).toBe(2);
    expect(a?.exact).toBe(0.5);
    // (2−0) + (2−3) + (4−4) over 3 decisions
    expect(a?.bias).toEqual([{ criterionKey: 'thesis', meanDifference: 1 / 3, decisions: 3 }]);
  });

  it('keeps models apart and gives the bias per criterion', () => {
    const decisions = [
      ...pairs('gen', [0, 2], [2, 4], 'thesis'),
      ...pairs('gen', [1, 1], [1, 0], 'style', [0, 1]),
      ...pairs('strict', [0, 2], [0, 0], 'thesis'),
    ];
    const [gen, strict] = agreementByModel(decisions);
    expect(gen?.modelId).toBe('gen');
    expect(gen?.bias).toEqual([
      { criterionKey: 'thesis', meanDifference: 2, decisions: 2 },
      { criterionKey: 'style', meanDifference: -0.5, decisions: 2 },
    ]);
    expect(strict?.bias).toEqual([{ criterionKey: 'thesis', meanDifference: -1, decisions: 2 }]);
    expect(strict?.papers).toBe(2);
  });
});
