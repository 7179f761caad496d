/**
 * Starting, pausing, cancelling and resuming batches in this window. A start reads the files and
 * records the batch, answers its id, and grades on in the background; every job that starts or
 * ends is announced (`submissionUpdated`, `runProgress`). Pause and cancel let the calls in
 * flight finish; closing GradeDesk stops hard, and the batch is offered for resume next time.
 */
import { AppError } from '../../shared/errors.ts';
import type { EventListener } from '../../shared/ipc/contract.ts';
import type { RunSnapshot, StartBatchInput } from '../../shared/ipc/runs.ts';
import { ownerIsAlive } from '../grading/batch/lease-owner.ts';
import { parseStoredPlan } from '../grading/batch/plan.ts';
import type { RunControl } from '../grading/batch/run-batch.ts';
import { settleBatch } from '../grading/batch/settle.ts';
import { skipQueuedJobs, unskipJobs } from '../grading/batch/skip.ts';
import type { GradingCore } from '../grading/core.ts';
import type { Rubric } from '../grading/rubric/index.ts';
import type { GradingService } from '../grading/service.ts';
import type { StagedSelection } from '../intake/selection.ts';
import { liveLeaseOwners, type JobRow } from '../store/index.ts';
import { readNote, updateNote, writeLastChoice } from './batch-notes.ts';
import { LiveRun } from './live-run.ts';
import { batchOrThrow, combineOf, runProgress, runSnapshot, type SnapshotContext } from './run-snapshot.ts';
import { promptSettings } from './settings-input.ts';
import { submissionStates } from './submission-states.ts';

/** Calls in flight across all models, as `gradedesk grade` without `--concurrency`. */
const CONCURRENCY = 4;

export interface RunControlDeps {
  core: GradingCore;
  service: GradingService;
  emit: EventListener;
  simulated: boolean;
  log?: (message: string, details: Record<string, unknown>) => void;
  now?: () => number;
}

