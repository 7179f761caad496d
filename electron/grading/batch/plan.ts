/**
 * The plan a batch is graded with: what it was started with, stored with it (as resolved) so
 * that `resume` grades the same way, and read back from the store.
 */
import { randomBytes } from 'node:crypto';
import { parseGradingSection, type GradingConfig } from '../../../shared/config.ts';
import { fail, ok, type Result } from '../../../shared/errors.ts';
import type { RosterEntry } from '../privacy/index.ts';
import { GradingSettingsSchema, type GradingSettings, type GradingSettingsInput } from '../prompt/settings.ts';
import type { Rubric } from '../rubric/index.ts';

/** What a batch was started with; stored with it so `resume` grades the same way. */
export interface BatchPlan {
  rubric: Rubric;
  roster: RosterEntry[] | null;
  /** Models the router may use (`--model`); empty = every configured model. */
  pool: string[];
  compare: boolean;
  /**
   * Given: settings chosen for this batch, over the config's `grading` section. Stored (by
   * prepareBatch): the resolved settings in full, so `resume` grades with the same system prompt.
   */
  settings: GradingSettingsInput;
  /** Keys the pseudonyms: stable for the batch, so a resumed prompt matches its earlier one. */
  pseudonymSecret: string;
  /** The config the batch ran with (models, routing, retry; never keys). */
  config: unknown;
}

/** The model of each job of a submission: every model of the pool to compare, else the router's pick. */
export const jobModels = (plan: Pick<BatchPlan, 'compare' | 'pool'>): string[] => (plan.compare ? [...plan.pool] : ['auto']);

/** The config's `grading` section (snake_case, as in the file) in the prompt's terms. */
function gradingSettingsFromConfig(grading: GradingConfig | undefined): GradingSettingsInput {
  const settings: GradingSettingsInput = {};
  if (grading?.strictness !== undefined) settings.strictness = grading.strictness;
  if (grading?.feedback_language !== undefined) settings.language = grading.feedback_language;
  if (grading?.tone !== undefined) settings.tone = grading.tone;
  if (grading?.grade_level !== undefined) settings.gradeLevel = grading.grade_level;
  return settings;
}

/**
 * The settings a batch is graded with: the config's `grading` section, overridden by those the
 * caller chose for this batch, with every default filled in. Stored in full rather than as
 * given, so a resumed batch keeps its prompt even if a later version changes a default.
 */
export function resolveSettings(plan: Pick<BatchPlan, 'config' | 'settings'>): Result<GradingSettings> {
  const section = parseGradingSection(plan.config);
  if (!section.ok) return section;
  const parsed = GradingSettingsSchema.safeParse({ ...gradingSettingsFromConfig(section.data), ...plan.settings });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('INVALID_INPUT', `Grading setting "${issue?.path.join('.') ?? '?'}" is not valid: ${issue?.message ?? 'invalid'}.`);
  }
  return ok(parsed.data);
}

/**
 * The plan stored with a batch (`batches.config_json`). Plans stored before settings were
 * resolved may lack them; those batches were graded with the defaults, which `{}` gives again.
 */
export function parseStoredPlan(configJson: string): Result<BatchPlan> {
  let stored: unknown;
  try {
    stored = (JSON.parse(configJson) as { plan?: unknown }).plan;
  } catch {
    return fail('DATABASE_CORRUPT', 'The stored batch settings are not valid JSON.');
  }
  if (typeof stored !== 'object' || stored === null || !('rubric' in stored)) return fail('DATABASE_CORRUPT', 'The batch has no stored plan.');
  const plan = stored as Omit<BatchPlan, 'settings'> & { settings?: GradingSettingsInput | null };
  return ok({ ...plan, settings: plan.settings ?? {} });
}

/** A fresh secret for a new batch's pseudonyms. */
export const newPseudonymSecret = (): string => randomBytes(16).toString('hex');
