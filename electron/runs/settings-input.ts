/**
 * The new-batch screen's grading settings in the prompt's terms. An empty feedback language or
 * grade level leaves the config's (or the default); a language the grader does not know is an
 * input error, said before anything is read.
 */
import { AppError } from '../../shared/errors.ts';
import type { GradingSettingsInput as ScreenSettings } from '../../shared/ipc/runs.ts';
import { FEEDBACK_LANGUAGES, type GradingSettingsInput } from '../grading/prompt/settings.ts';

export function promptSettings(input: ScreenSettings): GradingSettingsInput {
  const out: GradingSettingsInput = { strictness: input.strictness, tone: input.tone };
  const language = input.feedbackLanguage.trim();
  if (language !== '') {
    if (!Object.hasOwn(FEEDBACK_LANGUAGES, language)) {
      throw new AppError('INVALID_INPUT', `Feedback in "${language}" is not offered. Choose one of: ${Object.keys(FEEDBACK_LANGUAGES).join(', ')}.`);
    }
    out.language = language as keyof typeof FEEDBACK_LANGUAGES;
  }
  const level = input.gradeLevel.trim();
  if (level !== '') {
    if (level.length > 80 || /[\n\r<>]/.test(level)) throw new AppError('INVALID_INPUT', 'The grade level must be one short line, without < or >.');
    out.gradeLevel = level;
  }
  return out;
}
