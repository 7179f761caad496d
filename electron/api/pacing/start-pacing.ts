/**
 * The waits before an attempt may leave: for the first answer on a key, for the rate window or
 * a Retry-After of the key and the model, and for the small gap between sends on a limited
 * scope. Each wait moves to another model when that one can start much sooner.
 *
 * Called from CallManager.sendWhenAllowed: the synchronous steps stay synchronous, and an async
 * one is entered only when there is something to wait for, so requests that go together keep
 * the order in which they reserve, mark and send.
 */
import { sleep, waitFor, yieldToIo } from '../../common/sleep.ts';
import type { CallFailure } from '../call.ts';
import { AGAIN, cancelled, giveUpOnRateLimit, type Again, type RequestRun } from '../request-run.ts';
import { READY_SLACK_MS, type ModelRouter, type ModelRuntime } from '../routing/router.ts';
import { FirstRequestGate } from './first-request-gate.ts';
import type { PacerSlot, RatePacer } from './rate-pacer.ts';

/** A pacing wait this long is worth moving away from, if another model can start in half the time. */
const LONG_WAIT_MS = 1000;
/** Moves away from a waiting model before sending, per request: bounded, so it cannot ping-pong. */
const MAX_REROUTES = 3;
/** A long pacing wait looks for a model that became ready this often, ms. */
const REVIEW_WAIT_EVERY_MS = 1000;

/**
 * How long requests wait for the first one on a key to be answered. A refused key (401) or a
 * rate limit (429) comes back in well under this; a generation may take far longer, and a key
 * that has not refused by then is not worth holding a batch back for.
 */
const PROBE_WAIT_MS = 2000;

/** A start reserved in the model's scopes, and how long until it (at the time of reserving). */
export interface ReservedStart {
  slot: PacerSlot;
  waitMs: number;
}

export class StartPacing {
  /** Requests inside one of the waits below now (counted by `counted`). */
  waiting = 0;

  /** Counts the caller among the waiting while `wait` runs: a second try waits for none of them. */
  async counted<T>(wait: Promise<T>): Promise<T> {
    this.waiting += 1;
    try {
      return await wait;
    } finally {
      this.waiting -= 1;
    }
  }

  readonly gate = new FirstRequestGate();

  constructor(
    readonly pacer: RatePacer,
    private readonly router: ModelRouter,
    /** Wall clock, ms since the epoch. */
    private readonly now: () => number,
  ) {}

  /** Waits for the first request on the key; then the request chooses again with what it taught. */
  async waitForProbe(run: RequestRun, probe: Promise<void>, scope: string): Promise<CallFailure | Again> {
    const waitStarted = this.now();
    try {
      await waitFor(probe, Math.min(PROBE_WAIT_MS, run.deadline - waitStarted), run.signal);
    } catch {
      return cancelled(run);
    }
    run.waitedBefore += this.now() - waitStarted;
    // The probe is still out after PROBE_WAIT_MS: the key has not refused, so go.
    this.gate.waitedFor(scope, probe);
    // Choose again with what the probe's answer taught (a 401, a 429, an open breaker).
    run.current = null;
    return AGAIN;
  }

  /**
   * Pacing: the provider's limits and any Retry-After still in force for this key or model,
   * reserved once this request holds its concurrency slot. AGAIN when the model cannot start
   * before the deadline, or another can start much sooner.
   */
  reserve(run: RequestRun, rt: ModelRuntime): ReservedStart | Again {
    const slot = this.pacer.reserve(rt.scopes, this.now());
    const waitMs = slot.startAt - this.now();
    if (slot.startAt >= run.deadline) {
      slot.cancel();
      giveUpOnRateLimit(run, rt);
      return AGAIN;
    }
    if (waitMs > LONG_WAIT_MS && run.reroutes < MAX_REROUTES) {
      if (this.router.alternativeReadyBefore(rt, run, this.now() + waitMs / 2)) {
        // Not a failure: this model's window is full or its key blocked, and another model
        // can start much sooner. Give the slots back and choose again (bounded per request).
        slot.cancel();
        run.reroutes += 1;
        run.current = null;
        return AGAIN;
      }
      // Every model this request has not tried must wait, but one it tried and that failed it
      // only transiently (a stall, a 5xx) can start now: as after a step of waiting
      // (waitForSlot), going back there beats sleeping out a full window. Without this, a
      // request that stalled at the end of a batch slept a whole review step first.
      const back = this.router.readyAlternative(rt, run);
      if (back !== null) {
        slot.cancel();
        run.reroutes += 1;
        run.current = back;
        run.sameModelRetries = 0;
        return AGAIN;
      }
    }
    return { slot, waitMs };
  }

