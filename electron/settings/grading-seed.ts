/**
 * Grading defaults seed the new-batch screen, which starts from the teacher's last choice
 * (runs/batch-notes.ts): the settings of that choice are replaced, its models kept; before the
 * first batch a choice with no models is written, and the screen then picks the first usable one.
 */
import type { Config } from '../../shared/config.ts';
import { readLastChoice, writeLastChoice } from '../runs/batch-notes.ts';
import type { WritableDB } from '../store/index.ts';
import { GRADING_DEFAULTS, valuesOf } from './values.ts';

/** `config` is the one just written, validated by the loader's schema. */
export function seedGradingChoice(db: WritableDB, config: Config): void {
  const last = readLastChoice(db);
  const grading = config.grading;
  const filled = valuesOf(config).grading;
  const settings = {
    strictness: grading?.strictness ?? GRADING_DEFAULTS.strictness,
    tone: grading?.tone ?? GRADING_DEFAULTS.tone,
    feedbackLanguage: filled.feedback_language,
    gradeLevel: filled.grade_level,
  } as const;
  writeLastChoice(db, { models: last?.models ?? [], compare: last?.compare ?? false, settings });
}
