import { z } from 'zod';
import { IdSchema, LIMITS } from './common.ts';

/**
 * Review: the teacher decides. The queue of a batch's graded work (flagged first), one
 * submission beside every model's grading, and the teacher's final grade, stored apart from
 * the models' suggestions with an audit of every change. A save names the version it was based
 * on; when another window saved since, it answers REVIEW_CONFLICT and nothing is written.
 */

/** Extracted text of one submission: a long essay or a scanned book chapter, never a whole library. */
const SUBMISSION_TEXT_MAX = 1_000_000;
/** A page image as a data: URL (JPEG/PNG, long edge ≤ 2048 px, so a few MB at most). */
const PAGE_DATA_URL_MAX = 40_000_000;
const text = z.string().max(LIMITS.message);

/**
 * One finding of GradeDesk's own check of a file before grading, as the check makes it, the store
 * keeps it and the review shows it: words that seem written to whoever grades the work
 * (`request`), words hidden from a reader (`hidden`, quoted as decoded), or characters that
 * disguise text (`disguise`: invisible, look-alike or direction-changing; nothing to quote).
 */
export interface FileCheckFinding {
  kind: 'request' | 'hidden' | 'disguise';
  quote: string;
}
const points = z.number().finite();
const SubmissionIdSchema = z.number().int().positive();

export const QueueFilterSchema = z.enum(['all', 'flagged', 'unreviewed', 'reviewed']);
export type QueueFilter = z.infer<typeof QueueFilterSchema>;

/** unreviewed: nothing saved; draft: the teacher changed something but did not accept; reviewed: accepted. */
export const ReviewStatusSchema = z.enum(['unreviewed', 'draft', 'reviewed']);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

export const QueueRowSchema = z.strictObject({
  submissionId: SubmissionIdSchema,
  /** Null when names are hidden: the screen shows "Student <anonymousNumber>". */
  student: z.string().max(LIMITS.name).nullable(),
  /** A stable number per submission of the batch, in the shuffled order. */
  anonymousNumber: z.number().int().positive(),
  /** The file name alone (no folder). Null when names are hidden, since it usually holds the name. */
  fileName: z.string().max(LIMITS.url).nullable(),
  /** graded, or in_doubt (a request may have been sent when GradeDesk stopped; no model's grade: the teacher may grade it by hand). */
  gradingStatus: z.enum(['graded', 'in_doubt']),
  status: ReviewStatusSchema,
  /** What the models suggest (the consensus in compare mode); null when nothing was graded. */
  aiScore: points.nullable(),
  /** The teacher's grade, once saved. */
  finalScore: points.nullable(),
  maxScore: points.nullable(),
  /** Review signals: models_disagree, possible_prompt_injection, low_confidence, no_text_layer, in_doubt, model_failed:<model>:<code>, … */
  flags: z.array(z.string().max(LIMITS.id)).max(50),
});
export type QueueRow = z.infer<typeof QueueRowSchema>;

export const QueueCountsSchema = z.strictObject({
  all: z.number().int().nonnegative(),
  flagged: z.number().int().nonnegative(),
  unreviewed: z.number().int().nonnegative(),
  reviewed: z.number().int().nonnegative(),
});

export const ReviewQueueSchema = z.strictObject({
  batchId: IdSchema,
  rubric: z.string().max(LIMITS.name),
  createdAt: z.string().max(40),
  counts: QueueCountsSchema,
  /** Rows that match the filter, before offset and limit. */
  total: z.number().int().nonnegative(),
  rows: z.array(QueueRowSchema).max(LIMITS.listItems),
});
export type ReviewQueue = z.infer<typeof ReviewQueueSchema>;

const LevelSchema = z.strictObject({ points, label: z.string().max(LIMITS.name), description: text });
const CriterionSchema = z.strictObject({
  id: IdSchema,
  name: z.string().max(LIMITS.name),
  description: text,
  /** As the rubric lists them; key 1 chooses the first. */
  levels: z.array(LevelSchema).min(1).max(20),
});
export type ReviewCriterion = z.infer<typeof CriterionSchema>;

const ModelCriterionSchema = z.strictObject({
  criterionId: IdSchema,
  points,
  evidence: text,
  feedback: text,
  /** False when the quote does not occur in the submission. */
  evidenceFound: z.boolean(),
});

export const ModelGradingSchema = z.strictObject({
  modelId: IdSchema,
  score: points,
  maxScore: points,
  overallFeedback: text,
  /** The model's own confidence, 0–1; null when it gave none. */
  confidence: z.number().min(0).max(1).nullable(),
  criteria: z.array(ModelCriterionSchema).max(100),
  /** Words of the work the model quoted as aimed at the grader, found in the work; "" when none. */
  aimedAtGrader: text,
});
export type ModelGrading = z.infer<typeof ModelGradingSchema>;

export const ConsensusSchema = z.strictObject({
  score: points,
  maxScore: points,
  criteria: z.array(
    z.strictObject({ criterionId: IdSchema, points, fromModel: IdSchema, evidence: text, feedback: text }),
  ).max(100),
  overallFeedback: text,
});
export type ConsensusView = z.infer<typeof ConsensusSchema>;

