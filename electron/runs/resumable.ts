/**
 * Batches left unfinished, to offer for resume when GradeDesk starts: interrupted (GradeDesk
 * closed or crashed, or the teacher paused), or still marked running by a process that is gone.
 * Not those this window grades, nor those another live process holds, nor dismissed offers.
 */
import type { ResumableBatch } from '../../shared/ipc/runs.ts';
import { ownerIsAlive } from '../grading/batch/lease-owner.ts';
import { countFilesToRead, getBatch, liveLeaseOwners, queryAll, sql, type ReadableDB } from '../store/index.ts';
import { readNote } from './batch-notes.ts';
import { combineOf } from './run-snapshot.ts';
import { countStates, submissionStates } from './submission-states.ts';

/** Offers beyond these few would bury the screen; older ones stay resumable from the history. */
const MAX_OFFERS = 20;

export function listResumable(db: ReadableDB, isLive: (batchId: string) => boolean, now: number): ResumableBatch[] {
  const ids = queryAll<{ id: string }>(
    db,
    sql`SELECT id FROM batches WHERE status IN ('interrupted', 'running') ORDER BY created_at DESC, rowid DESC LIMIT ${MAX_OFFERS * 2}`,
  ).map((r) => r.id);
  const out: ResumableBatch[] = [];
  for (const id of ids) {
    if (out.length >= MAX_OFFERS || isLive(id)) continue;
    const note = readNote(db, id);
    if (note.dismissed) continue;
    if (liveLeaseOwners(db, id, now).filter(ownerIsAlive).length > 0) continue;
    const batch = getBatch(db, id);
    if (!batch) continue;
    const counts = countStates(submissionStates(db, id, combineOf(batch)));
    out.push({
      batchId: id,
      createdAt: new Date(batch.createdAt).toISOString(),
      rubric: batch.rubricTitle,
      reason: note.stop === 'pause' ? 'paused' : note.stop === 'sample' ? 'sample_done' : 'closed',
      graded: counts.graded,
      // With the files not read yet of a batch whose preparation stopped: "3 of 300", not "3 of 16".
      total: counts.total + countFilesToRead(db, id),
    });
  }
  return out;
}
