/**
 * A settings change is checked exactly as the config loader checks a file: the config schema
 * (parseConfig, through the writer's validateRawConfig) and then the core's own reading of it
 * (settingsFromConfig: the routing strategy, backoff per class). A refusal names the field the
 * way the screen labels it, with the file's path beside it for anyone who edits the file.
 */
import type { Config } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import { settingsFromConfig } from '../api/settings.ts';
import { validateRawConfig, type RawConfig } from '../config/write-config.ts';

/** What the settings screen calls each field it edits. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  'routing.strategy': 'How a model is chosen',
  'routing.fallbacks': 'Fallback models',
  'retry.max_attempts': 'Attempts per call',
  'retry.deadline_seconds': 'Time limit per call',
  'retry.backoff': 'Wait between attempts',
  'retry.base_delay_ms': 'First wait',
  'retry.max_delay_ms': 'Longest wait',
  'budget.per_batch_usd': 'Budget per batch',
  'budget.per_day_usd': 'Budget per day',
  'monitoring.response_time_threshold': 'Slow answers alert',
  'monitoring.error_rate_threshold': 'Failed calls alert',
  'monitoring.cost_threshold_per_hour': 'Spending per hour alert',
  'privacy.pseudonymize_names': "Hide students' names from the models",
  'privacy.data_collection': 'Provider data collection',
  'grading.strictness': 'Strictness',
  'grading.tone': 'Tone of the feedback',
  'grading.feedback_language': 'Language of the feedback',
  'grading.grade_level': 'Grade level',
};

/** The field path a loader message names (`Config field "retry.max_attempts" is wrong: …`). */
export function fieldOfMessage(message: string): string | null {
  return /Config field "([^"]+)"/.exec(message)?.[1] ?? null;
}

/** The loader's refusal, restated for the screen: the field in the teacher's words, its path, the reason. */
function refusal(message: string): AppError {
  const field = fieldOfMessage(message);
  if (field === null) return new AppError('SETTING_INVALID', message);
  // A fallback list is named by its model; the label belongs to the list as a whole.
  const labelled = Object.keys(FIELD_NAMES).find((path) => field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`));
  const label = labelled ? FIELD_NAMES[labelled] : 'A setting';
  const reason = message.split(' is wrong: ')[1] ?? message;
  return new AppError('SETTING_INVALID', `${label} (${field}) cannot be saved: ${reason}`, { field });
}

/** Throws SETTING_INVALID naming the field when the loader would refuse this config. */
export function validateLikeLoader(raw: RawConfig): Config {
  try {
    const { config } = validateRawConfig(raw);
    settingsFromConfig(config);
    return config;
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFIG_INVALID') throw refusal(error.message);
    throw error;
  }
}
