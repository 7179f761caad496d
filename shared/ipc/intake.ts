import { z } from 'zod';
import { ErrorDataSchema, IdSchema, LIMITS } from './common.ts';

/**
 * Student work dropped into the app. The renderer never names a path on the teacher's disk:
 * it uploads each file's bytes in chunks to a staging folder the main process owns, which
 * reads it (kind, pages, the student, problems) and keeps it until a batch starts. The roster
 * imported here is the one the next batch uses.
 */

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
});
export type StagedItem = z.infer<typeof StagedItemSchema>;

export const intakeRoutes = {} as const;

export const intakeEvents = {} as const;
