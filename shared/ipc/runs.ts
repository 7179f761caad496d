import { z } from 'zod';
import { IdSchema, LIMITS } from './common.ts';

/**
 * Starting, pausing, cancelling and resuming a batch from the app, and its progress.
 */

/** How the models grade: the settings of electron/grading/prompt/settings.ts. */
export const GradingSettingsInputSchema = z.strictObject({
  strictness: z.enum(['lenient', 'standard', 'strict']),
  tone: z.enum(['encouraging', 'neutral', 'direct']),
  /** A BCP 47 tag (`en`, `zh-CN`) or empty for "the language of the work". */
  feedbackLanguage: z.string().max(35),
  /** Free text such as "Year 9" or "first-year university"; empty when not said. */
  gradeLevel: z.string().max(100),
});
export type GradingSettingsInput = z.infer<typeof GradingSettingsInputSchema>;

/** What the "new batch" screen sends: the staged items (intake), a saved rubric, the models. */
export const StartBatchInputSchema = z.strictObject({
  items: z.array(IdSchema).min(1).max(LIMITS.listItems),
  rubricId: IdSchema,
  /** One model (routing picks among these) or several in compare mode; empty = every configured model. */
  models: z.array(IdSchema).max(20),
  compare: z.boolean(),
  settings: GradingSettingsInputSchema,
  /** A cap for this batch in USD; null = the config's. */
  budgetUsd: z.number().nonnegative().nullable(),
  /**
   * Calibration: grade only this many submissions first, so the teacher can review them and see
   * each model's agreement before the rest is graded (the rest waits until resumed); null = all.
   */
  sampleSize: z.number().int().positive().max(LIMITS.listItems).nullable(),
});
export type StartBatchInput = z.infer<typeof StartBatchInputSchema>;

/** One batch as lists show it (newest first). */
export const BatchSummarySchema = z.strictObject({
  batchId: IdSchema,
  createdAt: z.string().max(40),
  /** running | completed | partial | budget_stopped | stopped | interrupted */
  status: z.string().max(LIMITS.id),
  rubric: z.string().max(LIMITS.name),
  submissions: z.number().int().nonnegative(),
  graded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** USD; null when a call in it could not be priced. */
  totalCostUsd: z.number().nonnegative().nullable(),
});
export type BatchSummary = z.infer<typeof BatchSummarySchema>;

export const runsRoutes = {
  listBatches: { input: z.strictObject({}), output: z.array(BatchSummarySchema).max(LIMITS.listItems) },
} as const;

export const runsEvents = {} as const;
