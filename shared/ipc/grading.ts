import { z } from 'zod';
import { EmptyInput, ErrorDataSchema, IdSchema, LIMITS } from './common.ts';

/**
 * Grading from the app. For now one route: demo mode grades the sample class shipped in the
 * repository (demo/essays against demo/rubric.json) with the built-in simulated provider,
 * through the same pipeline as `gradedesk grade --demo`, and answers the same report as
 * `grade --json` (DESIGN §6, snake_case as there). Outside demo mode it answers DEMO_ONLY;
 * while one runs, another call answers GRADING_IN_PROGRESS.
 */

const count = z.number().int().nonnegative();
/** USD; null (with `cost_unpriced: true` beside it) when it cannot be known, never 0. */
const usd = z.number().nonnegative().nullable();
const text = z.string().max(LIMITS.message);
const fileName = z.string().max(LIMITS.url);

export const CriterionReportSchema = z.strictObject({
  id: z.string().max(LIMITS.id),
  points: z.number(),
  max_points: z.number(),
  evidence: text,
  feedback: text,
});

export const SubmissionReportSchema = z.strictObject({
  file: fileName,
  /** The student as the teacher knows them (roster or file name), never a pseudonym. */
  student: z.string().max(LIMITS.name).optional(),
  status: z.enum(['graded', 'failed', 'in_doubt', 'duplicate', 'pending']),
  score: z.number().optional(),
  max_score: z.number().optional(),
  criteria: z.array(CriterionReportSchema).max(100).optional(),
  /** Each model's part: it graded the submission, failed, or cannot take it (no vision, too small a context). */
  models: z
    .array(
      z.discriminatedUnion('status', [
        z.strictObject({
          model: IdSchema,
          status: z.literal('graded'),
          score: z.number(),
          cost_usd: usd,
          cost_unpriced: z.literal(true).optional(),
          latency_ms: z.number().nonnegative().nullable(),
        }),
        z.strictObject({ model: IdSchema, status: z.literal('failed'), error: ErrorDataSchema }),
        z.strictObject({ model: IdSchema, status: z.literal('not_applicable'), reason: z.string().regex(/^[A-Z][A-Z0-9_]*$/).max(LIMITS.id) }),
      ]),
    )
    .max(50)
    .optional(),
  flags: z.array(z.string().max(LIMITS.id)).max(50).optional(),
  cost_usd: usd.optional(),
  cost_unpriced: z.literal(true).optional(),
  duplicate_of: fileName.optional(),
  error: ErrorDataSchema.optional(),
  /** The teacher accepted the grade; when the teacher saved one, score and criteria are the teacher's and ai_score the models'. */
  reviewed: z.boolean().optional(),
  ai_score: z.number().optional(),
  feedback: text.optional(),
});

export const BatchReportSchema = z.strictObject({
  batch_id: IdSchema,
  status: z.string().max(LIMITS.id),
  /** Why a `stopped` batch stopped (a refused key, no credits). */
  error: ErrorDataSchema.optional(),
  submissions: z.array(SubmissionReportSchema).max(LIMITS.listItems),
  total_cost_usd: usd,
  cost_unpriced: z.literal(true).optional(),
  estimated_calls: count,
  unpriced_calls: count,
  api_calls: count,
  possible_duplicate_paid_calls: count,
});
export type BatchReportView = z.infer<typeof BatchReportSchema>;

/** Sent while a batch the app started runs: `done` counts finished jobs, failed ones included. */
export const GradingProgressSchema = z.strictObject({
  batchId: IdSchema,
  done: count,
  /** Of `done`, how many failed. */
  failed: count,
  total: count,
});
export type GradingProgress = z.infer<typeof GradingProgressSchema>;

export const gradingRoutes = {
  gradeDemoClass: { input: EmptyInput, output: BatchReportSchema },
} as const;

export const gradingEvents = {
  gradingProgress: GradingProgressSchema,
} as const;
