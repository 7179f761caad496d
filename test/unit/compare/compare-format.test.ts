import { describe, expect, it } from 'vitest';
import { feedbackDiff, formatKappa, formatSignedPoints, kappaBand, levelLabel } from '../../../renderer/src/views/compare/compare-format.ts';

describe('compare screen helpers', () => {
  it('splits two feedbacks into common, removed and added words that rebuild each text', () => {
    const first = 'State your claim in the first sentence.';
    const second = 'State your main claim in one sentence.';
    const segments = feedbackDiff(first, second);
    expect(segments.some((s) => s.kind === 'added')).toBe(true);
    expect(segments.some((s) => s.kind === 'removed')).toBe(true);
    expect(segments.filter((s) => s.kind !== 'added').map((s) => s.text).join('')).toBe(first);
    expect(segments.filter((s) => s.kind !== 'removed').map((s) => s.text).join('')).toBe(second);
    expect(feedbackDiff('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
  });

  it('writes kappa and points differences with a real minus sign, and names kappa bands', () => {
    expect(formatKappa(0.8, 'en')).toBe('0.80');
    expect(formatKappa(-0.25, 'en')).toBe('−0.25');
    expect(formatKappa(-0.001, 'en')).toBe('0.00');
    expect(formatSignedPoints(1.5, 'en')).toBe('+1.5');
    expect(formatSignedPoints(-2, 'en')).toBe('−2');
    expect(formatSignedPoints(0.001, 'en')).toBe('0');
    expect([-0.1, 0.1, 0.3, 0.5, 0.7, 0.9].map(kappaBand)).toEqual(['poor', 'slight', 'fair', 'moderate', 'substantial', 'almostPerfect']);
  });

  it('names a level by its points, and nothing for points off the levels', () => {
    const criteria = [{ id: 'thesis', name: 'Thesis', levels: [{ points: 0, label: 'Missing' }, { points: 4, label: 'Excellent' }] }];
    expect(levelLabel(criteria, 'thesis', 4)).toBe('Excellent');
    expect(levelLabel(criteria, 'thesis', 3)).toBeNull();
    expect(levelLabel(criteria, 'other', 4)).toBeNull();
  });

});
