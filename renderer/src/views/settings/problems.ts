/**
 * A section's values checked on screen with the config loader's own schema (shared/config.ts),
 * so the teacher sees a mistake under the field as they type; the main process checks again,
 * with the core's own rules too, before anything is written.
 */
import type { z } from 'zod';
import { ConfigSchema } from '../../../../shared/config.ts';
import type { SettingsSectionName, SettingsValues } from '../../../../shared/ipc/settings.ts';
import { i18n, t } from '../../i18n/index.svelte.ts';

/** Per field of the section (the file's key), what is wrong with it in the teacher's words. */
export type Problems = Partial<Record<string, string>>;

/** What the file would hold: a cap switched off or an empty text leaves it, as the main process writes it. */
function asFile(values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== ''));
}

const number = (value: number | bigint): string => new Intl.NumberFormat(i18n.locale).format(value);

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return t('settings.problems.number');
  switch (issue.code) {
    case 'too_small':
      return issue.inclusive ? t('settings.problems.atLeast', { min: number(issue.minimum) }) : t('settings.problems.moreThan', { min: number(issue.minimum) });
    case 'too_big':
      return t('settings.problems.atMost', { max: number(issue.maximum) });
    case 'invalid_type':
      return issue.expected === 'int' ? t('settings.problems.wholeNumber') : t('settings.problems.number');
    case 'invalid_value':
      return t('settings.problems.choice');
    case 'invalid_format':
      return t('settings.problems.oneLine');
    default:
      return t('settings.problems.other');
  }
}

export function problemsOf<S extends SettingsSectionName>(section: S, values: SettingsValues[S]): Problems {
  const parsed = ConfigSchema.shape[section].safeParse(asFile(values));
  if (parsed.success) return {};
  const out: Problems = {};
  const record = values as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    out[field] ??= describe(issue, record[field]);
  }
  return out;
}

/** The field a refusal from the main process names (`Budget per day (budget.per_day_usd) …`). */
export function refusedField(message: string): string | null {
  const path = /\(([a-z_]+)\.([a-z_]+)[^)]*\)/.exec(message);
  return path?.[2] ?? null;
}
