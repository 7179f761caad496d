/**
 * What the store's batch status cannot say and the app must remember across a restart: why a
 * batch stopped when the teacher stopped it (paused, a sample graded, cancelled), whether the
 * resume offer was dismissed, and the teacher's last choice of models and settings. Kept as
 * app settings (JSON under a key per batch), never as a new meaning of the batch's status,
 * which the `gradedesk` command reads too.
 */
import { z } from 'zod';
import { BatchChoiceSchema, type BatchChoice } from '../../shared/ipc/runs.ts';
import { deleteSetting, getSetting, setSetting, type ReadableDB, type WritableDB } from '../store/index.ts';

const NoteSchema = z.object({
  /** The teacher's stop; null while it runs or after a resume. */
  stop: z.enum(['pause', 'sample', 'cancel']).nullable(),
  sampleSize: z.number().int().positive().nullable(),
  dismissed: z.boolean(),
});
export type BatchNote = z.infer<typeof NoteSchema>;

const EMPTY: BatchNote = { stop: null, sampleSize: null, dismissed: false };
const key = (batchId: string): string => `runs.batch.${batchId}`;
const LAST_CHOICE = 'runs.lastChoice';

export function readNote(db: ReadableDB, batchId: string): BatchNote {
  const parsed = NoteSchema.safeParse(getSetting(db, key(batchId)));
  return parsed.success ? parsed.data : EMPTY;
}

/** Changes some fields of a batch's note; an empty note is removed. */
export function updateNote(db: WritableDB, batchId: string, change: Partial<BatchNote>): BatchNote {
  const next = { ...readNote(db, batchId), ...change };
  if (next.stop === null && next.sampleSize === null && !next.dismissed) deleteSetting(db, key(batchId));
  else setSetting(db, key(batchId), next);
  return next;
}

export function readLastChoice(db: ReadableDB): BatchChoice | null {
  const parsed = BatchChoiceSchema.safeParse(getSetting(db, LAST_CHOICE));
  return parsed.success ? parsed.data : null;
}

export function writeLastChoice(db: WritableDB, choice: BatchChoice): void {
  setSetting(db, LAST_CHOICE, { models: [...choice.models], compare: choice.compare, settings: { ...choice.settings } });
}
