import { z } from 'zod';
import { EmptyInput, ErrorDataSchema, IdSchema, LIMITS } from './common.ts';
import { StagedItemSchema } from './intake.ts';

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

/**
 * The feedback languages the grader knows (electron/grading/prompt/settings.ts), by BCP 47 tag;
 * the screen names each in the teacher's language.
 */
export const FEEDBACK_LANGUAGE_TAGS = ['en', 'zh-CN', 'zh-TW', 'es', 'fr', 'de', 'pt', 'it', 'ja', 'ko'] as const;

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

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();

/** One model's part of the estimate; text and images apart (null when the model has no price). */
export const ModelEstimateSchema = z.strictObject({
  model: IdSchema,
  textTokens: count,
  imageTokens: count,
  outputTokens: count,
  /** Prompt text and the answer; null when unpriced. */
  textUsd: usd.nullable(),
  /** Images (photos, scanned pages); null when unpriced. */
  imageUsd: usd.nullable(),
  totalUsd: usd.nullable(),
});

/** What a batch will cost before anything is sent, against the budget, and what happens to names. */
export const BatchEstimateSchema = z.strictObject({
  /** Submissions this start grades (a sample's size, or all that can be read). */
  submissions: count,
  /** Every submission that can be read. */
  allSubmissions: count,
  /** Staged items that cannot be read, with why (they will be reported as failed). */
  unreadable: z.array(z.strictObject({ item: IdSchema, error: ErrorDataSchema })).max(LIMITS.listItems),
  perModel: z.array(ModelEstimateSchema).max(20),
  /**
   * What the start is expected to cost: every model's sum in compare mode, the dearest model of
   * the pool with routing (the router may pick it). Null when a model that counts has no price.
   */
  expectedUsd: usd.nullable(),
  /** Amounts are the demo provider's: simulated, never billed. */
  simulated: z.boolean(),
  budget: z.strictObject({
    perBatchUsd: usd.nullable(),
    perDayUsd: usd.nullable(),
    spentTodayUsd: usd,
    /** What the day's budget leaves; null without one. */
    leftTodayUsd: usd.nullable(),
  }),
  /** The expected cost is over the batch's budget or what today leaves: starting would stop at once. */
  overBudget: z.boolean(),
  /** What happens to students' names before anything is sent. */
  names: z.strictObject({
    /** `roster`: names from the class list become pseudonyms; `no_roster`: only names found in files; `off`: sent as written. */
    mode: z.enum(['roster', 'no_roster', 'off']),
    rosterSize: count,
  }),
  /** No batch was graded with this rubric yet: a sample first is the default. */
  rubricIsNew: z.boolean(),
});
export type BatchEstimate = z.infer<typeof BatchEstimateSchema>;

/** One submission of a running (or stored) batch, as the progress screen lists it. */
export const SubmissionStateSchema = z.strictObject({
  id: z.number().int().positive(),
  /** The student as the teacher knows them, or the file name. */
  student: z.string().max(LIMITS.name),
  /** The file as dropped (with the folders dropped with it); for a batch graded with the command, its name alone. */
  file: z.string().max(LIMITS.url),
  state: z.enum(['waiting', 'queued', 'grading', 'graded', 'failed', 'in_doubt', 'skipped', 'duplicate']),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  /** Why it failed, in the grader's words; the code for the technical details. */
  error: ErrorDataSchema.nullable(),
  /** The start of the overall feedback, once graded. */
  feedback: z.string().max(LIMITS.name),
});
export type SubmissionState = z.infer<typeof SubmissionStateSchema>;

export const RunCountsSchema = z.strictObject({
  total: count,
  graded: count,
  failed: count,
  inDoubt: count,
  skipped: count,
  duplicate: count,
  /** Queued, grading or waiting for its images. */
  open: count,
});
export type RunCounts = z.infer<typeof RunCountsSchema>;

/**
 * Where a batch stands. Live in this window: `running`, `pausing`, `cancelling`. Stopped and
 * resumable: `paused` (by the teacher), `sample_done` (the sample is graded, the rest waits),
 * `interrupted` (GradeDesk closed or crashed), `budget_stopped`, `stopped` (every model refused).
 * Ended: `completed`, `partial` (some failed), `cancelled` (the rest was skipped).
 */
