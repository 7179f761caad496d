import { describe, expect, it } from 'vitest';
import { parseThemePreference, resolveTheme } from '../../../renderer/src/lib/theme.ts';

describe('theme preference', () => {
  it('reads a stored choice and falls back to following the system', () => {
    expect(parseThemePreference('dark')).toBe('dark');
    expect(parseThemePreference('light')).toBe('light');
    expect(parseThemePreference('system')).toBe('system');
    expect(parseThemePreference(null)).toBe('system');
    expect(parseThemePreference('purple')).toBe('system');
  });

  it('resolves "system" from the operating system and keeps a forced choice', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
