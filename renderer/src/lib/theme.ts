/** The teacher's theme choice: follow the operating system, or force light or dark. */
export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];

export const THEME_STORAGE_KEY = 'gradedesk.theme';

export function isThemePreference(value: unknown): value is ThemePreference {
  return typeof value === 'string' && (THEME_PREFERENCES as readonly string[]).includes(value);
}

/** A stored value from an older or tampered storage falls back to following the system. */
export function parseThemePreference(stored: string | null): ThemePreference {
  return isThemePreference(stored) ? stored : 'system';
}

/** The scheme actually shown, given the choice and whether the system currently prefers dark. */
export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): 'light' | 'dark' {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}
