import { z } from 'zod';
import { EmptyInput, ErrorDataSchema, IdSchema, LIMITS } from './common.ts';

/**
 * Student work dropped into the app. The renderer never names a path on the teacher's disk:
 * it uploads each file's bytes in chunks to a staging folder the main process owns, which
 * reads it (kind, pages, the student, problems) and keeps it until a batch starts. The roster
 * imported here is the one the next batch uses.
 *
 * Upload: `beginUpload` (name and size; too large is refused here, before any byte is sent) →
 * `uploadChunk` in order, each at the offset the main process has reached → `finishUpload`,
 * which answers the item as `reading`; `stagedChanged` announces it `ready` or `problem`.
 */

/** Raw bytes per chunk: as base64 (4/3 larger) plus the envelope, well under one request's 256 KiB. */
export const UPLOAD_CHUNK_BYTES = 96 * 1024;
/** A class list is sent whole: spreadsheets of a few thousand students stay far below this. */
export const ROSTER_MAX_BYTES = 144 * 1024;
/** Items staged at once; a batch of a few hundred is what a teacher drops. */
export const MAX_STAGED_ITEMS = LIMITS.listItems;
/** Students of one class list (electron/grading/privacy/roster.ts reads at most this many). */
export const MAX_ROSTER_STUDENTS = 5000;

const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

/** A problem found while reading an item; the code is one of shared/errors.ts. */
export const StagedProblemSchema = ErrorDataSchema;

export const StagedItemSchema = z.strictObject({
  id: IdSchema,
  /** As dropped: the file name, with its folder inside a dropped folder. */
  file: z.string().max(LIMITS.url),
  kind: z.enum(['pdf', 'docx', 'text', 'image', 'unknown']),
  pages: z.number().int().nonnegative().nullable(),
  sizeBytes: z.number().int().nonnegative(),
  /** The student as the teacher knows them (roster, file name, or the teacher's correction); null when unknown. */
  student: z.string().max(LIMITS.name).nullable(),
  /** `reading` while it is being checked; `ready` can be graded; `problem` cannot, and says why. */
  status: z.enum(['reading', 'ready', 'problem']),
  problems: z.array(StagedProblemSchema).max(20),
  /**
   * What the teacher should look at but that does not stop grading: no text layer (read from
   * page images), possible prompt injection, the same file as another item (graded once).
   */
  warnings: z.array(StagedProblemSchema).max(20),
  /** The student found from the roster or the file and folder names, before any correction. */
  detectedStudent: z.string().max(LIMITS.name).nullable(),
  /** Where `student` comes from: a roster entry, the file or folder name, or the teacher. */
  studentSource: z.enum(['roster', 'file_name', 'teacher']).nullable(),
  /** `student` is a name of the imported roster. */
  inRoster: z.boolean(),
});
export type StagedItem = z.infer<typeof StagedItemSchema>;

/** The imported class list as the panels show it. */
export const RosterViewSchema = z.strictObject({
  /** The file name the teacher chose, for "28 students from period3.csv". */
  fileName: z.string().max(LIMITS.name),
  /** Canvas gradebook, Moodle grading worksheet, or a plain class list. */
  format: z.enum(['canvas', 'moodle', 'plain']),
  students: z
    .array(z.strictObject({ name: z.string().max(LIMITS.name), studentId: z.string().max(LIMITS.name).nullable() }))
    .max(MAX_ROSTER_STUDENTS),
});
export type RosterView = z.infer<typeof RosterViewSchema>;

const StagedIdInput = z.strictObject({ id: IdSchema });
const UploadIdInput = z.strictObject({ uploadId: IdSchema });
const Done = z.strictObject({});

export const intakeRoutes = {
  /**
   * Starts an upload. `uploadId` is null for a file GradeDesk leaves out (hidden files, system
   * files, Office lock files): nothing to send. A file over the size limit is refused
   * (FILE_TOO_LARGE) and listed as an item with that problem.
   */
  beginUpload: {
    input: z.strictObject({ file: z.string().min(1).max(LIMITS.url), sizeBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }),
    output: z.strictObject({ uploadId: IdSchema.nullable() }),
  },
  /** The next bytes, base64; `offset` must be what was received so far (UPLOAD_OUT_OF_ORDER otherwise, nothing lost). */
  uploadChunk: {
    input: z.strictObject({
      uploadId: IdSchema,
      offset: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      data: z.base64().max(base64Length(UPLOAD_CHUNK_BYTES)),
    }),
    output: z.strictObject({ received: z.number().int().nonnegative() }),
  },
  /** All bytes are there (UPLOAD_INCOMPLETE otherwise): the item, `reading` until `stagedChanged` says more. */
  finishUpload: { input: UploadIdInput, output: StagedItemSchema },
  /** Abandons an upload and deletes what was received. */
  cancelUpload: { input: UploadIdInput, output: Done },
  listStaged: { input: EmptyInput, output: z.array(StagedItemSchema).max(MAX_STAGED_ITEMS) },
  removeStaged: { input: StagedIdInput, output: Done },
  /** The teacher's name for the student of an item; null or blank goes back to the detected one. */
  setStagedStudent: {
    input: z.strictObject({ id: IdSchema, student: z.string().max(LIMITS.name).nullable() }),
    output: StagedItemSchema,
  },
  clearStaged: { input: EmptyInput, output: Done },
  /** A class list CSV (or an LMS gradebook export), base64; every staged item is matched again. */
  importRoster: {
    input: z.strictObject({ fileName: z.string().min(1).max(LIMITS.name), data: z.base64().max(base64Length(ROSTER_MAX_BYTES)) }),
    output: RosterViewSchema,
  },
  getRoster: { input: EmptyInput, output: RosterViewSchema.nullable() },
  clearRoster: { input: EmptyInput, output: Done },
} as const;

export const intakeEvents = {
  /** Items added, read, re-matched or changed (`items`), and ids no longer staged (`removed`). */
  stagedChanged: z.strictObject({
    items: z.array(StagedItemSchema).max(MAX_STAGED_ITEMS),
    removed: z.array(IdSchema).max(MAX_STAGED_ITEMS),
  }),
  /** A class list was imported or removed (in any window). */
  rosterChanged: z.strictObject({ roster: RosterViewSchema.nullable() }),
} as const;
