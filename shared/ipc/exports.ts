import { z } from 'zod';
import { IdSchema, LIMITS } from './common.ts';

/**
 * Exports: a batch's grades in the form the school's LMS imports (generic CSV, or the teacher's
 * own Canvas gradebook / Moodle grading worksheet filled in), and a feedback document per
 * student. Main writes the files under `<data folder>/exports/<batch>/` and answers what it
 * wrote, by names relative to that folder only. The teacher's gradebook file reaches main in
 * parts (one request is at most 256 KiB), staged under an upload id.
 */

/** Characters per staged part: 40,000 characters stay under 256 KiB even as JSON-escaped UTF-8. */
export const GRADEBOOK_PART_CHARS = 40_000;
/** Parts per gradebook: 128 × 40,000 characters, about 5 MB, a whole school's gradebook. */
export const GRADEBOOK_MAX_PARTS = 128;

export const ExportFormatSchema = z.enum(['csv', 'canvas', 'moodle']);
export type GradesFormat = z.infer<typeof ExportFormatSchema>;

const Names = z.array(z.string().max(LIMITS.name)).max(LIMITS.listItems);

export const ExportSummarySchema = z.strictObject({
  batchId: IdSchema,
  rubric: z.string().max(LIMITS.name),
  /** Submissions with a grade (the models' or the teacher's). */
  graded: z.number().int().nonnegative(),
  /** Graded work whose grade the teacher has not accepted yet: the models' suggestion would go out. */
  unreviewed: z.strictObject({ count: z.number().int().nonnegative(), names: Names }),
  /** The feedback language stored with the batch (BCP 47); empty when its settings cannot be read. */
  feedbackLanguage: z.string().max(20),
  /** The app can open the system's file manager at an exported file (the desktop app; not browser mode). */
  canReveal: z.boolean(),
});
export type ExportSummary = z.infer<typeof ExportSummarySchema>;

/** A file main wrote, named relative to the exports folder (`<batch>/<name>`); never a full path. */
export const ExportedFileSchema = z.strictObject({
  name: z.string().max(LIMITS.name),
  relativePath: z.string().max(LIMITS.url),
  bytes: z.number().int().nonnegative(),
});
export type ExportedFile = z.infer<typeof ExportedFileSchema>;

export const StageGradebookPartSchema = z.strictObject({
  /** Chosen by the renderer for one file; parts of one upload share it. */
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  index: z.number().int().nonnegative().max(GRADEBOOK_MAX_PARTS - 1),
  count: z.number().int().positive().max(GRADEBOOK_MAX_PARTS),
  text: z.string().max(GRADEBOOK_PART_CHARS),
});

export const ExportGradesInputSchema = z.strictObject({
  batchId: IdSchema,
  format: ExportFormatSchema,
  /** The staged gradebook file (Canvas, Moodle), by its upload id; null for the generic CSV. */
  gradebook: z.strictObject({ uploadId: StageGradebookPartSchema.shape.uploadId, fileName: z.string().max(LIMITS.name) }).nullable(),
  /** The Canvas assignment column to fill; the rubric's title when absent. */
  assignment: z.string().max(LIMITS.name).optional(),
  /** Put the models' feedback into Moodle's feedback column for work the teacher has not reviewed. */
  includeAiFeedback: z.boolean(),
});

export const ExportGradesResultSchema = z.strictObject({
  file: ExportedFileSchema,
  /** Graded students the gradebook has no row for: to enter by hand. */
  unmatched: Names,
  unreviewed: Names,
});
export type ExportGradesResult = z.infer<typeof ExportGradesResultSchema>;

export const FeedbackDocumentsInputSchema = z.strictObject({
  batchId: IdSchema,
  /** The app's language: the documents' words when the batch's feedback language has none of its own. */
  appLanguage: z.enum(['en', 'zh-CN']),
  /** Include the models' feedback for work the teacher has not reviewed. */
  includeAiFeedback: z.boolean(),
  /** One zip of every document, or the documents side by side in a folder. */
  packaging: z.enum(['zip', 'folder']),
});

export const FeedbackDocumentsResultSchema = z.strictObject({
  files: z.array(ExportedFileSchema).max(LIMITS.listItems),
  documents: z.number().int().nonnegative(),
  /** The language the documents' headings are written in. */
  language: z.string().max(20),
  unreviewed: Names,
});
export type FeedbackDocumentsResult = z.infer<typeof FeedbackDocumentsResultSchema>;

const BatchRef = z.strictObject({ batchId: IdSchema });

export const exportsRoutes = {
  getExportSummary: { input: BatchRef, output: ExportSummarySchema },
  stageGradebookPart: { input: StageGradebookPartSchema, output: z.strictObject({ received: z.number().int().nonnegative() }) },
  exportGrades: { input: ExportGradesInputSchema, output: ExportGradesResultSchema },
  exportFeedbackDocuments: { input: FeedbackDocumentsInputSchema, output: FeedbackDocumentsResultSchema },
  /**
   * Opens the system's file manager at a file an export wrote, named as the export answered it
   * (relative to the exports folder; main refuses anything that leaves it). Refused with
   * SHOW_IN_FOLDER_UNAVAILABLE in browser mode, where the files are downloaded instead.
   */
  revealExport: { input: z.strictObject({ relativePath: ExportedFileSchema.shape.relativePath }), output: z.strictObject({}) },
} as const;

export const exportsEvents = {} as const;
