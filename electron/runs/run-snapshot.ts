/**
 * A batch as the progress screen sees it, from the store and (while this window grades it) its
 * live run: where it stands, each submission, what it cost so far against its budget, the ETA.
 */
import { AppError } from '../../shared/errors.ts';
import type { Config } from '../../shared/config.ts';
import type { RunProgress, RunSnapshot, RunState, SubmissionState } from '../../shared/ipc/runs.ts';
import { combineWith } from '../grading/batch/combine.ts';
import { parseStoredPlan } from '../grading/batch/plan.ts';
import type { CombineGradings } from '../grading/batch/report.ts';
import { countFilesToRead, getBatch, localDay, spendForBatch, spendForDay, type BatchRow, type ReadableDB } from '../store/index.ts';
import { readNote, type BatchNote } from './batch-notes.ts';
import type { LiveRun } from './live-run.ts';
import { countStates, submissionStates } from './submission-states.ts';

export interface SnapshotContext {
  db: ReadableDB;
  config: Config | null;
  simulated: boolean;
  now: () => number;
}

export function batchOrThrow(db: ReadableDB, batchId: string): BatchRow {
  const batch = getBatch(db, batchId);
  if (!batch) throw new AppError('BATCH_NOT_FOUND', 'This batch is not in GradeDesk’s records: it may have been deleted. Start a new batch.', { batchId });
  return batch;
}

/** How a batch's gradings combine (its plan's rubric); a plan that cannot be read combines as one model. */
export function combineOf(batch: BatchRow): CombineGradings {
  const plan = parseStoredPlan(batch.configJson);
  if (plan.ok) return combineWith(plan.data.rubric);
  return (gradings) => {
    const first = gradings[0];
    return { score: first?.score ?? 0, maxScore: first?.maxScore ?? 0, criteria: [], flags: first?.flags ?? [] };
  };
}

/** Where a batch this window does not grade stands, from its stored status and the teacher's stop. */
export function storedState(batch: Pick<BatchRow, 'status'>, note: BatchNote): RunState {
  switch (batch.status) {
    case 'running':
      // Nobody grades it here: the process that did is gone.
      return 'interrupted';
    case 'interrupted':
      return note.stop === 'pause' ? 'paused' : note.stop === 'sample' ? 'sample_done' : 'interrupted';
    case 'partial':
      return note.stop === 'cancel' ? 'cancelled' : 'partial';
    default:
      return batch.status;
  }
}

function spendOf(db: ReadableDB, batchId: string): Pick<RunProgress, 'spentUsd' | 'spentUnpriced'> {
  const spend = spendForBatch(db, batchId);
  return { spentUsd: spend.committedUsd, spentUnpriced: spend.unpriced > 0 };
}

function progressFrom(ctx: SnapshotContext, batch: BatchRow, states: readonly SubmissionState[], live: LiveRun | undefined): RunProgress {
  const counts = countStates(states);
  // Files of the batch not read yet (its reading stopped, or a resume is reading them) are
  // work still to do: the total is the whole class from the start, never the files so far.
  const toRead = countFilesToRead(ctx.db, batch.id);
  counts.total += toRead;
  counts.open += toRead;
  return {
    batchId: batch.id,
    state: live ? live.state : storedState(batch, readNote(ctx.db, batch.id)),
    counts,
    ...spendOf(ctx.db, batch.id),
    etaSeconds: live ? live.etaSeconds(counts.open) : null,
  };
}

/** The counts, spend and ETA: what a `runProgress` event carries. */
export function runProgress(ctx: SnapshotContext, batchId: string, live: LiveRun | undefined): RunProgress {
  const batch = batchOrThrow(ctx.db, batchId);
  return progressFrom(ctx, batch, submissionStates(ctx.db, batchId, combineOf(batch)), live);
}

export function runSnapshot(ctx: SnapshotContext, batchId: string, live: LiveRun | undefined): RunSnapshot {
  const batch = batchOrThrow(ctx.db, batchId);
  const states = submissionStates(ctx.db, batchId, combineOf(batch));
  const progress = progressFrom(ctx, batch, states, live);
  const note = readNote(ctx.db, batchId);
  return {
    ...progress,
    rubric: batch.rubricTitle,
    createdAt: new Date(batch.createdAt).toISOString(),
    submissions: states.slice(0, 1000),
    simulated: ctx.simulated,
    budget: {
      batchUsd: batch.budgetUsd ?? ctx.config?.budget?.per_batch_usd ?? null,
      perDayUsd: ctx.config?.budget?.per_day_usd ?? null,
      spentTodayUsd: spendForDay(ctx.db, localDay(ctx.now())).committedUsd,
    },
    sampleSize: progress.state === 'sample_done' || (live?.sampleSize ?? null) !== null ? (live?.sampleSize ?? note.sampleSize) : null,
    error: batch.status === 'stopped' ? batch.error : null,
  };
}
