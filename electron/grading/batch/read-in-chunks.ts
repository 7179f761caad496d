/**
 * The files of a batch read one by one and recorded a chunk at a time: a new batch (prepare.ts)
 * and one resumed after its preparation stopped (continue-preparation.ts) go through the same
 * loop, so a class of scanned pages never sits in memory at once and a crash keeps every chunk
 * already recorded.
 */
import { AppError } from '../../../shared/errors.ts';
import { countSubmissions, releasePreparation, setBatchStatus, type FileToRead, type WritableDB } from '../../store/index.ts';
import type { BatchImageRedaction } from '../privacy/index.ts';
import { rubricVersion } from '../rubric/index.ts';
import { jobModels, type BatchPlan } from './plan.ts';
import { imageBytesOf, readSubmission, type ReadSubmission } from './read-file.ts';
import { recordChunk, type RecordedSoFar } from './record-chunk.ts';

/** A chunk is recorded when it holds this many files or this many bytes of page images, whichever comes first. */
export interface ChunkLimits {
  files: number;
  imageBytes: number;
}

export const DEFAULT_CHUNK: ChunkLimits = { files: 16, imageBytes: 64 * 1024 * 1024 };

/**
 * After each chunk is recorded (its transaction committed): what is recorded so far, and the
 * chunk's files as read, which are let go as soon as this returns.
 */
export type ChunkRecorded = (so: RecordedSoFar, chunk: readonly ReadSubmission[]) => Promise<void> | void;

export interface ChunkedReading {
  batchId: string;
  plan: BatchPlan;
  files: readonly FileToRead[];
  redaction: BatchImageRedaction | null;
  signal?: AbortSignal | undefined;
  now: () => number;
  chunk?: Partial<ChunkLimits> | undefined;
  onChunkRecorded?: ChunkRecorded | undefined;
}

const stopped = (): AppError => new AppError('ABORTED', 'Stopped while the files were being read.');

/**
 * Reads `files` in order and records them a chunk at a time into `into`. Throws ABORTED when the
 * signal fires: the chunk being read is dropped (its files stay on the list to read), every
 * chunk before it stays recorded.
 */
export async function readInChunks(db: WritableDB, reading: ChunkedReading, into: RecordedSoFar): Promise<void> {
  const limits = { ...DEFAULT_CHUNK, ...reading.chunk };
  const target = { batchId: reading.batchId, models: jobModels(reading.plan), version: rubricVersion(reading.plan.rubric), now: reading.now };
  let chunk: ReadSubmission[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    recordChunk(db, target, chunk, into);
    const recorded = chunk;
    // The chunk's documents (page images) are let go here; only what `into` keeps stays.
    chunk = [];
    bytes = 0;
    await reading.onChunkRecorded?.(into, recorded);
  };
  for (const file of reading.files) {
    if (reading.signal?.aborted) throw stopped();
    const one = await readSubmission(db, reading.batchId, file, reading.plan, reading.redaction, reading.signal);
    // Read while stopping: the document may be cut short (ABORTED), so it is not recorded.
    if (reading.signal?.aborted) throw stopped();
    chunk.push(one);
    bytes += imageBytesOf(one);
    if (chunk.length >= limits.files || bytes >= limits.imageBytes) await flush();
  }
  if (chunk.length > 0) await flush();
}

/**
 * After a stop or a failure while a batch's files were read: the batch stays `interrupted` with
 * what was recorded, for `resume` to read the rest, and this process lets go of it. Answers how
 * many submissions are recorded. Never throws: the store may be what failed.
 */
export function leavePreparation(db: WritableDB, batchId: string, owner: string, now: number): number {
  try {
    return db
      .transaction(() => {
        setBatchStatus(db, batchId, 'interrupted', now);
        releasePreparation(db, batchId, owner);
        return countSubmissions(db, batchId);
      })
      .immediate();
  } catch {
    // A dead owner's claim is taken over by the next resume; nothing more to do here.
    return -1;
  }
}
