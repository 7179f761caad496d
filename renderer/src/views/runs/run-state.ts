/**
 * The progress screen's rules, apart from its markup: folding events into the snapshot, which
 * states are live, which actions each state offers, and when a finished batch deserves a
 * desktop notification.
 */
import type { RunProgress, RunSnapshot, RunState, SubmissionState } from '../../../../shared/ipc/runs.ts';

/** Being graded in this window: the progress moves on its own. */
export const LIVE_STATES: ReadonlySet<RunState> = new Set(['running', 'pausing', 'cancelling']);
/** Stopped with work left: Resume (or "grade the rest") continues it. */
const RESUMABLE: ReadonlySet<RunState> = new Set(['paused', 'sample_done', 'interrupted', 'budget_stopped', 'stopped']);
/** Nothing left to grade. */
const ENDED: ReadonlySet<RunState> = new Set(['completed', 'partial', 'cancelled']);

export function actionsFor(state: RunState): { pause: boolean; cancel: boolean; resume: boolean; done: boolean } {
  return {
    pause: state === 'running',
    cancel: state === 'running' || state === 'pausing' || RESUMABLE.has(state),
    resume: RESUMABLE.has(state) || state === 'cancelled',
    done: ENDED.has(state),
  };
}

export function withProgress(snapshot: RunSnapshot, progress: RunProgress): RunSnapshot {
  return { ...snapshot, state: progress.state, counts: progress.counts, spentUsd: progress.spentUsd, spentUnpriced: progress.spentUnpriced, etaSeconds: progress.etaSeconds };
}

export function withSubmission(snapshot: RunSnapshot, submission: SubmissionState): RunSnapshot {
  const at = snapshot.submissions.findIndex((s) => s.id === submission.id);
  if (at < 0) return snapshot;
  const submissions = snapshot.submissions.slice();
  submissions[at] = submission;
  return { ...snapshot, submissions };
}

/** Submissions with nothing left to do for this run. */
export const doneCount = (snapshot: Pick<RunSnapshot, 'counts'>): number => snapshot.counts.total - snapshot.counts.open;

/** A notification is worth it when a live run of more than a minute ended while the window was elsewhere. */
export function shouldNotify(before: RunState, after: RunState, liveSinceMs: number | null, nowMs: number, focused: boolean): boolean {
  if (!LIVE_STATES.has(before) || LIVE_STATES.has(after) || focused || liveSinceMs === null) return false;
  return nowMs - liveSinceMs > 60_000;
}
