import { readPreference, writePreference } from './storage.ts';
import { THEME_STORAGE_KEY, parseThemePreference, resolveTheme, type ThemePreference } from './theme.ts';

/**
 * The theme as reactive state. The choice is written to `<html data-theme>`; the stylesheet
 * maps it (and, for "system", `prefers-color-scheme`) to colour tokens and `color-scheme`, so
 * no style is ever set inline and the CSP's `style-src 'self'` holds.
 */
const DARK_QUERY = '(prefers-color-scheme: dark)';

const media = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(DARK_QUERY) : null;

const state = $state({
  preference: parseThemePreference(readPreference(THEME_STORAGE_KEY)),
  systemPrefersDark: media?.matches ?? false,
});

media?.addEventListener('change', (event) => {
  state.systemPrefersDark = event.matches;
});

function apply(preference: ThemePreference): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = preference;
}
apply(state.preference);

export const theme = {
  /** What the teacher chose: system, light or dark. */
  get preference(): ThemePreference {
    return state.preference;
  },
  /** What is on screen now. */
  get resolved(): 'light' | 'dark' {
    return resolveTheme(state.preference, state.systemPrefersDark);
  },
};

/** Switch theme and remember the choice for the next start. */
export function setThemePreference(preference: ThemePreference): void {
  state.preference = preference;
  writePreference(THEME_STORAGE_KEY, preference);
  apply(preference);
}