export const RunStateSchema = z.enum([
  'running',
  'pausing',
  'cancelling',
  'paused',
  'sample_done',
  'interrupted',
  'budget_stopped',
  'stopped',
  'completed',
  'partial',
  'cancelled',
]);
export type RunState = z.infer<typeof RunStateSchema>;

export const RunProgressSchema = z.strictObject({
  batchId: IdSchema,
  state: RunStateSchema,
  counts: RunCountsSchema,
  /** What the batch's calls cost so far, across its runs. */
  spentUsd: usd,
  /** Some call's cost is unknown: `spentUsd` leaves it out. */
  spentUnpriced: z.boolean(),
  /** Seconds until this run ends at the pace so far; null until there is a pace. */
  etaSeconds: count.nullable(),
});
export type RunProgress = z.infer<typeof RunProgressSchema>;

/** A batch as the progress screen opens it (and after a reload). */
export const RunSnapshotSchema = RunProgressSchema.extend({
  rubric: z.string().max(LIMITS.name),
  createdAt: z.string().max(40),
  submissions: z.array(SubmissionStateSchema).max(LIMITS.listItems),
  simulated: z.boolean(),
  budget: z.strictObject({ batchUsd: usd.nullable(), perDayUsd: usd.nullable(), spentTodayUsd: usd }),
  /** The sample's size while the rest waits; null otherwise. */
  sampleSize: count.nullable(),
  /** Why a `stopped` batch stopped (a refused key, no credits). */
  error: ErrorDataSchema.nullable(),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

/** A batch left unfinished, offered for resume when GradeDesk starts. */
export const ResumableBatchSchema = z.strictObject({
  batchId: IdSchema,
  createdAt: z.string().max(40),
  rubric: z.string().max(LIMITS.name),
  /** `closed`: GradeDesk closed (or crashed) while grading; `paused` by the teacher; `sample_done`. */
  reason: z.enum(['closed', 'paused', 'sample_done']),
  graded: count,
  total: count,
});
export type ResumableBatch = z.infer<typeof ResumableBatchSchema>;

/** What the new-batch screen starts from: the teacher's last choice. */
export const BatchChoiceSchema = z.strictObject({
  models: z.array(IdSchema).max(20),
  compare: z.boolean(),
  settings: GradingSettingsInputSchema,
});
export type BatchChoice = z.infer<typeof BatchChoiceSchema>;

const BatchRef = z.strictObject({ batchId: IdSchema });

export const runsRoutes = {
  listBatches: { input: z.strictObject({}), output: z.array(BatchSummarySchema).max(LIMITS.listItems) },
  estimateBatch: { input: StartBatchInputSchema, output: BatchEstimateSchema },
  /** Reads the files, records the batch and answers its id; the grading goes on in the background. */
  startBatch: { input: StartBatchInputSchema, output: BatchRef },
  /** Calls in flight finish, the rest waits; resumable. */
  pauseBatch: { input: BatchRef, output: RunSnapshotSchema },
  /** In-progress submissions finish; the rest is skipped. */
  cancelBatch: { input: BatchRef, output: RunSnapshotSchema },
  /** Continues a paused, interrupted or stopped batch; after a sample (or a cancel), grades the rest. */
  resumeBatch: { input: BatchRef, output: RunSnapshotSchema },
  getRun: { input: BatchRef, output: RunSnapshotSchema },
  listResumable: { input: EmptyInput, output: z.array(ResumableBatchSchema).max(LIMITS.listItems) },
  /** The resume offer is not shown again for this batch (it stays resumable from its screen). */
  dismissResumable: { input: BatchRef, output: z.strictObject({}) },
  /** The models, mode and settings of the last batch started: the new-batch screen's defaults; null before the first. */
  lastBatchChoice: { input: EmptyInput, output: BatchChoiceSchema.nullable() },
  /** The sample class shipped with GradeDesk, to try the flow: its essays as staged items, its rubric saved. */
  useSampleClass: { input: EmptyInput, output: z.strictObject({ items: z.array(StagedItemSchema).max(50), rubricId: IdSchema }) },
} as const;

export const runsEvents = {
  runProgress: RunProgressSchema,
  submissionUpdated: z.strictObject({ batchId: IdSchema, submission: SubmissionStateSchema }),
} as const;
