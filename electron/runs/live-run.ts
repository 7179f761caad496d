/**
 * One batch being graded by this window: how to pause or cancel it gently, how to stop it hard
 * when GradeDesk closes, and the pace it keeps for the ETA. Only this process's runs are live;
 * a batch another process left is read from the store.
 */
import type { RunState } from '../../shared/ipc/runs.ts';
import type { RunDrain } from '../grading/batch/skip.ts';

/** The pause or cancel of a live run; a cancel wins over a pause that came first. */
export class Drain implements RunDrain {
  private readonly controller = new AbortController();
  private mode: 'pause' | 'cancel' | null = null;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get skipsRest(): boolean {
    return this.mode === 'cancel';
  }

  get requested(): 'pause' | 'cancel' | null {
    return this.mode;
  }

  pause(): void {
    this.mode ??= 'pause';
    this.controller.abort();
  }

  cancel(): void {
    this.mode = 'cancel';
    this.controller.abort();
  }
}

export class LiveRun {
  readonly drain = new Drain();
  /** A hard stop: GradeDesk is closing; calls in flight are abandoned (in doubt, resumable). */
  readonly abort = new AbortController();
  task: Promise<void> = Promise.resolve();
  /** Empty until a new batch is recorded (its files are read first). */
  batchId: string;
  private startedAt: number;
  private ended = 0;

  constructor(
    batchId: string,
    /** This run grades at most this many submissions (a sample); null = all. */
    readonly sampleSize: number | null,
    private readonly now: () => number,
  ) {
    this.batchId = batchId;
    this.startedAt = now();
  }

  /** The batch is recorded: the pace is measured from here, not from reading the files. */
  recorded(batchId: string): void {
    this.batchId = batchId;
    this.startedAt = this.now();
  }

  get state(): Extract<RunState, 'running' | 'pausing' | 'cancelling'> {
    const mode = this.drain.requested;
    return mode === 'cancel' ? 'cancelling' : mode === 'pause' ? 'pausing' : 'running';
  }

  /** A submission of this run was graded, failed, or left in doubt. */
  submissionEnded(): void {
    this.ended += 1;
  }

  /** Seconds until `open` more submissions are done at this run's pace; null before the first. */
  etaSeconds(open: number): number | null {
    if (this.ended === 0) return null;
    const left = this.sampleSize === null ? open : Math.min(open, Math.max(0, this.sampleSize - this.ended));
    const perSubmission = (this.now() - this.startedAt) / this.ended;
    return Math.round((left * perSubmission) / 1000);
  }
}
