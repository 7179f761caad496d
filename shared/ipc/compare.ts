import { z } from 'zod';
import { IdSchema, LIMITS } from './common.ts';

/**
 * The compare screen: a batch's criterion × model matrix (paged, so a batch of 300 never
 * crosses the bridge at once) and each model's agreement with the teacher's final grades.
 */

const Count = z.number().int().nonnegative();
const Usd = z.number().nonnegative();
/** Feedback and evidence are cut to this on the way out; the store keeps them whole. */
export const COMPARE_TEXT_MAX = LIMITS.message;
/** Submissions per page of the matrix. */
export const MATRIX_PAGE_MAX = 100;

export const CompareLevelSchema = z.strictObject({ points: z.number().finite(), label: z.string().max(LIMITS.name) });

export const CompareCriterionSchema = z.strictObject({
  id: IdSchema,
  name: z.string().max(LIMITS.name),
  /** Lowest points first. */
  levels: z.array(CompareLevelSchema).max(20),
});
export type CompareCriterion = z.infer<typeof CompareCriterionSchema>;

/** One model's column: its blind-mode letter and its totals over the whole batch. */
export const CompareModelSchema = z.strictObject({
  modelId: IdSchema,
  /** "A", "B", …: stable for the batch, shuffled by it so "A" is not always the same model. */
  alias: z.string().max(4),
  graded: Count,
  /** Submissions this model could not grade (failed or not applicable). */
  notGraded: Count,
  /** Every recorded call of the batch for this model, retries included; null when some call could not be priced. */
  costUsd: Usd.nullable(),
  unpricedCalls: Count,
  calls: Count,
  promptTokens: Count,
  completionTokens: Count,
  meanLatencyMs: z.number().nonnegative().nullable(),
  /** Answered by the demo provider: its cost is not real money. */
  simulated: z.boolean(),
});
export type CompareModel = z.infer<typeof CompareModelSchema>;

export const CellCriterionSchema = z.strictObject({
  criterionId: IdSchema,
  points: z.number().finite(),
  evidence: z.string().max(COMPARE_TEXT_MAX),
  feedback: z.string().max(COMPARE_TEXT_MAX),
});

/** What one model did with one submission. */
export const CompareCellSchema = z.strictObject({
  modelId: IdSchema,
  /** graded; failed (errorCode says why); not_applicable (e.g. NO_VISION); waiting (not graded yet). */
  status: z.enum(['graded', 'failed', 'not_applicable', 'waiting']),
  errorCode: z.string().max(LIMITS.id).nullable(),
  score: z.number().finite().nullable(),
  maxScore: z.number().finite().nullable(),
  criteria: z.array(CellCriterionSchema).max(50),
  overallFeedback: z.string().max(COMPARE_TEXT_MAX),
  promptTokens: Count.nullable(),
  completionTokens: Count.nullable(),
  latencyMs: Count.nullable(),
  costUsd: Usd.nullable(),
});
export type CompareCell = z.infer<typeof CompareCellSchema>;

export const CompareRowSchema = z.strictObject({
  submissionId: Count,
  student: z.string().max(LIMITS.name),
  /** The file's name (not its folder). */
  file: z.string().max(LIMITS.name),
  /** Every criterion has a final grade from the teacher: blind mode shows this row's model names. */
  reviewed: z.boolean(),
  finals: z.array(z.strictObject({ criterionId: IdSchema, points: z.number().finite() })).max(50),
  /** Criteria on which the models that graded it chose different levels. */
  disagreements: z.array(IdSchema).max(50),
  /** One per model of the batch, in the order of `models`. */
  cells: z.array(CompareCellSchema).max(20),
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

/** A batch graded as a sample first: the rest of it waits for the teacher. */
export const CalibrationSchema = z.strictObject({
  /** Submissions with no grading yet whose work is queued (the rest of the batch). */
  waiting: Count,
  /** Graded submissions, and how many of them the teacher has reviewed in full. */
  graded: Count,
  reviewed: Count,
});

export const CompareMatrixSchema = z.strictObject({
  batchId: IdSchema,
  rubricTitle: z.string().max(LIMITS.name),
  batchStatus: z.string().max(LIMITS.id),
  criteria: z.array(CompareCriterionSchema).max(50),
  models: z.array(CompareModelSchema).max(20),
  /** Submissions in the batch, and those the filter keeps. */
  totalRows: Count,
  matchingRows: Count,
  offset: Count,
  rows: z.array(CompareRowSchema).max(MATRIX_PAGE_MAX),
  calibration: CalibrationSchema,
});
export type CompareMatrix = z.infer<typeof CompareMatrixSchema>;

const Share = z.number().min(0).max(1).nullable();

export const ModelAgreementSchema = z.strictObject({
  modelId: IdSchema,
  papers: Count,
  decisions: Count,
  /** Decisions left out: the teacher gave points that are not one of the rubric's levels. */
  offLevel: Count,
  exact: Share,
  withinOne: Share,
  /** Quadratic weighted kappa, −1..1; null when it cannot be told (no decisions, one level only). */
  kappa: z.number().min(-1).max(1).nullable(),
  /** What the "performance" routing strategy uses as this model's quality; null until enough papers. */
  quality: Share,
  confusion: z
    .array(
      z.strictObject({
        criterionId: IdSchema,
        name: z.string().max(LIMITS.name),
        levels: z.array(CompareLevelSchema).max(20),
        counts: z.array(z.array(Count).max(20)).max(20),
      }),
    )
    .max(LIMITS.listItems),
  bias: z
    .array(z.strictObject({ criterionId: IdSchema, name: z.string().max(LIMITS.name), meanDifference: z.number().finite(), decisions: Count }))
    .max(LIMITS.listItems),
});
export type ModelAgreementView = z.infer<typeof ModelAgreementSchema>;

export const AgreementSchema = z.strictObject({
  batchId: IdSchema.nullable(),
  /** Papers with at least one final grade from the teacher. */
  reviewedPapers: Count,
  /** Papers a model needs before its agreement counts as its quality for routing. */
  minPapersForQuality: Count,
  models: z.array(ModelAgreementSchema).max(LIMITS.listItems),
});
export type AgreementView = z.infer<typeof AgreementSchema>;

export const compareRoutes = {
  getCompareMatrix: {
    input: z.strictObject({
      batchId: IdSchema,
      offset: Count.max(100_000).default(0),
      limit: z.number().int().min(1).max(MATRIX_PAGE_MAX).default(50),
      disagreementsOnly: z.boolean().default(false),
    }),
    output: CompareMatrixSchema,
  },
  getAgreement: {
    input: z.strictObject({
      /** null: every batch (what routing uses). */
      batchId: IdSchema.nullable(),
      modelIds: z.array(IdSchema).max(20).optional(),
    }),
    output: AgreementSchema,
  },
} as const;

export const compareEvents = {} as const;