const AdjustmentSchema = z.strictObject({
  /** Added to the rubric's total (negative for a penalty). */
  points: points.min(-1000).max(1000),
  reason: z.string().trim().min(1).max(LIMITS.name),
});

export const StoredReviewSchema = z.strictObject({
  /** 1 after the first save, one more after each. */
  version: z.number().int().positive(),
  status: z.enum(['draft', 'reviewed']),
  finalScore: points,
  maxScore: points,
  feedback: text,
  adjustment: AdjustmentSchema.nullable(),
  /**
   * Per criterion the level and the words that go with it: the teacher's own, or the words of
   * the model whose level was kept (null when there are none, as in work graded by hand).
   */
  criteria: z.array(z.strictObject({ criterionId: IdSchema, points, sourceModelId: IdSchema.nullable(), feedback: text.nullable() })).max(100),
  reviewedBy: z.string().max(LIMITS.name),
  updatedAt: z.string().max(40),
  acceptedAt: z.string().max(40).nullable(),
});
export type StoredReview = z.infer<typeof StoredReviewSchema>;

export const AuditEntrySchema = z.strictObject({
  at: z.string().max(40),
  who: z.string().max(LIMITS.name),
  version: z.number().int().positive(),
  /**
   * points: one criterion's level; feedback: the overall feedback; criterion_feedback: the
   * teacher's own words for one criterion; adjustment; status: draft/reviewed; by_hand: the
   * first save of work no model graded (in doubt), graded by the teacher alone.
   */
  field: z.enum(['points', 'feedback', 'criterion_feedback', 'adjustment', 'status', 'by_hand']),
  criterionId: IdSchema.nullable(),
  from: text.nullable(),
  to: text.nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const PageSchema = z.strictObject({
  page: z.number().int().positive(),
  mime: z.string().max(100),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
});

export const SubmissionReviewSchema = z.strictObject({
  submissionId: SubmissionIdSchema,
  batchId: IdSchema,
  student: z.string().max(LIMITS.name).nullable(),
  fileName: z.string().max(LIMITS.url),
  gradingStatus: z.enum(['graded', 'in_doubt']),
  flags: z.array(z.string().max(LIMITS.id)).max(50),
  /**
   * What GradeDesk's own check of the file found before grading: words that seem written to
   * whoever grades it (`request`), words hidden from a reader (`hidden`), characters that
   * disguise text (`disguise`, no quote). Empty when it found nothing.
   */
  fileCheck: z.array(z.strictObject({ kind: z.enum(['request', 'hidden', 'disguise'] satisfies FileCheckFinding['kind'][]), quote: text })).max(20),
  text: z.string().max(SUBMISSION_TEXT_MAX).nullable(),
  pages: z.array(PageSchema).max(LIMITS.listItems),
  rubricTitle: z.string().max(LIMITS.name),
  criteria: z.array(CriterionSchema).max(100),
  models: z.array(ModelGradingSchema).max(50),
  /** The combined result of the models (the one model's own in single-model grading); null when none graded it. */
  consensus: ConsensusSchema.nullable(),
  review: StoredReviewSchema.nullable(),
  audit: z.array(AuditEntrySchema).max(LIMITS.listItems),
});
export type SubmissionReview = z.infer<typeof SubmissionReviewSchema>;

export const SaveReviewInputSchema = z.strictObject({
  submissionId: SubmissionIdSchema,
  /** The version the teacher's screen showed: 0 when nothing was saved yet. */
  basedOn: z.number().int().nonnegative(),
  criteria: z
    .array(
      z.strictObject({
        criterionId: IdSchema,
        points,
        sourceModelId: IdSchema.nullable(),
        /** The teacher's own words for this criterion; absent or null keeps the words of the model whose level was kept. */
        feedback: text.nullable().optional(),
      }),
    )
    .min(1)
    .max(100),
  feedback: text,
  adjustment: AdjustmentSchema.nullable().default(null),
  /** True: the teacher accepts this as the final grade. False: keep it as a draft. */
  accept: z.boolean(),
});
export type SaveReviewInput = z.input<typeof SaveReviewInputSchema>;

export const reviewRoutes = {
  getReviewQueue: {
    input: z.strictObject({
      batchId: IdSchema,
      filter: QueueFilterSchema.default('all'),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().positive().max(LIMITS.listItems).default(LIMITS.listItems),
      /** Names and file names left out, rows in a stable shuffled order. */
      hideNames: z.boolean().default(false),
    }),
    output: ReviewQueueSchema,
  },
  getSubmissionReview: { input: z.strictObject({ submissionId: SubmissionIdSchema }), output: SubmissionReviewSchema },
  getPageImage: {
    input: z.strictObject({ submissionId: SubmissionIdSchema, page: z.number().int().positive() }),
    output: z.strictObject({ mime: z.string().max(100), dataUrl: z.string().max(PAGE_DATA_URL_MAX) }),
  },
  saveReview: { input: SaveReviewInputSchema, output: StoredReviewSchema },
  getReviewAudit: {
    input: z.strictObject({ submissionId: SubmissionIdSchema }),
    output: z.array(AuditEntrySchema).max(LIMITS.listItems),
  },
} as const;

export const reviewEvents = {} as const;
