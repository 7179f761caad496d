import { describe, expect, it } from 'vitest';
import { durationParts, formatMoney, guessSeconds } from '../../../renderer/src/lib/grading-report.ts';

describe('money and time on the run screens', () => {
  it('writes small sums with four decimals, tiny ones as less than a hundredth of a cent, and never rounds a cost to nothing', () => {
    expect(formatMoney(0.0123, 'en')).toBe('$0.0123');
    expect(formatMoney(1.5, 'en')).toBe('$1.50');
    expect(formatMoney(0.00002, 'en')).toBe('<$0.0001');
    expect(formatMoney(0, 'en')).toBe('$0.00');
    expect(formatMoney(0.5, 'zh-CN')).toBe('US$0.50');
  });

  it('splits a duration into the unit an ETA reads best in', () => {
    expect(durationParts(42)).toEqual({ unit: 'seconds', n: 42 });
    expect(durationParts(12 * 60 + 10)).toEqual({ unit: 'minutes', n: 12 });
    expect(durationParts(65 * 60)).toEqual({ unit: 'hours', h: 1, m: 5 });
    expect(durationParts(-3)).toEqual({ unit: 'seconds', n: 0 });
  });

  it('guesses a batch of 30 with two models takes more than a minute, a sample of five less', () => {
    expect(guessSeconds(30, 2)).toBeGreaterThan(60);
    expect(guessSeconds(5, 1)).toBeLessThan(60);
  });
});
