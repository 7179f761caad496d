import { describe, expect, it } from 'vitest';
import { heightBelow, MIN_COLUMN_PX } from '../../../renderer/src/views/review/lib/window-height.ts';

describe('the review columns\' height', () => {
  it('reaches down to the window\'s edge, less a small gap, wherever the header ends', () => {
    expect(heightBelow(256, 768)).toBe(500);
    expect(heightBelow(300, 768)).toBe(456);
    expect(heightBelow(300, 1080)).toBe(768);
  });

  it('keeps a few lines in a short window and lets the page scroll instead', () => {
    expect(heightBelow(500, 600)).toBe(MIN_COLUMN_PX);
    expect(heightBelow(0, 100)).toBe(MIN_COLUMN_PX);
  });

  it('gives whole pixels', () => {
    expect(Number.isInteger(heightBelow(255.5, 768))).toBe(true);
  });
});
