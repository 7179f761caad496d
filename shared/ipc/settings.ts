import { z } from 'zod';
import { EmptyInput, ErrorDataSchema, IdSchema, LIMITS } from './common.ts';

/**
 * Settings without a config file: one section at a time, in the file's own field names
 * (snake_case), so that a refused value names the same field the config file would. The input
 * schemas check only shapes: every rule on values (a budget may not be negative, a strategy must
 * exist) is the config loader's, applied in the main process exactly as on loading the file.
 */

/** A number as the form sends it; the loader's schema decides whether it is acceptable. */
const Num = z.number();
/** A cap or threshold that may be switched off (the key is then left out of the file). */
const Optional = z.number().nullable();

export const RoutingValuesSchema = z.strictObject({
  strategy: z.string().max(50),
  /** Per model, the models tried next when it fails, in order. */
  fallbacks: z.record(IdSchema, z.array(IdSchema).max(50)),
});

export const RetryValuesSchema = z.strictObject({
  max_attempts: Num,
  deadline_seconds: Num,
  backoff: z.string().max(20),
  base_delay_ms: Num,
  max_delay_ms: Num,
});

export const BudgetValuesSchema = z.strictObject({
  per_batch_usd: Optional,
  per_day_usd: Optional,
});

export const MonitoringValuesSchema = z.strictObject({
  response_time_threshold: Optional,
  error_rate_threshold: Optional,
  cost_threshold_per_hour: Optional,
});

export const PrivacyValuesSchema = z.strictObject({
  pseudonymize_names: z.boolean(),
  data_collection: z.string().max(20),
});

export const GradingValuesSchema = z.strictObject({
  strictness: z.string().max(20),
  tone: z.string().max(20),
  feedback_language: z.string().max(35),
  /** Empty when not said. */
  grade_level: z.string().max(100),
});

/** Each section as the screen edits it: the values in force, defaults filled in. */
export const SettingsValuesSchema = z.strictObject({
  routing: RoutingValuesSchema,
  retry: RetryValuesSchema,
  budget: BudgetValuesSchema,
  monitoring: MonitoringValuesSchema,
  privacy: PrivacyValuesSchema,
  grading: GradingValuesSchema,
});
export type SettingsValues = z.infer<typeof SettingsValuesSchema>;
export type SettingsSectionName = keyof SettingsValues;

/** Where GradeDesk keeps what it knows; null when there is no such place (a config given another way). */
export const DataLocationsSchema = z.strictObject({
  database: z.string().max(LIMITS.url),
  config: z.string().max(LIMITS.url).nullable(),
  staging: z.string().max(LIMITS.url),
  backups: z.string().max(LIMITS.url),
});
export type DataLocations = z.infer<typeof DataLocationsSchema>;

export const SettingsSnapshotSchema = z.strictObject({
  values: SettingsValuesSchema,
  /** The routing strategies the router knows, in its own order. */
  strategies: z.array(z.string().max(50)).max(50),
  /** The configured models, for the fallbacks. */
  models: z.array(z.strictObject({ id: IdSchema, name: z.string().max(LIMITS.name) })).max(LIMITS.listItems),
  /** This GradeDesk has a config file of its own that it may change. */
  editable: z.boolean(),
  /** The simulated provider is on: its own settings are in force until it is switched off. */
  demo: z.boolean(),
  /** A batch is being graded: changes are refused until it has finished. */
  busy: z.boolean(),
  /** Why the config file cannot be read (a mistake in it); nothing can be saved until it is corrected. */
  configError: ErrorDataSchema.nullable(),
  locations: DataLocationsSchema,
});
export type SettingsSnapshot = z.infer<typeof SettingsSnapshotSchema>;

export const SaveSettingsInputSchema = z.discriminatedUnion('section', [
  z.strictObject({ section: z.literal('routing'), values: RoutingValuesSchema }),
  z.strictObject({ section: z.literal('retry'), values: RetryValuesSchema }),
  z.strictObject({ section: z.literal('budget'), values: BudgetValuesSchema }),
  z.strictObject({ section: z.literal('monitoring'), values: MonitoringValuesSchema }),
  z.strictObject({ section: z.literal('privacy'), values: PrivacyValuesSchema }),
  z.strictObject({ section: z.literal('grading'), values: GradingValuesSchema }),
]);
export type SaveSettingsInput = z.infer<typeof SaveSettingsInputSchema>;

export const settingsRoutes = {
  /** The settings in force now, from the config file, with where the data lives. */
  getSettings: { input: EmptyInput, output: SettingsSnapshotSchema },
  /**
   * Validates one section as the config loader would, writes it (other fields and unknown ones
   * kept) and rebuilds the app on it; SETTING_INVALID names the field, GRADING_IN_PROGRESS while
   * a batch runs. Answers the settings now in force.
   */
  saveSettings: { input: SaveSettingsInputSchema, output: SettingsSnapshotSchema },
} as const;

export const settingsEvents = {} as const;
