import { z } from 'zod';
import { IdSchema, LIMITS } from './common.ts';

/**
 * History: every batch, submission and grading in the database (the app's and the `gradedesk`
 * command's), searched and filtered offline, a page at a time; and a re-grade with another
 * model, as a new batch beside the old one.
 */

/** Rows per page: a screenful or two. Lists fetch the next page as they scroll. */
export const HISTORY_PAGE_MAX = 100;

const count = z.number().int().nonnegative();
const points = z.number().finite();
const SubmissionIdSchema = z.number().int().positive();
/** Milliseconds since the epoch; a day picked on screen is sent as its first and last millisecond, local time. */
const InstantSchema = z.number().int().nonnegative().max(8.64e15);

export const BATCH_STATUSES = ['running', 'completed', 'partial', 'budget_stopped', 'stopped', 'interrupted'] as const;
export const SUBMISSION_STATUSES = ['graded', 'failed', 'in_doubt', 'pending', 'duplicate'] as const;
export const REVIEW_FILTERS = ['all', 'flagged', 'unreviewed', 'reviewed'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];
/** Names: the student's name and the file name; text: what the student wrote. */
export const SEARCH_SCOPES = ['all', 'student', 'text'] as const;
export type SearchScopeInput = (typeof SEARCH_SCOPES)[number];

const paging = {
  offset: count.max(10_000_000).default(0),
  limit: z.number().int().positive().max(HISTORY_PAGE_MAX).default(50),
};

const common = {
  from: InstantSchema.nullable().default(null),
  to: InstantSchema.nullable().default(null),
  rubricId: IdSchema.nullable().default(null),
  modelId: IdSchema.nullable().default(null),
};

export const HistoryBatchSchema = z.strictObject({
  batchId: IdSchema,
  createdAt: z.string().max(40),
  status: z.string().max(LIMITS.id),
  rubric: z.string().max(LIMITS.name),
  /** Started from the app, or graded with the `gradedesk` command. */
  source: z.enum(['app', 'cli']),
  submissions: count,
  graded: count,
  failed: count,
  /** Graded submissions whose grade the teacher accepted. */
  reviewed: count,
  /** Every model that graded something in it. */
  models: z.array(IdSchema).max(50),
  /** USD across every run; null when a call in it could not be priced. */
  totalCostUsd: z.number().nonnegative().nullable(),
  /** The batch it re-grades, when it is a re-grade. */
  regradeOf: IdSchema.nullable(),
});
export type HistoryBatch = z.infer<typeof HistoryBatchSchema>;

export const HistorySubmissionSchema = z.strictObject({
  submissionId: SubmissionIdSchema,
  batchId: IdSchema,
  createdAt: z.string().max(40),
  student: z.string().max(LIMITS.name).nullable(),
  /** The file name alone (no folder). */
  fileName: z.string().max(LIMITS.url),
  rubric: z.string().max(LIMITS.name),
  status: z.string().max(LIMITS.id),
  /** unreviewed, draft (saved, not accepted) or reviewed (accepted). */
  review: z.enum(['unreviewed', 'draft', 'reviewed']),
  /** What the models suggested (their combined result); null when none graded it. */
  aiScore: points.nullable(),
  /** The teacher's grade, once saved. */
  finalScore: points.nullable(),
  maxScore: points.nullable(),
  flags: z.array(z.string().max(LIMITS.id)).max(50),
  models: z.array(IdSchema).max(50),
  /** Around the first match in the text, when searching: `[before, match, after]` pieces. */
  excerpt: z.array(z.string().max(LIMITS.name)).max(3).nullable(),
});
export type HistorySubmission = z.infer<typeof HistorySubmissionSchema>;

export const HistorySubmissionsInputSchema = z.strictObject({
  text: z.string().max(LIMITS.name).default(''),
  scope: z.enum(SEARCH_SCOPES).default('all'),
  batchId: IdSchema.nullable().default(null),
  status: z.enum(SUBMISSION_STATUSES).nullable().default(null),
  review: z.enum(REVIEW_FILTERS).default('all'),
  ...common,
  ...paging,
});
export type HistorySubmissionsQuery = z.output<typeof HistorySubmissionsInputSchema>;

export const HistoryBatchesInputSchema = z.strictObject({
  status: z.enum(BATCH_STATUSES).nullable().default(null),
  ...common,
  ...paging,
});

export const historyRoutes = {
  /** Batches, newest first, one page. */
  listHistoryBatches: {
    input: HistoryBatchesInputSchema,
    output: z.strictObject({ rows: z.array(HistoryBatchSchema).max(HISTORY_PAGE_MAX), hasMore: z.boolean() }),
  },
  /** Student work, newest first, one page: searched by name or text, filtered. */
  listHistorySubmissions: {
    input: HistorySubmissionsInputSchema,
    output: z.strictObject({
      rows: z.array(HistorySubmissionSchema).max(HISTORY_PAGE_MAX),
      hasMore: z.boolean(),
      /** The words typed are too short to look for in the text (three characters are needed). */
      textTooShort: z.boolean(),
    }),
  },
  getHistoryBatch: { input: z.strictObject({ batchId: IdSchema }), output: HistoryBatchSchema },
  /** What the filters offer: rubrics and models that appear in the history, and the models that can grade now. */
  historyFilterOptions: {
    input: z.strictObject({}),
    output: z.strictObject({
      rubrics: z.array(z.strictObject({ id: IdSchema, title: z.string().max(LIMITS.name) })).max(LIMITS.listItems),
      models: z.array(IdSchema).max(200),
      /** Models set up now: what a re-grade can use. */
      available: z.array(IdSchema).max(200),
    }),
  },
  /**
   * Grades stored work again with another model, as a new batch (the old one stays exactly as it
   * was reviewed), and starts it; `submissionIds` null = every gradable submission of the batch.
   */
  regradeWithModel: {
    input: z.strictObject({
      batchId: IdSchema,
      submissionIds: z.array(SubmissionIdSchema).min(1).max(LIMITS.listItems).nullable(),
      modelId: IdSchema,
    }),
    output: z.strictObject({ batchId: IdSchema, submissions: count }),
  },
} as const;

export const historyEvents = {} as const;
