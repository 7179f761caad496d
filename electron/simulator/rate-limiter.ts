/**
 * Sliding-window request limiter with honest retry hints. It keeps the admission time of
 * every request in the window, so when a request is refused it knows exactly when the
 * oldest one leaves the window: a client that waits `retryAfterMs` and retries is admitted
 * (unless someone else took the slot first). Time is `performance.now()`, which never jumps.
 */
import { performance } from 'node:perf_hooks';

export interface RateDecision {
  admitted: boolean;
  limit: number;
  /** Slots left after this request (0 when refused). */
  remaining: number;
  /** ms until the oldest admitted request leaves the window (0 if the window is empty). */
  resetMs: number;
  /** When refused: ms until a slot frees, rounded up so that waiting this long is enough. */
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Admits (and records) or refuses one request in the bucket `bucket`. */
  take(bucket: string, limit: number, windowMs: number): RateDecision {
    const now = this.now();
    const times = this.windows.get(bucket) ?? [];
    // A request admitted at t occupies its slot during [t, t + windowMs).
    while (times.length > 0 && (times[0] as number) + windowMs <= now) times.shift();
    if (times.length >= limit) {
      const freesAt = (times[0] as number) + windowMs;
      const wait = Math.max(1, Math.ceil(freesAt - now));
      this.windows.set(bucket, times);
      return { admitted: false, limit, remaining: 0, resetMs: wait, retryAfterMs: wait };
    }
    times.push(now);
    this.windows.set(bucket, times);
    const resetMs = Math.max(0, Math.ceil((times[0] as number) + windowMs - now));
    return { admitted: true, limit, remaining: limit - times.length, resetMs, retryAfterMs: 0 };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** "1.5s" style duration used by `x-ratelimit-reset-requests`. */
export function formatResetSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
