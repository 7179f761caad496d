import type { RateLimitHint } from './types.ts';

const WINDOW_MS = 60_000;
const MIN_REQUESTS_TO_LEARN = 5;

export interface PacerScopeReport {
  scope: string;
  configuredRpm: number | null;
  /** What 429s and rate-limit headers taught us; null until they said anything. */
  learnedRpm: number | null;
  /** The limit the provider's headers state, per its own window. */
  providerLimit: number | null;
  blockedUntil: number | null;
  requestsLastMinute: number;
  rateLimited: number;
  preemptiveWaits: number;
}

interface ScopeState {
  configuredRpm: number | null;
  learnedRpm: number | null;
  blockedUntil: number;
  /** The provider's stated limit per its own window (reported, not used for pacing). */
  headerLimit: number | null;
  /** Waits taken because headers said nothing remained, instead of a 429. */
  preemptiveWaits: number;
  /** Start times (past and reserved future) within the sliding window, ascending. */
  starts: number[];
  rateLimited: number;
}

/**
 * Paces requests so a batch does not hammer a limited provider: a sliding one-minute window per
 * scope (an API key at an origin, or one model), limited by the configured `rpm` and by what
 * 429s and `x-ratelimit-*` headers taught; and a hard block until the time a Retry-After named,
 * so nothing reaches that key before it. Slots are reserved, so concurrent callers spread out
 * instead of waking together.
 */
export class RatePacer {
  private readonly scopes = new Map<string, ScopeState>();

  private scope(name: string): ScopeState {
    let s = this.scopes.get(name);
    if (!s) {
      s = { configuredRpm: null, learnedRpm: null, blockedUntil: 0, headerLimit: null, preemptiveWaits: 0, starts: [], rateLimited: 0 };
      this.scopes.set(name, s);
    }
    return s;
  }

  configure(scope: string, rpm: number | null): void {
    this.scope(scope).configuredRpm = rpm;
  }

  private limitOf(s: ScopeState): number | null {
    const limits = [s.configuredRpm, s.learnedRpm].filter((n): n is number => n !== null && n > 0);
    return limits.length === 0 ? null : Math.min(...limits);
  }

  /** When a request could start in every scope, without reserving it. */
  earliestStart(scopes: readonly string[], now: number): number {
    let at = now;
    for (const name of scopes) {
      const s = this.scope(name);
      s.starts = s.starts.filter((t) => t > now - WINDOW_MS);
      at = Math.max(at, s.blockedUntil);
      const limit = this.limitOf(s);
      if (limit !== null) {
        const floor = Math.floor(limit);
        const inWindow = s.starts.filter((t) => t > at - WINDOW_MS);
        if (floor >= 1 && inWindow.length >= floor) {
          const sorted = [...s.starts].sort((a, b) => a - b);
          at = Math.max(at, (sorted[sorted.length - floor] ?? now) + WINDOW_MS);
        }
      }
    }
    return at;
  }

  /** Reserves the earliest slot in every scope and returns its start time; `cancel` gives it back. */
  reserve(scopes: readonly string[], now: number): { startAt: number; cancel: () => void } {
    const startAt = this.earliestStart(scopes, now);
    for (const name of scopes) this.scope(name).starts.push(startAt);
    return {
      startAt,
      cancel: () => {
        for (const name of scopes) {
          const s = this.scope(name);
          const i = s.starts.lastIndexOf(startAt);
          if (i >= 0) s.starts.splice(i, 1);
        }
      },
    };
  }

  /**
   * After a 429: nothing more goes to the scope until the time the provider named. Only when it
   * named none do we guess a limit, from what we managed to send in the last minute; a handful
   * of requests says nothing (the 429 may be the provider's own trouble).
   */
  onRateLimited(scope: string, now: number, retryAfterMs: number | null, hint: RateLimitHint | null): void {
    const s = this.scope(scope);
    s.rateLimited += 1;
    const told = retryAfterMs ?? hint?.resetMs ?? null;
    s.blockedUntil = Math.max(s.blockedUntil, now + (told ?? 1000));
    if (hint?.limit != null && hint.limit > 0) s.headerLimit = hint.limit;
    if (told === null) {
      const sent = s.starts.filter((t) => t > now - WINDOW_MS && t <= now).length;
      if (sent >= MIN_REQUESTS_TO_LEARN) s.learnedRpm = Math.min(s.learnedRpm ?? Number.POSITIVE_INFINITY, sent - 1);
    }
  }

  /**
   * Every answer's rate-limit headers: when the provider says no requests remain until its
   * window resets, wait for the reset instead of collecting a 429.
   */
  onHint(scope: string, now: number, hint: RateLimitHint | null): void {
    if (!hint) return;
    const s = this.scope(scope);
    if (hint.limit != null && hint.limit > 0) s.headerLimit = hint.limit;
    if (hint.remaining !== null && hint.remaining <= 0 && hint.resetMs !== null) {
      s.blockedUntil = Math.max(s.blockedUntil, now + hint.resetMs);
      s.preemptiveWaits += 1;
    }
  }

  report(now: number): PacerScopeReport[] {
    return [...this.scopes.entries()].map(([scope, s]) => ({
      scope,
      configuredRpm: s.configuredRpm,
      learnedRpm: s.learnedRpm,
      providerLimit: s.headerLimit,
      blockedUntil: s.blockedUntil > now ? s.blockedUntil : null,
      requestsLastMinute: s.starts.filter((t) => t > now - WINDOW_MS && t <= now).length,
      rateLimited: s.rateLimited,
      preemptiveWaits: s.preemptiveWaits,
    }));
  }
}