export class Runs {
  private readonly live = new Map<string, LiveRun>();
  /** Starts whose files are still being read: no batch yet, but closing must stop them too. */
  private readonly starting = new Set<LiveRun>();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly deps: RunControlDeps) {
    this.now = deps.now ?? Date.now;
  }

  get snapshotContext(): SnapshotContext {
    return { db: this.deps.core.db, config: this.deps.core.config, simulated: this.deps.simulated, now: this.now };
  }

  isLive(batchId: string): boolean {
    return this.live.has(batchId);
  }

  /** A batch is being read or graded: the app must not be rebuilt under it. */
  get busy(): boolean {
    return this.live.size > 0 || this.starting.size > 0;
  }

  snapshot(batchId: string): RunSnapshot {
    return runSnapshot(this.snapshotContext, batchId, this.live.get(batchId));
  }

  /** Records the batch and answers its id once it is recorded; the grading goes on in the background. */
  async start(input: StartBatchInput, selection: StagedSelection, rubric: Rubric): Promise<string> {
    if (this.closed) throw new AppError('ABORTED', 'GradeDesk is closing.');
    const run = new LiveRun('', input.sampleSize, this.now);
    let recorded: (batchId: string) => void = () => {};
    const ready = new Promise<string>((resolve) => (recorded = resolve));
    this.starting.add(run);
    const task = this.deps.service.grade({
      paths: selection.paths,
      rubric,
      roster: selection.roster,
      // The teacher's corrections of who wrote what, and the files named as they were dropped.
      students: selection.students,
      displayNames: selection.files,
      models: input.models,
      compare: input.compare,
      settings: promptSettings(input.settings),
      ...(input.budgetUsd !== null ? { budgetUsd: input.budgetUsd } : {}),
      concurrency: CONCURRENCY,
      source: 'app',
      signal: run.abort.signal,
      onPrepared: (prepared) => {
        run.recorded(prepared.batchId);
        this.starting.delete(run);
        this.live.set(run.batchId, run);
        if (input.sampleSize !== null) updateNote(this.deps.core.db, run.batchId, { sampleSize: input.sampleSize });
        recorded(run.batchId);
        this.announce(run.batchId);
      },
      control: this.controlFor(run),
    });
    const ended = task.then((outcome) => {
      if (outcome.kind === 'over_budget') {
        throw new AppError(
          'BUDGET_EXCEEDED',
          `The estimate (${outcome.estimateUsd.toFixed(4)} USD) is over this batch’s budget (${outcome.budgetUsd.toFixed(4)} USD). Nothing was sent: raise the budget or grade fewer submissions.`,
        );
      }
      return outcome.batchId;
    });
    try {
      // Whichever comes first: the batch recorded (grading goes on), or the start failed.
      await Promise.race([ready, ended]);
    } finally {
      this.starting.delete(run);
    }
    writeLastChoice(this.deps.core.db, { models: input.models, compare: input.compare, settings: input.settings });
    run.task = this.finish(run, ended);
    return run.batchId;
  }

  private controlFor(run: LiveRun): RunControl {
    return {
      drain: run.drain,
      onJobStarted: (job) => this.jobChanged(run, job, false),
      onJobEnded: (job) => this.jobChanged(run, job, true),
      ...(run.sampleSize !== null ? { sampleSize: run.sampleSize } : {}),
    };
  }

  private jobChanged(run: LiveRun, job: JobRow, ended: boolean): void {
    if (run.batchId === '') return;
    try {
      const batch = batchOrThrow(this.deps.core.db, run.batchId);
      const [state] = submissionStates(this.deps.core.db, run.batchId, combineOf(batch), job.submissionId);
      if (!state) return;
      if (ended && (state.state === 'graded' || state.state === 'failed' || state.state === 'in_doubt')) run.submissionEnded();
      this.deps.emit('submissionUpdated', { batchId: run.batchId, submission: state });
      this.announce(run.batchId);
    } catch (error) {
      this.deps.log?.('progress not announced', { batchId: run.batchId, error: String(error) });
    }
  }

  private announce(batchId: string): void {
    try {
      this.deps.emit('runProgress', runProgress(this.snapshotContext, batchId, this.live.get(batchId)));
    } catch (error) {
      this.deps.log?.('progress not announced', { batchId, error: String(error) });
    }
  }

  /** After a run: what the teacher's stop was, kept for the next start; the final progress. */
  private async finish(run: LiveRun, ended: Promise<unknown>): Promise<void> {
    try {
      await ended;
    } catch (error) {
      this.deps.log?.('grading stopped', { batchId: run.batchId, error: String(error) });
    }
    this.live.delete(run.batchId);
    const db = this.deps.core.db;
    if (!db.open) return;
    const status = batchOrThrow(db, run.batchId).status;
    const mode = run.drain.requested;
    const stop = mode === 'cancel' ? 'cancel' : mode === 'pause' ? 'pause' : status === 'interrupted' && run.sampleSize !== null && !run.abort.signal.aborted ? 'sample' : null;
    updateNote(db, run.batchId, { stop, ...(stop === 'sample' ? {} : { sampleSize: null }) });
    this.announce(run.batchId);
  }

  pause(batchId: string): RunSnapshot {
    const run = this.live.get(batchId);
    if (!run) throw new AppError('BATCH_NOT_RUNNING', 'This batch is not being graded right now, so there is nothing to pause.', { batchId });
    run.drain.pause();
    this.announce(batchId);
    return this.snapshot(batchId);
  }

  /** In-progress submissions finish, the rest is skipped; a batch that waits (paused, interrupted) ends at once. */
  cancel(batchId: string): RunSnapshot {
    const run = this.live.get(batchId);
    if (run) {
      run.drain.cancel();
      this.announce(batchId);
      return this.snapshot(batchId);
    }
    const db = this.deps.core.db;
    batchOrThrow(db, batchId);
    this.refuseForeignRun(batchId);
    skipQueuedJobs(db, batchId, this.now());
    settleBatch(db, batchId, { budgetStopped: false, interrupted: false, setupStop: null, skipped: true }, this.now());
    updateNote(db, batchId, { stop: 'cancel', sampleSize: null });
    this.announce(batchId);
    return this.snapshot(batchId);
  }

  private refuseForeignRun(batchId: string): void {
    if (liveLeaseOwners(this.deps.core.db, batchId, this.now()).filter(ownerIsAlive).length > 0) {
      throw new AppError('BATCH_IN_PROGRESS', 'This batch is being graded right now by another GradeDesk window or command. Let it finish, or stop it there.', { batchId });
    }
  }

  /** Grades what a batch has left: after a pause, a close, a sample or a cancel (the skipped ones). */
  resume(batchId: string): RunSnapshot {
    if (this.closed) throw new AppError('ABORTED', 'GradeDesk is closing.');
    if (this.live.has(batchId)) return this.snapshot(batchId);
    const db = this.deps.core.db;
    const batch = batchOrThrow(db, batchId);
    const plan = parseStoredPlan(batch.configJson);
    if (!plan.ok) throw new AppError(plan.error.code, plan.error.message);
    this.refuseForeignRun(batchId);
    const note = readNote(db, batchId);
    if (note.stop === 'cancel' || note.stop === 'sample' || batch.status === 'partial') unskipJobs(db, batchId, this.now());
    updateNote(db, batchId, { stop: null, sampleSize: null, dismissed: false });
    const run = new LiveRun(batchId, null, this.now);
    this.live.set(batchId, run);
    const ended = this.deps.service.resume(
      { id: batchId, plan: plan.data },
      { concurrency: CONCURRENCY, signal: run.abort.signal, control: this.controlFor(run) },
    );
    run.task = this.finish(run, ended);
    this.announce(batchId);
    return this.snapshot(batchId);
  }

  /** Stops every run hard (they stay resumable) and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.starting) run.abort.abort();
    const runs = [...this.live.values()];
    for (const run of runs) run.abort.abort();
    await Promise.all(runs.map((run) => run.task));
  }
}
