import i18next from 'i18next';
import { readPreference, writePreference } from '../lib/storage.ts';
import { enCatalogue, zhCNCatalogue } from './catalogues.ts';
import type { TranslationKey, TranslationVars } from './keys.ts';
import { DEFAULT_LOCALE, LOCALES, LOCALE_STORAGE_KEY, isLocale, pickLocale, type Locale } from './locale.ts';

export { LOCALES, isLocale, type Locale, type TranslationKey, type TranslationVars };

/**
 * i18next behind a rune. `t()` reads the `$state` locale, so any template or `$derived` that
 * calls it re-renders when the language changes; i18next does the lookup, interpolation and
 * fallback to English.
 *
 * Interpolation is not HTML-escaped here because Svelte renders every string as text (and
 * `{@html}` is banned), so escaping twice would show `&amp;` to the teacher. Avoid `count` as
 * a variable name: i18next would look for plural keys.
 */
const instance = i18next.createInstance();

const initial = pickLocale(
  readPreference(LOCALE_STORAGE_KEY),
  typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
);

void instance.init({
  resources: { en: { translation: enCatalogue }, 'zh-CN': { translation: zhCNCatalogue } },
  lng: initial,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false },
  returnNull: false,
  // Resources are bundled, so initialisation is synchronous and the first render is translated.
  initAsync: false,
});

const state = $state({ locale: initial });

function applyToDocument(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}
applyToDocument(initial);

/** The current language, reactive. */
export const i18n = {
  get locale(): Locale {
    return state.locale;
  },
};

/** Switch language everywhere at once and remember it for the next start. */
export function setLocale(locale: Locale): void {
  state.locale = locale;
  writePreference(LOCALE_STORAGE_KEY, locale);
  applyToDocument(locale);
  void instance.changeLanguage(locale);
}

/** The message for `key` in the current language, with `{{name}}` placeholders filled. */
export function t(key: TranslationKey, vars?: TranslationVars): string {
  return String(instance.t(key, { ...vars, lng: state.locale }));
}

/**
 * The message for a key built at run time (an error code, a task name), or null when no
 * catalogue has it, so the caller can fall back to what the server said.
 */
export function tOptional(key: string, vars?: TranslationVars): string | null {
  const lng = state.locale;
  if (!instance.exists(key, { lng })) return null;
  return String(instance.t(key, { ...vars, lng }));
}

/** A translated explanation of an error code (`errors.RATE_LIMITED`), or null if we have none. */
export function explainErrorCode(code: string): string | null {
  if (!/^[A-Z][A-Z0-9_]*$/.test(code)) return null;
  return tOptional(`errors.${code}`);
}
