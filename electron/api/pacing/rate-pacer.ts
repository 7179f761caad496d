import type { RateLimitHint } from '../client/types.ts';

const WINDOW_MS = 60_000;
const MIN_REQUESTS_TO_LEARN = 5;
/**
 * Starts on a scope known to be limited (an rpm, or a 429 seen) are at least this far apart.
 * A 429 or 503 comes back within a few milliseconds of arriving; spaced sends let the client
 * read it before the next request leaves, instead of a burst landing inside the window it
 * opened. 20 ms caps such a scope at 50 requests a second, far above any limit that 429s.
 */
export const LIMITED_SPACING_MS = 20;

export interface PacerScopeReport {
  scope: string;
  configuredRpm: number | null;
  /** What 429s taught us when the provider named no wait; null until then. */
  learnedRpm: number | null;
  /** The limit the provider's headers state, per its own window. */
  providerLimit: number | null;
  blockedUntil: number | null;
  requestsLastMinute: number;
  rateLimited: number;
  preemptiveWaits: number;
}

/** A start reserved in every scope of a request; `cancel` gives it back (at most once). */
export interface PacerSlot {
  startAt: number;
  cancel: () => void;
}

/** Requests per second over the last minute, in 60 buckets: O(1) to add and cheap to sum. */
class MinuteCounter {
  private readonly counts = new Float64Array(60);
  private readonly seconds = new Float64Array(60).fill(-1);

  add(at: number, delta: number): void {
    const second = Math.floor(at / 1000);
    const i = second % 60;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.counts[i] = 0;
    }
    this.counts[i] = (this.counts[i] ?? 0) + delta;
  }

  /** Starts since a minute ago (reserved ones ahead included), one per start, at the second's beginning, ascending. */
  startTimes(now: number): number[] {
    const current = Math.floor(now / 1000);
    const seconds: number[] = [];
    for (let i = 0; i < 60; i++) {
      const s = this.seconds[i] ?? -1;
      if (s > current - 60) seconds.push(s);
    }
    seconds.sort((a, b) => a - b);
    const out: number[] = [];
    for (const s of seconds) for (let n = this.counts[s % 60] ?? 0; n > 0; n--) out.push(s * 1000);
    return out;
  }

  /** Starts in (now − 60 s, now]. */
  lastMinute(now: number): number {
    const current = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < 60; i++) {
      const s = this.seconds[i] ?? -1;
      if (s > current - 60 && s <= current) sum += this.counts[i] ?? 0;
    }
    return sum;
  }
}

interface ScopeState {
  configuredRpm: number | null;
  learnedRpm: number | null;
  /** When the learned limit last changed: a whole minute without a lesson raises it again. */
  learnedAt: number;
  blockedUntil: number;
  /** The provider's stated limit per its own window (reported, not used for pacing). */
  headerLimit: number | null;
  /** Waits taken because headers said nothing remained, instead of a 429. */
  preemptiveWaits: number;
  rateLimited: number;
  /**
   * The latest start times (past and reserved), ascending, at most as many as the limit: the
   * sliding-window rule only ever needs the L-th latest start. Empty while no limit applies.
   */
  recent: number[];
  /**
   * Starts reserved from LIMITED_SPACING_MS ago on, ascending: a limited scope's new start keeps
   * that gap to each of them. Not just to the latest: one model's start far ahead (its window is
   * full) must not hold up the other models on the same key.
   */
  spaced: number[];
  /** When a request last actually left on this scope (a late timer can bunch reserved starts). */
  lastSent: number;
  counter: MinuteCounter;
}

/**
 * Paces requests so a batch does not hammer a limited provider: a sliding one-minute window per
 * scope (an API key at an origin, or one model), limited by the configured `rpm` and by what
 * 429s taught; a hard block until the time a Retry-After named, so nothing reaches that key
 * before it; starts spaced a little on a scope known to be limited, so an answer that opens such
 * a block is read before the next request leaves; and a wait for the reset when rate-limit
 * headers say nothing remains. Slots are
 * reserved, so concurrent callers spread out instead of waking together. Every operation is
 * O(starts in the window) at worst and O(1) without a limit: the pacer sits on every call's path.
 */
export class RatePacer {
  private readonly scopes = new Map<string, ScopeState>();

  private scope(name: string): ScopeState {
    let s = this.scopes.get(name);
    if (!s) {
      s = {
        configuredRpm: null,
        learnedRpm: null,
        learnedAt: 0,
        blockedUntil: 0,
        headerLimit: null,
        preemptiveWaits: 0,
        rateLimited: 0,
        recent: [],
        spaced: [],
        lastSent: Number.NEGATIVE_INFINITY,
        counter: new MinuteCounter(),
      };
      this.scopes.set(name, s);
    }
    return s;
  }

  configure(scope: string, rpm: number | null): void {
    this.scope(scope).configuredRpm = rpm;
  }

