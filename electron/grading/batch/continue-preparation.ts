/**
 * A batch whose files were not all read (the process died, or the teacher stopped while they
 * were read) is resumed like any other: first the files still on its list are read and
 * recorded, a chunk at a time as for a new batch, then it is graded. A file that vanished or
 * changed meanwhile is read as it is now: gone is a `failed` submission (FILE_NOT_FOUND), never
 * a crash.
 */
import { AppError } from '../../../shared/errors.ts';
import { claimPreparation, filesToRead, releasePreparation, type WritableDB } from '../../store/index.ts';
import { newLeaseOwner, ownerIsAlive } from './lease-owner.ts';
import type { BatchPlan } from './plan.ts';
import { batchRedaction, imagesInRedaction, type ImagesInRedaction } from './prepare.ts';
import { leavePreparation, readInChunks, type ChunkLimits, type ChunkRecorded } from './read-in-chunks.ts';
import { nothingRecorded } from './record-chunk.ts';

export interface ContinuePreparation {
  batchId: string;
  plan: BatchPlan;
  signal?: AbortSignal | undefined;
  now?: () => number;
  chunk?: Partial<ChunkLimits>;
  onChunkRecorded?: ChunkRecorded;
}

/**
 * Reads and records what is left of a batch's files. Null when none is left (a batch prepared
 * to the end: the usual case, one small transaction to find out); else the images still being
 * redacted, for the run to queue as they are done. BATCH_IN_PROGRESS when another live process
 * reads them; ABORTED when stopped, the batch kept `interrupted` with what was recorded.
 */
export async function continuePreparation(db: WritableDB, c: ContinuePreparation): Promise<ImagesInRedaction | null> {
  const now = c.now ?? Date.now;
  const owner = newLeaseOwner();
  const claim = claimPreparation(db, c.batchId, owner, ownerIsAlive, now());
  if (claim.kind === 'prepared') return null;
  if (claim.kind === 'busy') {
    throw new AppError('BATCH_IN_PROGRESS', 'The files of this batch are being read right now by another GradeDesk window or command. Let it finish, or stop it, before resuming.', {
      batchId: c.batchId,
    });
  }
  const redaction = batchRedaction(c.plan, c.signal);
  const recorded = nothingRecorded();
  try {
    await readInChunks(
      db,
      { batchId: c.batchId, plan: c.plan, files: filesToRead(db, c.batchId), redaction, signal: c.signal, now, chunk: c.chunk, onChunkRecorded: c.onChunkRecorded },
      recorded,
    );
    releasePreparation(db, c.batchId, owner);
  } catch (error) {
    await redaction?.stop();
    // Kept even with nothing recorded: the teacher asked for this batch, and may resume it again.
    leavePreparation(db, c.batchId, owner, now());
    if (error instanceof AppError && error.code === 'ABORTED') {
      throw new AppError('ABORTED', `Stopped while the files were being read. What was read is kept: resume the batch to read the rest and grade it (gradedesk resume ${c.batchId}).`, {
        batchId: c.batchId,
      });
    }
    throw error;
  }
  redaction?.seal();
  return imagesInRedaction(recorded.redacting, redaction);
}
