/**
 * The settings sections as the screen edits them, read from a config with every default filled
 * in (the defaults the core itself applies), and written back into the file's JSON without
 * touching any other field, known or not.
 */
import type { Config } from '../../shared/config.ts';
import type { SaveSettingsInput, SettingsValues } from '../../shared/ipc/settings.ts';
import { DEFAULT_SETTINGS } from '../api/settings.ts';
import type { RawConfig } from '../config/write-config.ts';

/** The prompt's defaults (electron/grading/prompt/settings.ts): what a batch is graded with when nothing is said. */
export const GRADING_DEFAULTS = { strictness: 'standard', tone: 'neutral', feedback_language: 'en' } as const;

export function valuesOf(config: Config | null): SettingsValues {
  const retry = config?.retry;
  const defaults = DEFAULT_SETTINGS;
  return {
    routing: {
      strategy: config?.routing?.strategy ?? defaults.strategy,
      fallbacks: { ...(config?.routing?.fallbacks ?? {}) },
    },
    retry: {
      max_attempts: retry?.max_attempts ?? defaults.maxAttempts,
      deadline_seconds: retry?.deadline_seconds ?? defaults.deadlineMs / 1000,
      backoff: retry?.backoff ?? defaults.backoff.kind,
      base_delay_ms: retry?.base_delay_ms ?? defaults.backoff.baseMs,
      max_delay_ms: retry?.max_delay_ms ?? defaults.backoff.maxMs,
    },
    budget: {
      per_batch_usd: config?.budget?.per_batch_usd ?? null,
      per_day_usd: config?.budget?.per_day_usd ?? null,
    },
    monitoring: {
      response_time_threshold: config?.monitoring?.response_time_threshold ?? null,
      error_rate_threshold: config?.monitoring?.error_rate_threshold ?? null,
      cost_threshold_per_hour: config?.monitoring?.cost_threshold_per_hour ?? null,
    },
    privacy: {
      // Provider data collection is denied unless allowed (api/settings.ts); names are pseudonymized unless the file says false (grading/privacy/submission-images.ts).
      pseudonymize_names: config?.privacy?.pseudonymize_names !== false,
      data_collection: config?.privacy?.data_collection ?? 'deny',
    },
    grading: {
      strictness: config?.grading?.strictness ?? GRADING_DEFAULTS.strictness,
      tone: config?.grading?.tone ?? GRADING_DEFAULTS.tone,
      feedback_language: config?.grading?.feedback_language ?? GRADING_DEFAULTS.feedback_language,
      grade_level: config?.grading?.grade_level ?? '',
    },
  };
}

const isRecord = (value: unknown): value is RawConfig => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The section's object as it is in the file (a copy), so the fields this screen does not show stay. */
function sectionOf(raw: RawConfig, name: string): RawConfig {
  const current = raw[name];
  return isRecord(current) ? { ...current } : {};
}

/** Null switches a cap or threshold off: the key leaves the file, which is what "none" means there. */
function setOrDrop(target: RawConfig, key: string, value: number | string | null): void {
  if (value === null || value === '') delete target[key];
  else target[key] = value;
}

/** Writes one section into the config's JSON; every other field, known or not, is left as it was. */
export function applySection(raw: RawConfig, input: SaveSettingsInput): void {
  const section = sectionOf(raw, input.section);
  const values: Record<string, unknown> = input.values;
  for (const [key, value] of Object.entries(values)) {
    if (value === null || typeof value === 'number' || typeof value === 'string') setOrDrop(section, key, value);
    else section[key] = value;
  }
  if (input.section === 'routing') {
    const kept = Object.entries(input.values.fallbacks).filter(([, next]) => next.length > 0);
    if (kept.length === 0) delete section.fallbacks;
    else section.fallbacks = Object.fromEntries(kept);
  }
  raw[input.section] = section;
}
