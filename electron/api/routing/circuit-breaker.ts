import type { BreakerStateView } from '../../../shared/ipc/monitor.ts';

/** One list of breaker states for the core, the store and the screens (shared/ipc/monitor.ts). */
export type BreakerState = BreakerStateView;

export interface BreakerSettings {
  /** Consecutive failures that open the breaker (low traffic: a teacher's batch is small). */
  consecutiveFailures: number;
  /** Or: this share of failures within the last `windowSize` calls, once `minimumCalls` were seen. */
  failureRate: number;
  windowSize: number;
  minimumCalls: number;
  /** First cool-down; doubles each time a half-open probe fails, up to `maxOpenMs`. */
  openMs: number;
  maxOpenMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  windowSize: 20,
  minimumCalls: 8,
  openMs: 15_000,
  maxOpenMs: 5 * 60_000,
};

/** What survives a restart (the breaker_state table). */
export interface BreakerSnapshot {
  state: BreakerState;
  openedAt: number | null;
  openMs: number;
  consecutiveFailures: number;
  /** Most recent last: true = failure. */
  window: boolean[];
}

/**
 * A circuit breaker for one model × endpoint, made for low traffic: it opens on a run of
 * consecutive failures or a high failure rate over a count window with a minimum, waits a
 * cool-down, then lets exactly one probe through (half-open). A failed probe reopens it for
 * twice as long. Time is passed in, so tests and restarts need no clock tricks.
 */
export class CircuitBreaker {
  private snapshot: BreakerSnapshot;
  private probeInFlight = false;

  constructor(
    private readonly settings: BreakerSettings = DEFAULT_BREAKER,
    initial?: BreakerSnapshot,
  ) {
    this.snapshot = initial
      ? { ...initial, window: [...initial.window], state: initial.state === 'half_open' ? 'open' : initial.state }
      : { state: 'closed', openedAt: null, openMs: settings.openMs, consecutiveFailures: 0, window: [] };
  }

  /** The state at `now`: an open breaker whose cool-down has passed is half-open. */
  state(now: number): BreakerState {
    const s = this.snapshot;
    if (s.state === 'open' && s.openedAt !== null && now >= s.openedAt + s.openMs) return 'half_open';
    return s.state;
  }

  /** When an open breaker will let a probe through; null when it is not open. */
  reopensAt(): number | null {
    const s = this.snapshot;
    return s.state === 'open' && s.openedAt !== null ? s.openedAt + s.openMs : null;
  }

  /** Whether a request may go now. A half-open breaker admits one probe at a time. */
  canPass(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'half_open') return !this.probeInFlight;
    return false;
  }

  /** Call right before sending; returns false if the request must not go. */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'half_open' && !this.probeInFlight) {
      this.snapshot.state = 'half_open';
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  /** An attempt that ended without touching the breaker's concerns (e.g. a bad request). */
  release(): void {
    this.probeInFlight = false;
  }

  onSuccess(): void {
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    const s = this.snapshot;
    s.consecutiveFailures = 0;
    this.push(false);
    // Only the probe closes an open breaker: a late answer to a call sent before it opened
    // says nothing about the model now.
    if (s.state === 'half_open' || (wasProbe && s.state !== 'closed')) {
      s.state = 'closed';
      s.openedAt = null;
      s.openMs = this.settings.openMs;
      s.window = [];
    }
  }

  onFailure(now: number): void {
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    const s = this.snapshot;
    s.consecutiveFailures += 1;
    this.push(true);
    if (s.state === 'half_open' || wasProbe) {
      s.state = 'open';
      s.openedAt = now;
      s.openMs = Math.min(this.settings.maxOpenMs, s.openMs * 2);
      return;
    }
    if (s.state === 'closed' && this.shouldOpen()) {
      s.state = 'open';
      s.openedAt = now;
      s.openMs = this.settings.openMs;
    }
  }

  toSnapshot(): BreakerSnapshot {
    return { ...this.snapshot, window: [...this.snapshot.window] };
  }

  private push(failed: boolean): void {
    const w = this.snapshot.window;
    w.push(failed);
    if (w.length > this.settings.windowSize) w.splice(0, w.length - this.settings.windowSize);
  }

  private shouldOpen(): boolean {
    const s = this.snapshot;
    if (s.consecutiveFailures >= this.settings.consecutiveFailures) return true;
    if (s.window.length < this.settings.minimumCalls) return false;
    const failures = s.window.filter(Boolean).length;
    return failures / s.window.length >= this.settings.failureRate;
  }
}