  private limitOf(s: ScopeState): number | null {
    const { configuredRpm: c, learnedRpm: l } = s;
    const limit = c !== null && c > 0 ? (l !== null && l > 0 ? Math.min(c, l) : c) : l !== null && l > 0 ? l : null;
    return limit === null ? null : Math.max(1, Math.floor(limit));
  }

  /** When a request could start in every scope, without reserving it. */
  earliestStart(scopes: readonly string[], now: number): number {
    let at = now;
    for (const name of scopes) {
      const s = this.scope(name);
      if (s.blockedUntil > at) at = s.blockedUntil;
      const limit = this.limitOf(s);
      if (limit !== null && s.recent.length >= limit) {
        const lth = s.recent[s.recent.length - limit];
        if (lth !== undefined && lth + WINDOW_MS > at) at = lth + WINDOW_MS;
      }
      if (limit !== null || s.rateLimited > 0) {
        // Ascending, and `at` only moves later: one pass finds the first gap wide enough.
        for (const t of s.spaced) {
          if (t <= at - LIMITED_SPACING_MS) continue;
          if (t >= at + LIMITED_SPACING_MS) break;
          at = t + LIMITED_SPACING_MS;
        }
      }
    }
    return at;
  }

  /**
   * How long a request about to leave must still wait so that sends on a limited scope stay
   * LIMITED_SPACING_MS apart even when timers fired late and bunched their reserved starts.
   */
  sendGap(scopes: readonly string[], now: number): number {
    let wait = 0;
    for (const name of scopes) {
      const s = this.scope(name);
      if (this.limitOf(s) === null && s.rateLimited === 0) continue;
      wait = Math.max(wait, s.lastSent + LIMITED_SPACING_MS - now);
    }
    return wait;
  }

  /** A request left now on these scopes. */
  markSent(scopes: readonly string[], now: number): void {
    for (const name of scopes) this.scope(name).lastSent = now;
  }

  /** The latest Retry-After or reset block in force over these scopes (0 when none). */
  blockedUntil(scopes: readonly string[]): number {
    let until = 0;
    for (const name of scopes) until = Math.max(until, this.scope(name).blockedUntil);
    return until;
  }

  /** Reserves the earliest slot in every scope and returns its start time; `cancel` gives it back. */
  reserve(scopes: readonly string[], now: number): PacerSlot {
    for (const name of scopes) this.relaxLearned(this.scope(name), now);
    const startAt = this.earliestStart(scopes, now);
    for (const name of scopes) {
      const s = this.scope(name);
      s.counter.add(startAt, 1);
      let passed = 0;
      while (passed < s.spaced.length && (s.spaced[passed] ?? 0) <= now - LIMITED_SPACING_MS) passed++;
      if (passed > 0) s.spaced.splice(0, passed);
      insertSorted(s.spaced, startAt);
      const limit = this.limitOf(s);
      if (limit === null) continue;
      insertSorted(s.recent, startAt);
      // Drop only starts that have left the window: trimming to the limit would lose a real
      // start whenever a later reservation is cancelled, and the next request would pass rpm.
      let drop = 0;
      while (drop < s.recent.length && (s.recent[drop] ?? 0) <= now - WINDOW_MS) drop++;
      if (drop > 0) s.recent.splice(0, drop);
    }
    let cancelled = false;
    return {
      startAt,
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        for (const name of scopes) {
          const s = this.scope(name);
          s.counter.add(startAt, -1);
          const j = s.spaced.lastIndexOf(startAt);
          if (j >= 0) s.spaced.splice(j, 1);
          const i = s.recent.lastIndexOf(startAt);
          if (i >= 0) s.recent.splice(i, 1);
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
      const sent = s.counter.lastMinute(now);
      if (sent >= MIN_REQUESTS_TO_LEARN) {
        const hadLimit = this.limitOf(s) !== null;
        s.learnedRpm = Math.min(s.learnedRpm ?? Number.POSITIVE_INFINITY, sent - 1);
        s.learnedAt = now;
        // The starts that taught it count against it: the window is full now, not empty.
        if (!hadLimit) s.recent = s.counter.startTimes(now);
      }
    }
  }

  /**
   * A learned limit is a guess from one 429 (it may have been a burst of tokens, or the
   * provider's own trouble): each whole minute without another lesson raises it by a quarter,
   * so a limit learned once does not hold a key back for the rest of the session.
   */
  private relaxLearned(s: ScopeState, now: number): void {
    if (s.learnedRpm === null || now - s.learnedAt < WINDOW_MS) return;
    s.learnedRpm += Math.max(1, Math.floor(s.learnedRpm / 4));
    s.learnedAt = now;
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
      requestsLastMinute: s.counter.lastMinute(now),
      rateLimited: s.rateLimited,
      preemptiveWaits: s.preemptiveWaits,
    }));
  }
}

/** Start times arrive almost always in order; the rare earlier one is placed by a short scan. */
function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? 0) > value) i--;
  list.splice(i, 0, value);
}
