/** The languages GradeDesk ships, by BCP 47 tag. The first is the fallback for everything. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_STORAGE_KEY = 'gradedesk.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The language to start in: the teacher's remembered choice if it is one we ship, else the
 * first of the browser's preferred languages we can serve, else English. Every Chinese tag
 * (zh, zh-Hans, zh-SG, and also zh-TW/zh-HK, for which Simplified Chinese is still closer than
 * English) maps to zh-CN; every English tag maps to en.
 */
export function pickLocale(stored: string | null, preferred: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of preferred) {
    const language = tag.toLowerCase().split(/[-_]/)[0];
    if (language === 'zh') return 'zh-CN';
    if (language === 'en') return 'en';
  }
  return DEFAULT_LOCALE;
}