  /**
   * Sleeps until `slot`, in steps: when another model becomes ready meanwhile (it came back
   * up, or its window slid open), the request goes there instead of sleeping on. Answers the
   * slot to start in (a Retry-After that arrived meanwhile moves it later), or AGAIN when the
   * request moves to another model or cannot ask this one before the deadline; a slot it does
   * not answer is cancelled. Throws when the request's signal fires.
   */
  async waitForSlot(run: RequestRun, rt: ModelRuntime, first: PacerSlot): Promise<PacerSlot | Again> {
    const scopes = rt.scopes;
    let slot = first;
    let moveTo: ModelRuntime | null = null;
    let pastDeadline = false;
    const waitStarted = this.now();
    try {
      // Not bounded by MAX_REROUTES: a check only follows a whole step of sleep, so moves from
      // here cannot ping-pong, and a request that moved before must not be left to sleep out a
      // minute-long window while another model stands idle.
      let until = slot.startAt;
      for (;;) {
        // Bounded: `until` is fixed for the round, and each step sleeps until the next check.
        while (this.now() < until) {
          await sleep(Math.min(until - this.now(), REVIEW_WAIT_EVERY_MS), run.signal);
          if (until - this.now() > READY_SLACK_MS) {
            moveTo = this.router.readyAlternative(rt, run);
            if (moveTo) break;
          }
        }
        if (moveTo) break;
        // Answers that arrived while this request slept are read before it goes: a 429 or 503
        // waiting in a socket must block this send, not the next one.
        await yieldToIo();
        // A Retry-After that arrived while this request slept still holds. It takes a new slot
        // after the block, so the requests the block held back leave spaced as before instead
        // of all at once when it ends; that slot may be far off (the block filled the window),
        // so it is waited for in steps like the first. Bounded: each round waits for a later
        // block, and a slot past the deadline ends it.
        const blocked = this.pacer.blockedUntil(scopes);
        if (blocked <= this.now() || blocked >= run.deadline) break;
        slot.cancel();
        slot = this.pacer.reserve(scopes, this.now());
        if (slot.startAt >= run.deadline) {
          pastDeadline = true;
          break;
        }
        until = slot.startAt;
      }
    } catch (error) {
      slot.cancel();
      throw error;
    }
    run.waitedBefore += this.now() - waitStarted;
    if (moveTo !== null) {
      slot.cancel();
      run.reroutes += 1;
      run.current = moveTo;
      run.sameModelRetries = 0;
      return AGAIN;
    }
    if (pastDeadline || this.pacer.blockedUntil(scopes) > this.now()) {
      slot.cancel();
      // Blocked past the deadline: this model cannot be asked in time.
      giveUpOnRateLimit(run, rt);
      return AGAIN;
    }
    return slot;
  }

  /**
   * Starts reserved 20 ms apart can still leave together after a late timer: keep the gap
   * between actual sends on a limited scope (bounded: each round waits out the gap). `gap` is
   * the first wait, already known to be positive. Null once the request may go.
   */
  async keepSendGap(run: RequestRun, scopes: readonly string[], slot: PacerSlot, gap: number): Promise<CallFailure | null> {
    for (let wait = gap; wait > 0; wait = this.pacer.sendGap(scopes, this.now())) {
      try {
        await sleep(wait, run.signal);
        await yieldToIo();
      } catch {
        slot.cancel();
        return cancelled(run);
      }
      run.waitedBefore += wait;
    }
    return null;
  }

  /** A Retry-After arrived during the gap: the slot goes back and the round starts again from the top. */
  blockedSinceReserved(scopes: readonly string[], slot: PacerSlot): boolean {
    if (this.pacer.blockedUntil(scopes) <= this.now()) return false;
    slot.cancel();
    return true;
  }
}
