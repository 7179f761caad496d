import { z } from 'zod';
import { EmptyInput, IdSchema, LIMITS } from './common.ts';

/**
 * The monitor's routes: read-only views of live metrics, costs, retries, alerts and the audit
 * trail. Times cross the bridge as ISO strings (like ModelCheck.checkedAt); money is USD with
 * null (or an `unpricedCalls` count beside a sum) for what is unknown, never 0.
 */

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();
const share = z.number().min(0).max(1);
const isoTime = z.string().max(40);
const CountMap = z.record(z.string().max(LIMITS.id), count);

/** `YYYY-MM-DD` (a local calendar day) or a full ISO date-time with an offset. */
export const DateInputSchema = z
  .string()
  .max(40)
  .pipe(z.union([z.iso.date(), z.iso.datetime({ offset: true })]));

export const DateRangeInput = z.strictObject({
  from: DateInputSchema.optional(),
  to: DateInputSchema.optional(),
});
export type DateRange = z.infer<typeof DateRangeInput>;

export const PercentilesSchema = z.strictObject({
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  /** How many values they were computed from. */
  count,
});
export type PercentilesView = z.infer<typeof PercentilesSchema>;

export const TokensSchema = z.strictObject({ prompt: count, completion: count, cached: count });

export const WindowStatsSchema = z.strictObject({
  /** The span the figures cover, ms (the last N minutes, or fewer samples when busy). */
  windowMs: count,
  calls: count,
  okCalls: count,
  /** Failures; cancellations are not failures. */
  failedCalls: count,
  cancelledCalls: count,
  successRate: share.nullable(),
  errorRate: share.nullable(),
  errorsByClass: CountMap,
  /** Total latency of successful calls. */
  latencyMs: PercentilesSchema.nullable(),
  ttftMs: PercentilesSchema.nullable(),
  tokens: TokensSchema,
  costUsd: usd,
  unpricedCalls: count,
});
export type WindowStatsView = z.infer<typeof WindowStatsSchema>;

/** A circuit breaker's states; the breaker_state table stores the same names. */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
export const BreakerStateSchema = z.enum(BREAKER_STATES);
export type BreakerStateView = z.infer<typeof BreakerStateSchema>;

export const CostLineSchema = z.strictObject({ calls: count, costUsd: usd, unpricedCalls: count });

export const ModelMetricsSchema = z.strictObject({
  modelId: IdSchema,
  name: z.string().max(LIMITS.name),
  /** null when the core has no breaker for it (e.g. no call manager yet). */
  breaker: BreakerStateSchema.nullable(),
  window: WindowStatsSchema,
});
export type ModelMetricsView = z.infer<typeof ModelMetricsSchema>;

export const ModelSummarySchema = z.strictObject({
  modelId: IdSchema,
  name: z.string().max(LIMITS.name),
  breaker: BreakerStateSchema.nullable(),
  calls: count,
  successRate: share.nullable(),
  errorRate: share.nullable(),
  latencyP95Ms: z.number().nonnegative().nullable(),
});

export const OverviewSchema = z.strictObject({
  at: isoTime,
  window: WindowStatsSchema,
  costLastHour: CostLineSchema,
  costToday: CostLineSchema,
  models: z.array(ModelSummarySchema).max(LIMITS.listItems),
  openAlerts: count,
});
export type OverviewView = z.infer<typeof OverviewSchema>;

export const SuggestionKindSchema = z.enum(['rate_limited', 'expensive', 'failing', 'unpriced', 'wasted_retries']);

export const SuggestionSchema = z.strictObject({
  kind: SuggestionKindSchema,
  modelId: IdSchema.nullable(),
  /** The model it is compared with, for 'expensive'. */
  relatedModelId: IdSchema.nullable(),
  message: z.string().max(LIMITS.message),
  numbers: z.record(z.string().max(LIMITS.id), z.number()),
  /** The commonest error class, for 'failing': the screen words the reason and its advice. */
  errorClass: z.string().max(LIMITS.id).nullable().optional(),
});
export type SuggestionView = z.infer<typeof SuggestionSchema>;

export const ModelCostSchema = z.strictObject({
  modelId: IdSchema,
  calls: count,
  costUsd: usd,
  unpricedCalls: count,
  /** Of those, answers of a model with no price (the rest: broken or cancelled calls). */
  unpricedAnswers: count,
  okCalls: count,
  failedCalls: count,
  cancelledCalls: count,
  successRate: share.nullable(),
  costPerSuccessUsd: usd.nullable(),
  promptTokens: count,
  completionTokens: count,
  cachedTokens: count,
});

export const QualityPerCostSchema = z.strictObject({
  modelId: IdSchema,
  /** 0..1: agreement with the teacher when known, else the success rate. */
  quality: share.nullable(),
  qualitySource: z.enum(['agreement', 'success_rate']),
  costPerSuccessUsd: usd.nullable(),
  /** quality per dollar spent per successful call; null when either is unknown or the cost is 0. */
  qualityPerUsd: z.number().nonnegative().nullable(),
});

