import { z } from 'zod';
import { EmptyInput, IdSchema, LIMITS } from './common.ts';
import { AttemptViewSchema, MONITOR_PAGE_MAX, SuggestionSchema } from './monitor.ts';

/**
 * Routes of the costs screen: what grading cost and why calls failed, read from the per-day
 * rollups so the screen opens fast however long the history. Ranges are local calendar days,
 * both ends included. Money is USD; unknown costs are counted beside a sum, never added as 0.
 * Simulated (demo) spend is always reported apart from real spend.
 */

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();
const day = z.iso.date();
/** A year and a bit: the longest range the screen offers. */
export const MAX_RANGE_DAYS = 400;

export const DayRangeSchema = z.strictObject({ fromDay: day, toDay: day });
export type DayRangeInput = z.infer<typeof DayRangeSchema>;

export const CostTotalsSchema = z.strictObject({
  calls: count,
  okCalls: count,
  failedCalls: count,
  cancelledCalls: count,
  costUsd: usd,
  unpricedCalls: count,
  /** Answers of unknown cost (a model with no price): a total without them is not one. */
  unpricedAnswers: count,
});
export type CostTotals = z.infer<typeof CostTotalsSchema>;

export const ModelSpendSchema = CostTotalsSchema.extend({
  modelId: IdSchema,
  name: z.string().max(LIMITS.name),
  simulated: z.boolean(),
  successRate: z.number().min(0).max(1).nullable(),
  /** Null when nothing succeeded or some cost is unknown. */
  costPerSuccessUsd: usd.nullable(),
});

export const CostsSummarySchema = z.strictObject({
  fromDay: day,
  toDay: day,
  real: CostTotalsSchema,
  simulated: CostTotalsSchema,
  byModel: z.array(ModelSpendSchema).max(LIMITS.listItems),
});
export type CostsSummary = z.infer<typeof CostsSummarySchema>;

const series = z.array(z.number().nonnegative()).max(MAX_RANGE_DAYS);
const nullableSeries = z.array(z.number().nonnegative().nullable()).max(MAX_RANGE_DAYS);

export const SubmissionSpendSchema = z.strictObject({
  submissionId: count,
  batchId: IdSchema,
  file: z.string().max(LIMITS.url).nullable(),
  calls: count,
  costUsd: usd,
  unpricedCalls: count,
  simulated: z.boolean(),
});
export type SubmissionSpend = z.infer<typeof SubmissionSpendSchema>;

export const CostsChartsSchema = z.strictObject({
  /** Every day of the range, oldest first; each series below has one value per day. */
  days: z.array(day).max(MAX_RANGE_DAYS),
  spend: z
    .array(z.strictObject({ modelId: IdSchema, name: z.string().max(LIMITS.name), simulated: z.boolean(), costUsd: series }))
    .max(100),
  latency: z.strictObject({ p50Ms: nullableSeries, p95Ms: nullableSeries, calls: series }),
  /** Failed share of decided calls per day (cancellations left out), and failures per class. */
  errorRate: nullableSeries,
  errors: z.array(z.strictObject({ errorClass: z.string().max(LIMITS.id), attempts: series })).max(50),
  rateLimits: z.strictObject({ rateLimited: series, waits: series, waitedMs: series }),
  /** What grading one submission with a model cost on average, per day (null: none started). */
  perSubmission: z
    .array(z.strictObject({ modelId: IdSchema, name: z.string().max(LIMITS.name), simulated: z.boolean(), costUsd: nullableSeries }))
    .max(100),
});
export type CostsCharts = z.infer<typeof CostsChartsSchema>;

export const CostsRetriesSchema = z.strictObject({
  byClass: z
    .array(
      z.strictObject({
        errorClass: z.string().max(LIMITS.id),
        errorCode: z.string().max(LIMITS.id).nullable(),
        attempts: count,
        wastedCostUsd: usd,
        unpricedAttempts: count,
        waitedMs: count,
      }),
    )
    .max(50),
  byModel: z
    .array(
      z.strictObject({
        modelId: IdSchema,
        name: z.string().max(LIMITS.name),
        attempts: count,
        okCalls: count,
        failedCalls: count,
        retryAttempts: count,
        okAfterRetry: count,
        rateLimited: count,
        waitedMs: count,
        wastedCostUsd: usd,
        attemptsPerSuccess: z.number().nonnegative().nullable(),
      }),
    )
    .max(LIMITS.listItems),
  suggestions: z.array(SuggestionSchema).max(100),
});
export type CostsRetries = z.infer<typeof CostsRetriesSchema>;

export const ATTEMPT_STATUSES = ['ok', 'error'] as const;

export const AttemptFilterSchema = z.strictObject({
  limit: z.number().int().min(1).max(MONITOR_PAGE_MAX).default(100),
  beforeId: IdSchema.optional(),
  modelId: IdSchema.optional(),
  errorClass: z.string().min(1).max(LIMITS.id).optional(),
  status: z.enum(ATTEMPT_STATUSES).optional(),
  day: day.optional(),
  submissionId: count.optional(),
});
export type AttemptFilter = z.input<typeof AttemptFilterSchema>;

export const AttemptPageSchema = z.strictObject({
  attempts: z.array(AttemptViewSchema).max(MONITOR_PAGE_MAX),
  /** Pass as beforeId for the next page; null at the end. */
  nextBeforeId: IdSchema.nullable(),
  /** The submission asked for, with what its calls cost; null without one. */
  submission: SubmissionSpendSchema.nullable(),
});
export type AttemptPage = z.infer<typeof AttemptPageSchema>;

const ScopeStatusSchema = z.strictObject({
  committedUsd: usd,
  settledUsd: usd,
  reservedUsd: usd,
  outstanding: count,
  unpriced: count,
  estimatedOnly: count,
  reservations: count,
  capUsd: usd.nullable(),
  remainingUsd: usd.nullable(),
});

export const BudgetStatusSchema = z.strictObject({
  day,
  today: ScopeStatusSchema,
  /** The most recent batch's budget; null before the first batch. */
  batch: ScopeStatusSchema.extend({ batchId: IdSchema }).nullable(),
});
export type BudgetStatusView = z.infer<typeof BudgetStatusSchema>;

export const costsRoutes = {
  /** The totals: first on screen, so answered from the rollups alone. */
  getCostsSummary: { input: DayRangeSchema, output: CostsSummarySchema },
  getCostsCharts: { input: DayRangeSchema, output: CostsChartsSchema },
  getCostsRetries: { input: DayRangeSchema, output: CostsRetriesSchema },
  listCostAttempts: { input: AttemptFilterSchema, output: AttemptPageSchema },
  getBudgetStatus: { input: EmptyInput, output: BudgetStatusSchema },
} as const;

export const costsEvents = {} as const;
