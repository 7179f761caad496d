import { z } from 'zod';
import { IdSchema, LIMITS } from './common.ts';

/**
 * The rubric library: saved rubrics (listed, shown, saved as a new version, hidden), and
 * importing a rubric file into the editor.
 *
 * The rubric itself crosses the bridge in the shape of DESIGN §5 with the limits of the rubric
 * schema the main process grades with (electron/grading/rubric/schema.ts; a unit test holds the
 * two together). Only the shape and sizes are checked here: empty labels, duplicate points and
 * the like are checked by the main process, which answers with a message naming the criterion
 * and level, as the editor does before it sends.
 */
export const RUBRIC_LIMITS = {
  title: 300,
  instructions: 20_000,
  criteria: 50,
  criterionId: 64,
  criterionName: 200,
  criterionDescription: 4000,
  minLevels: 2,
  levels: 10,
  levelLabel: 100,
  levelDescription: 2000,
  /** A rubric file's text; the renderer refuses a larger file before reading it. */
  fileBytes: 200_000,
} as const;

export const RubricLevelSchema = z.strictObject({
  points: z.number().finite().nonnegative(),
  label: z.string().max(RUBRIC_LIMITS.levelLabel),
  description: z.string().max(RUBRIC_LIMITS.levelDescription),
});

export const RubricCriterionSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/).max(RUBRIC_LIMITS.criterionId),
  name: z.string().max(RUBRIC_LIMITS.criterionName),
  description: z.string().max(RUBRIC_LIMITS.criterionDescription),
  levels: z.array(RubricLevelSchema).min(RUBRIC_LIMITS.minLevels).max(RUBRIC_LIMITS.levels),
});

export const RubricDataSchema = z.strictObject({
  title: z.string().max(RUBRIC_LIMITS.title),
  instructions: z.string().max(RUBRIC_LIMITS.instructions),
  criteria: z.array(RubricCriterionSchema).min(1).max(RUBRIC_LIMITS.criteria),
});
export type RubricData = z.infer<typeof RubricDataSchema>;

const Timestamp = z.string().max(40);

/** One saved rubric as the library lists it. `id` is its newest version: the rubric to grade with. */
export const RubricSummarySchema = z.strictObject({
  id: IdSchema,
  title: z.string().max(RUBRIC_LIMITS.title),
  criteria: z.number().int().nonnegative(),
  maxPoints: z.number().nonnegative(),
  /** 1 for a rubric never edited since it was first saved. */
  version: z.number().int().positive(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** When a batch last graded with this rubric (any of its versions); null = never. */
  lastUsedAt: Timestamp.nullable(),
  /** False for a rubric only batches know (graded from the command line, or removed from the library). */
  inLibrary: z.boolean(),
});
export type RubricSummary = z.infer<typeof RubricSummarySchema>;

export const RubricFormatSchema = z.enum(['json', 'markdown', 'csv']);
export type RubricFormat = z.infer<typeof RubricFormatSchema>;

export const rubricsRoutes = {
  /** Saved rubrics, the most recently used or edited first. */
  listRubrics: {
    input: z.strictObject({}),
    output: z.array(RubricSummarySchema).max(LIMITS.listItems),
  },
  /** A rubric by the id the library gave (any version, also one a batch used and the library no longer lists). */
  getRubric: {
    input: z.strictObject({ id: IdSchema }),
    output: z.strictObject({ summary: RubricSummarySchema, rubric: RubricDataSchema }),
  },
  /**
   * Saves a rubric: a new library entry (`replaces: null`), or a new version of the saved rubric
   * whose id is `replaces`, which batches already graded keep. Returns the id to grade with.
   */
  saveRubric: {
    input: z.strictObject({ rubric: RubricDataSchema, replaces: IdSchema.nullable() }),
    output: RubricSummarySchema,
  },
  /** Removes a saved rubric from the library; batches graded with it keep it. */
  deleteRubric: {
    input: z.strictObject({ id: IdSchema }),
    output: z.strictObject({ id: IdSchema }),
  },
  /** Reads a rubric file's text (JSON, Markdown or CSV by its name) for the editor; nothing is saved. */
  importRubric: {
    input: z.strictObject({
      fileName: z.string().min(1).max(LIMITS.name),
      text: z.string().max(RUBRIC_LIMITS.fileBytes),
    }),
    output: z.strictObject({ rubric: RubricDataSchema, format: RubricFormatSchema }),
  },
} as const;

export const rubricsEvents = {} as const;
