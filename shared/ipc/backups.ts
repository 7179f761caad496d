/**
 * Routes of the backups area: copies of the database made with SQLite's online backup API,
 * putting one back, starting over when the file is damaged, and deleting what the teacher no
 * longer may keep (a batch, or everything about one student).
 */
import { z } from 'zod';
import { EmptyInput, IdSchema, LIMITS } from './common.ts';

/** How many backups are kept; each new one (by hand or at close) drops the oldest beyond these. */
export const BACKUPS_KEPT = 5;

/** A backup's name in the backups folder: `gradedesk-<UTC time>-<kind>.db`; the id the routes use. */
export const BackupIdSchema = z
  .string()
  .max(80)
  .regex(/^gradedesk-\d{8}T\d{6}\d{3}Z-(manual|automatic)\.db$/);

export const BackupSchema = z.strictObject({
  id: BackupIdSchema,
  createdAt: z.string().max(40),
  kind: z.enum(['manual', 'automatic']),
  sizeBytes: z.number().int().nonnegative(),
  /** Batches the copy holds; null when the copy could not be read. */
  batches: z.number().int().nonnegative().nullable(),
});
export type Backup = z.infer<typeof BackupSchema>;

export const BackupListSchema = z.strictObject({
  backups: z.array(BackupSchema).max(LIMITS.listItems),
  kept: z.number().int().positive(),
});
export type BackupList = z.infer<typeof BackupListSchema>;

/** What was put aside (never deleted) when a backup was put back or a fresh database started. */
export const StoreSwapSchema = z.strictObject({
  restored: BackupSchema.nullable(),
  /** The file name the previous database was moved to, inside the backups folder's `set-aside`. */
  setAside: z.string().max(LIMITS.name).nullable(),
});
export type StoreSwap = z.infer<typeof StoreSwapSchema>;

/** What a deletion removes (the preview) or removed. */
export const DeletionCountsSchema = z.strictObject({
  batches: z.number().int().nonnegative(),
  submissions: z.number().int().nonnegative(),
  gradings: z.number().int().nonnegative(),
  reviews: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
});
export type DeletionCounts = z.infer<typeof DeletionCountsSchema>;

const BatchTarget = z.strictObject({ batchId: IdSchema });
/** A student as the batches name them: the display name or the class-list id, matched exactly. */
const StudentTarget = z.strictObject({ student: z.string().trim().min(1).max(LIMITS.name) });

export const backupsRoutes = {
  listBackups: { input: EmptyInput, output: BackupListSchema },
  createBackup: { input: EmptyInput, output: BackupSchema },
  /** Checks the copy, moves the current file aside, puts the copy in place and reopens. */
  restoreBackup: { input: z.strictObject({ id: BackupIdSchema }), output: StoreSwapSchema },
  /** Only while the database cannot be opened: the damaged file is moved aside, never deleted. */
  startFreshDatabase: { input: EmptyInput, output: StoreSwapSchema },
  previewDeleteBatch: { input: BatchTarget, output: DeletionCountsSchema },
  deleteBatch: { input: BatchTarget, output: DeletionCountsSchema },
  previewDeleteStudentData: { input: StudentTarget, output: DeletionCountsSchema },
  deleteStudentData: { input: StudentTarget, output: DeletionCountsSchema },
} as const;

export const backupsEvents = {} as const;