export const CostAnalysisSchema = z.strictObject({
  from: isoTime.nullable(),
  to: isoTime.nullable(),
  total: CostLineSchema,
  byModel: z.array(ModelCostSchema).max(LIMITS.listItems),
  byDay: z.array(CostLineSchema.extend({ day: z.string().max(10), unpricedAnswers: count })).max(LIMITS.listItems),
  byBatch: z
    .array(CostLineSchema.extend({ batchId: IdSchema, firstCallAt: isoTime, lastCallAt: isoTime }))
    .max(LIMITS.listItems),
  bySubmission: z
    .array(
      CostLineSchema.extend({
        submissionId: count,
        batchId: IdSchema,
        file: z.string().max(LIMITS.url).nullable(),
      }),
    )
    .max(LIMITS.listItems),
  qualityPerCost: z.array(QualityPerCostSchema).max(LIMITS.listItems),
  suggestions: z.array(SuggestionSchema).max(100),
});
export type CostAnalysisView = z.infer<typeof CostAnalysisSchema>;

export const RetryStatsSchema = z.strictObject({
  requests: count,
  succeeded: count,
  failed: count,
  attempts: count,
  attemptsPerSuccess: z.number().nonnegative().nullable(),
  successAfterRetryRate: share.nullable(),
  succeededAfterRetry: count,
  wastedCostUsd: usd,
  wastedUnpricedAttempts: count,
  byErrorClass: z
    .array(
      z.strictObject({
        errorClass: z.string().max(LIMITS.id),
        errorCode: z.string().max(LIMITS.id).nullable(),
        attempts: count,
        requests: count,
        recoveredRequests: count,
        wastedCostUsd: usd,
        unpricedAttempts: count,
      }),
    )
    .max(LIMITS.listItems),
  byModel: z
    .array(
      z.strictObject({
        modelId: IdSchema,
        attempts: count,
        okAttempts: count,
        failedAttempts: count,
        requests: count,
        attemptsPerSuccess: z.number().nonnegative().nullable(),
        successAfterRetryRate: share.nullable(),
        rateLimitedAttempts: count,
        wastedCostUsd: usd,
        wastedUnpricedAttempts: count,
        costUsd: usd,
      }),
    )
    .max(LIMITS.listItems),
});

/** The kinds the alert engine raises today; the alerts table (and `kind` below) is open for more, e.g. 'budget'. */
export const ALERT_KINDS = ['response_time', 'error_rate', 'cost_per_hour'] as const;
export const AlertSeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AlertSeverityView = z.infer<typeof AlertSeveritySchema>;

export const AlertViewSchema = z.strictObject({
  id: count,
  createdAt: isoTime,
  kind: z.string().max(LIMITS.id),
  severity: AlertSeveritySchema,
  modelId: IdSchema.nullable(),
  batchId: IdSchema.nullable(),
  message: z.string().max(LIMITS.message),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  acknowledgedAt: isoTime.nullable(),
  resolvedAt: isoTime.nullable(),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

export const AttemptViewSchema = z.strictObject({
  id: IdSchema,
  requestId: IdSchema,
  purpose: z.string().max(LIMITS.id),
  batchId: IdSchema.nullable(),
  jobId: z.number().int().nullable(),
  modelId: IdSchema,
  endpoint: z.string().max(LIMITS.url),
  startedAt: isoTime,
  attempt: count,
  status: z.enum(['ok', 'error']),
  httpStatus: z.number().int().nullable(),
  errorClass: z.string().max(LIMITS.id).nullable(),
  errorCode: z.string().max(LIMITS.id).nullable(),
  errorMessage: z.string().max(LIMITS.message).nullable(),
  decision: z.string().max(LIMITS.id).nullable(),
  waitedMs: z.number().nonnegative().nullable(),
  ttftMs: z.number().nonnegative().nullable(),
  latencyMs: z.number().nonnegative().nullable(),
  promptTokens: count.nullable(),
  completionTokens: count.nullable(),
  cachedTokens: count.nullable(),
  costUsd: usd.nullable(),
  costSource: z.string().max(LIMITS.id),
  generationId: z.string().max(LIMITS.id).nullable(),
  /** The demo provider's call: its cost is simulated, not spent. */
  simulated: z.boolean().optional(),
});
export type AttemptView = z.infer<typeof AttemptViewSchema>;

/** Page sizes the renderer may ask for; larger pages go through the CLI or an export. */
export const MONITOR_PAGE_MAX = 200;
const pageLimit = z.number().int().min(1).max(MONITOR_PAGE_MAX).default(50);

export const monitorRoutes = {
  getOverview: { input: EmptyInput, output: OverviewSchema },
  getModelMetrics: {
    input: z.strictObject({ modelId: IdSchema.optional() }),
    output: z.array(ModelMetricsSchema).max(LIMITS.listItems),
  },
  getCostAnalysis: { input: DateRangeInput, output: CostAnalysisSchema },
  listAlerts: {
    input: z.strictObject({ limit: pageLimit, before: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() }),
    output: z.array(AlertViewSchema).max(MONITOR_PAGE_MAX),
  },
  listAttempts: {
    input: z.strictObject({ limit: pageLimit, beforeId: IdSchema.optional(), modelId: IdSchema.optional() }),
    output: z.array(AttemptViewSchema).max(MONITOR_PAGE_MAX),
  },
  getRetryStats: { input: DateRangeInput, output: RetryStatsSchema },
} as const;

export const monitorEvents = {
  /** A threshold alert was raised (not sent again when it clears). */
  alertRaised: AlertViewSchema,
} as const;
