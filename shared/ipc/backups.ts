/**
 * Routes of the backups area: copies of the database made with SQLite's online backup API,
 * putting one back, starting over when the file is damaged, and deleting what the teacher no
 * longer may keep (a batch, or everything about one student).
 */
import { z } from 'zod';
import { EmptyInput, IdSchema, LIMITS } from './common.ts';

/**
 * What the rotation keeps. Backups made at close and backups made by the teacher rotate apart, so
 * a few clean closes never push out the copy the teacher made on purpose: automatic ones keep the
 * last 5, the teacher's are kept until deleted on screen or until 20 newer ones of their own.
 * Databases set aside when a backup was put back are kept 30 days: long enough to notice a
 * restore was a mistake, short enough that what a retention deletion removed does not live on in
 * them for ever.
 */
export const BACKUPS_KEPT = { automatic: 5, manual: 20, setAsideDays: 30 } as const;

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

export const BackupsKeptSchema = z.strictObject({
  automatic: z.number().int().positive(),
  manual: z.number().int().positive(),
  setAsideDays: z.number().int().positive(),
});
export type BackupsKept = z.infer<typeof BackupsKeptSchema>;

export const BackupListSchema = z.strictObject({
  backups: z.array(BackupSchema).max(LIMITS.listItems),
  kept: BackupsKeptSchema,
  /** Databases set aside (when a backup was put back, or a damaged file replaced) not yet rotated out. */
  setAside: z.number().int().nonnegative(),
  /** The app can open the system's file manager at a backup (the desktop app; not browser mode). */
  canReveal: z.boolean(),
});
export type BackupList = z.infer<typeof BackupListSchema>;

/** What was set aside (kept `BACKUPS_KEPT.setAsideDays` days) when a backup was put back or a fresh database started. */
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

/** What a deletion removed, and the copies made before it that may still hold it. */
export const DeletionResultSchema = DeletionCountsSchema.extend({
  /** When the deletion was done: backups and set-aside files made before it may hold the data. */
  at: z.string().max(40),
  /** Backups and set-aside databases made before `at`. */
  olderCopies: z.number().int().nonnegative(),
});
export type DeletionResult = z.infer<typeof DeletionResultSchema>;

/** Copies removed by hand: backups, and set-aside databases. */
export const CopiesDeletedSchema = z.strictObject({
  backups: z.number().int().nonnegative(),
  setAside: z.number().int().nonnegative(),
});
export type CopiesDeleted = z.infer<typeof CopiesDeletedSchema>;

const BackupRef = z.strictObject({ id: BackupIdSchema });
const BatchTarget = z.strictObject({ batchId: IdSchema });
/** A student as the batches name them: the display name or the class-list id, matched exactly. */
const StudentTarget = z.strictObject({ student: z.string().trim().min(1).max(LIMITS.name) });

export const backupsRoutes = {
  listBackups: { input: EmptyInput, output: BackupListSchema },
  createBackup: { input: EmptyInput, output: BackupSchema },
  /** Checks the copy, moves the current file aside, puts the copy in place and reopens. */
  restoreBackup: { input: BackupRef, output: StoreSwapSchema },
  /** Only while the database cannot be opened: the damaged file is set aside, not deleted now. */
  startFreshDatabase: { input: EmptyInput, output: StoreSwapSchema },
  /** Deletes one backup (either kind); the list answers without it. */
  deleteBackup: { input: BackupRef, output: CopiesDeletedSchema },
  /** Deletes every backup and set-aside database made before a time (a retention deletion's `at`). */
  deleteCopiesBefore: { input: z.strictObject({ before: z.iso.datetime() }), output: CopiesDeletedSchema },
  /** Opens the system's file manager at a backup; refused with SHOW_IN_FOLDER_UNAVAILABLE in browser mode. */
  revealBackup: { input: BackupRef, output: z.strictObject({}) },
  previewDeleteBatch: { input: BatchTarget, output: DeletionCountsSchema },
  deleteBatch: { input: BatchTarget, output: DeletionResultSchema },
  previewDeleteStudentData: { input: StudentTarget, output: DeletionCountsSchema },
  deleteStudentData: { input: StudentTarget, output: DeletionResultSchema },
} as const;

export const backupsEvents = {} as const;
