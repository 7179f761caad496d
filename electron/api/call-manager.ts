import type { Dispatcher } from 'undici';
import { AppError } from '../../shared/errors.ts';
import { sleep } from '../common/sleep.ts';
import { attemptRecord } from './attempt-record.ts';
import type { CallFailure, CallOptions, CallOutcome, CallSuccess } from './call.ts';
import { attemptCost, type AttemptCost } from './client/pricing.ts';
import { sendAttempt, type AttemptOptions } from './client/send-attempt.ts';
import { checkStructuredAnswer } from './client/structured-answer.ts';
import type { AttemptFailure, AttemptResult, AttemptSuccess, ChatRequest } from './client/types.ts';
import type { KeyProbe } from './pacing/first-request-gate.ts';
import { HeldSlots } from './pacing/held-slots.ts';
import { RatePacer, type PacerSlot } from './pacing/rate-pacer.ts';
import { Semaphore } from './pacing/semaphore.ts';
import { StartPacing } from './pacing/start-pacing.ts';
import type { AttemptSink, BreakerPersistence, BudgetGuard, KeyLookup, QualityLookup, Reservation } from './ports.ts';
import {
  addCost,
  AGAIN,
  anotherRound,
  attemptOrigin,
  budgetSpent,
  cancelled,
  failure,
  leaveForMissingKey,
  leaveOpenBreaker,
  limitReached,
  outOfOptions,
  startRun,
  switchModel,
  type Again,
  type RequestRun,
  type SentAttempt,
} from './request-run.ts';
import { decideAfterFailure, decisionLabel } from './retry/after-failure.ts';
import { CODE_OF_CLASS, MESSAGE_OF_CLASS, type ErrorClass } from './retry/error-classes.ts';
import { RETRY_TABLE } from './retry/retry-policy.ts';
import { modelScope, type ModelEntry } from './routing/model-registry.ts';
import { ModelRouter, type KeyCheck, type ModelRuntime } from './routing/router.ts';
import { recordOutcome, type ModelStats } from './routing/strategies.ts';
import { DEFAULT_SETTINGS, type CallManagerSettings } from './settings.ts';
import { hedgedRequest, SUPERSEDED } from './hedged-request.ts';
import { watchFirstByte, type LateWatch } from './late-first-byte.ts';

export interface CallManagerDeps {
  models: readonly ModelEntry[];
  keys: KeyLookup;
  sink: AttemptSink;
  settings?: Partial<CallManagerSettings>;
  budget?: BudgetGuard;
  breakers?: BreakerPersistence;
  /** Each model's agreement with the teacher, for the performance strategy. */
  quality?: QualityLookup;
  dispatcher?: Dispatcher;
  /** Wall clock, ms since the epoch. */
  now?: () => number;
  random?: () => number;
}

/**
 * The call manager: one logical request in, one answer (or one coded error) out. It picks a
 * model (filters, breakers, strategy), paces and limits concurrency, sends an attempt, records
 * it, and lets the retry table decide what comes next — all within one attempt budget and one
 * deadline across every fallback, so it can never loop.
 *
 * The parts live in their folders (client/, routing/, retry/, pacing/); this class holds the
 * loop that joins them. Its order of steps is load-bearing: what is synchronous here must stay
 * synchronous, so requests that go together see each other's choices, reservations and sends.
 */
export class CallManager {
  private readonly settings: CallManagerSettings;
  private readonly global: Semaphore;
  readonly pacer = new RatePacer();
  private readonly router: ModelRouter;
  private readonly pacing: StartPacing;
  private readonly now: () => number;
  private readonly random: () => number;
  /** The parts read the clock through this, so a test that freezes `now` freezes them all. */
  private readonly clock = (): number => this.now();

  constructor(private readonly deps: CallManagerDeps) {
    this.settings = { ...DEFAULT_SETTINGS, ...deps.settings };
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.global = new Semaphore(this.settings.maxConcurrency);
    this.router = new ModelRouter({ models: deps.models, settings: this.settings, pacer: this.pacer, breakers: deps.breakers, quality: deps.quality, now: this.clock, random: this.random });
    this.pacing = new StartPacing(this.pacer, this.router, this.clock);
  }

  /** Current stats per model (for least-busy, the monitor and the UI). */
  stats(modelId: string): ModelStats {
    return this.router.stats(modelId);
  }

  breakerState(modelId: string): string {
    return this.router.breakerState(modelId);
  }

  /**
   * Which models of `pool` (all when empty) could be asked at all: not refused earlier in this
   * process (a bad key, no credits), and with their key at hand or needing none. A batch checks
   * this before it touches a job, and again after a refusal, so a missing or refused key is a
   * setup error to fix, not every submission failed.
   */
  keyCheck(pool: readonly string[]): Promise<KeyCheck> {
    return this.router.keyCheck(pool, this.deps.keys);
  }

  /**
   * One logical request to an answer or a coded failure: choose a model, hold its slots, send
   * (`sendWhenAllowed`), and let the retry table say what comes next (`settle`), round the loop
   * until an answer, a failure that another try cannot cure, the attempt budget or the deadline.
   */
  execute(request: ChatRequest, options: CallOptions): Promise<CallOutcome> {
    if (this.settings.hedge === null) return this.loop(startRun(request, options, this.settings, this.now()));
    return hedgedRequest(options, { start: (opts) => startRun(request, opts, this.settings, this.now()), loop: (run) => this.loop(run), now: this.clock });
  }

  /** Requests waiting for a slot or a send time: while there are any, no second try is sent. */
  private readonly queued = (): number => this.pacing.waiting + this.global.waiting + this.router.waiting();

  private async loop(run: RequestRun): Promise<CallOutcome> {
    for (;;) {
      const ended = limitReached(run, this.clock);
      if (ended) return ended;

      // The overall slot before the choice: a request that queued behind others chooses with
      // what is known when it can go, not with what was known when it arrived.
      let releaseGlobal: (() => void) | null = this.global.tryAcquire();
      if (releaseGlobal === null) {
        try {
          releaseGlobal = await this.global.acquire(run.signal);
        } catch {
          return cancelled(run);
        }
      }

      if (run.current === null) {
        // Chosen synchronously, so the choice and the commitment below happen in one turn of
        // the event loop: requests that go together see each other.
        const now = this.now();
        const choice = this.router.pick(run);
        if (choice !== null && 'reopensAt' in choice && choice.reopensAt < run.deadline) {
          // Every eligible breaker is open: wait for the first to half-open, without a slot.
          releaseGlobal();
          try {
            await sleep(Math.max(10, choice.reopensAt - now), run.signal);
          } catch {
            return cancelled(run);
          }
          continue;
        }
        if (choice === null || !('rt' in choice)) {
          releaseGlobal();
          if (anotherRound(run)) continue;
          return outOfOptions(run, this.router.unfit(run));
        }
        run.current = choice.rt;
        run.sameModelRetries = 0;
      }
      const rt: ModelRuntime = run.current;
      const slots = new HeldSlots(rt.stats, releaseGlobal);
      const apiKey = rt.entry.keyEnv ? await this.deps.keys(rt.entry.keyEnv) : null;
      if (rt.entry.keyEnv && apiKey === null) {
        slots.release();
        this.router.disable(rt.entry.id, 'MISSING_API_KEY');
        leaveForMissingKey(run, rt.entry);
        continue;
      }
      let releaseModel = run.signal?.aborted ? null : rt.semaphore.tryAcquire();
      if (releaseModel === null) {
        try {
          releaseModel = await rt.semaphore.acquire(run.signal);
        } catch {
          slots.release();
          return cancelled(run);
        }
      }
      slots.holdModel(releaseModel);

      const sent = await this.sendWhenAllowed(run, rt, apiKey, slots);
      if (sent === AGAIN) continue;
      if ('ok' in sent) return sent;
      const settled = await this.settle(run, rt, sent);
      if (settled !== AGAIN) return settled;
    }
  }

  /**
   * From a committed model to a sent attempt: waits for the key's first answer, the model's
   * rate window and any Retry-After, passes the breaker and the budget, and sends. The slots
   * are released whatever happens. AGAIN when the request must choose, or wait, anew.
   */
  private async sendWhenAllowed(run: RequestRun, rt: ModelRuntime, apiKey: string | null, slots: HeldSlots): Promise<SentAttempt | CallFailure | Again> {
    const { pacing } = this;
    let probe: KeyProbe | null = null;
    try {
      if (!pacing.gate.hasAnswered(rt.keyScope)) {
        // The first request on a key goes alone; the others wait for its answer. A wrong key
        // then costs one 401 instead of a burst, and a 429 is known before a burst can land
        // in the window it opens. A success ends the wait at its status line, not at the end
        // of its answer. Bounded: each wait ends with that probe, PROBE_WAIT_MS or the deadline.
        const out = pacing.gate.probeOn(rt.keyScope);
        if (out) return await pacing.counted(pacing.waitForProbe(run, out, rt.keyScope));
        probe = pacing.gate.open(rt.keyScope);
      }
      const reserved = pacing.reserve(run, rt);
      if (reserved === AGAIN) return AGAIN;
      let slot = reserved.slot;
      if (reserved.waitMs > 0) {
        let waited: PacerSlot | Again;
        try {
          waited = await pacing.counted(pacing.waitForSlot(run, rt, slot));
        } catch {
          return cancelled(run);
        }
        if (waited === AGAIN) return AGAIN;
        slot = waited;
      }
      const gap = this.pacer.sendGap(rt.scopes, this.now());
      if (gap > 0) {
        const stopped = await pacing.counted(pacing.keepSendGap(run, rt.scopes, slot, gap));
        if (stopped) return stopped;
      }
      if (pacing.blockedSinceReserved(rt.scopes, slot)) return AGAIN;
      const admitted = this.admit(run, rt, slot);
      if (admitted === AGAIN || 'ok' in admitted) return admitted;

      run.attempts += 1;
      const startedAt = this.now();
      this.pacer.markSent(rt.scopes, startedAt);
      const target = this.router.target(rt, apiKey);
      const late = run.onLateFirstByte === null ? null : watchFirstByte(this.settings, rt.stats.ttftMs, this.queued, () => run.onLateFirstByte?.());
      // sendAttempt never throws: every outcome comes back classified.
      const result = await sendAttempt(target, run.request, this.attemptOptions(run, startedAt, probe, late));
      late?.stop();
      if (result.httpStatus !== null) pacing.gate.markAnswered(rt.keyScope);
      return { result, target, startedAt, reservation: admitted.reservation };
    } finally {
      slots.release();
      probe?.end();
    }
  }

  /** The breaker (one probe at a time when half-open) and the budget let the attempt go, or not. */
  private admit(run: RequestRun, rt: ModelRuntime, slot: PacerSlot): { reservation: Reservation | null } | CallFailure | Again {
    // The other try of a hedged request may have used the last attempt while this one waited.
    if (budgetSpent(run)) {
      slot.cancel();
      return AGAIN;
    }
    if (!rt.breaker.tryAcquire(this.now())) {
      // Open for now, not for good: a later long wait elsewhere may come back to it. Nothing
      // leaves, so the rate window must not count it.
      slot.cancel();
      leaveOpenBreaker(run);
      return AGAIN;
    }
    const { entry } = rt;
    const estimateUsd =
      entry.prices.input === null || entry.prices.output === null
        ? null
        : run.promptTokens * entry.prices.input + (run.request.maxTokens ?? entry.maxTokens ?? 1024) * entry.prices.output;
    try {
      return { reservation: this.deps.budget ? this.deps.budget.reserve(estimateUsd, { batchId: run.options.batchId ?? null, ...(entry.simulated ? { simulated: true } : {}) }) : null };
    } catch (error) {
      rt.breaker.release();
      slot.cancel();
      if (error instanceof AppError) return failure(run, error.code, error.message);
      throw error;
    }
  }

  private attemptOptions(run: RequestRun, startedAt: number, probe: KeyProbe | null, late: LateWatch | null): AttemptOptions {
    const remaining = Math.max(1, run.deadline - startedAt);
    const timeouts = this.settings.timeouts;
    return {
      stream: run.stream,
      timeouts: remaining < timeouts.totalMs ? { ...timeouts, totalMs: remaining } : timeouts,
      signal: run.signal,
      dispatcher: this.deps.dispatcher,
      onDelta: run.options.onDelta,
      onStatus: probe === null ? undefined : probe.onStatus,
      onFirstByte: late?.stop,
    };
  }

  /**
   * What an attempt cost and what it means: the answer (a 200 is only a success if the answer
   * is usable), a coded failure, or AGAIN after the wait the retry table asks for.
   */
  private async settle(run: RequestRun, rt: ModelRuntime, sent: SentAttempt): Promise<CallOutcome | Again> {
    const { result, startedAt, reservation } = sent;
    const entry = rt.entry;
    // What did it cost? The answering model's price, the provider's word, or a lookup.
    const pendingCost = attemptCost(result, this.router.answering(result.answeredBy, entry).prices, sent.target, run.promptTokens, this.deps.dispatcher);
    const cost = pendingCost instanceof Promise ? await pendingCost : pendingCost;
    reservation?.settle(cost.costUsd);
    addCost(run, cost, result);

    let value: unknown = undefined;
    let outcome: AttemptResult = result;
    if (result.ok && run.request.schema) {
      const check = checkStructuredAnswer(result.content, run.request.schema, result.finishReason);
      if (check.ok) value = check.value;
      else outcome = { ...result, ok: false, errorClass: check.errorClass, retryAfterMs: null, contentStarted: true, detail: check.message };
    }

    const now = this.now();
    if (outcome.ok) return this.succeeded(run, rt, sent, outcome, value, cost, now);

    const cls = outcome.errorClass;
    const toldWhen = this.learnFromFailure(rt, outcome, now);
    run.lastClass = cls;
    run.lastError = { code: CODE_OF_CLASS[cls], message: MESSAGE_OF_CLASS[cls] };
    const decision = decideAfterFailure(cls, {
      sameModelRetries: run.sameModelRetries,
      retryAfterMs: outcome.retryAfterMs,
      remainingMs: run.deadline - now,
      backoff: { baseMs: this.settings.backoff.baseMs, maxMs: this.settings.backoff.maxMs },
      backoffOverride: this.settings.backoffByClass[cls],
      random: this.random,
      otherReadyBefore: (at) => this.router.alternativeReadyBefore(rt, run, at),
      now,
    });
    this.record(run, entry, startedAt, outcome, cls, cls === 'aborted' && run.superseded ? SUPERSEDED : decisionLabel(decision), cost);
    run.waitedBefore = 0;

    if (decision.kind === 'fail') {
      return failure(run, decision.code, cls === 'aborted' ? 'The request was cancelled.' : MESSAGE_OF_CLASS[cls]);
    }
    if (decision.kind === 'retry_same') {
      run.sameModelRetries += 1;
      // Waits the pacer already enforces (a Retry-After on the key or model) are not slept
      // twice; a 429 that named no wait is backed off as configured.
      const enforced = (cls === 'rate_limit' && outcome.retryAfterMs !== null) || toldWhen;
      if (!enforced && decision.waitMs > 0) {
        try {
          await sleep(decision.waitMs, run.signal);
        } catch {
          return cancelled(run);
        }
        run.waitedBefore += decision.waitMs;
      }
      return AGAIN;
    }
    switchModel(run, entry, cls, decision.needLargerContext);
    return AGAIN;
  }

  private succeeded(run: RequestRun, rt: ModelRuntime, sent: SentAttempt, outcome: AttemptSuccess, value: unknown, cost: AttemptCost, now: number): CallSuccess {
    rt.breaker.onSuccess();
    recordOutcome(rt.stats, true, outcome.latencyMs, outcome.ttftMs);
    this.pacer.onHint(rt.keyScope, now, outcome.rateLimit);
    this.router.saveBreaker(rt);
    this.record(run, rt.entry, sent.startedAt, outcome, null, 'done', cost);
    return {
      ok: true,
      requestId: run.requestId,
      modelId: rt.entry.id,
      content: outcome.content,
      value,
      attempts: run.attempts,
      costUsd: run.costUnpriced ? null : run.costUsd,
      costUnpriced: run.costUnpriced,
      latencyMs: now - run.started,
      ttftMs: outcome.ttftMs,
    };
  }

  /**
   * What a failure teaches the breaker, the model's stats, the pacer and the model table. True
   * when the provider named when the model may be asked again (a 503 with a Retry-After).
   */
  private learnFromFailure(rt: ModelRuntime, outcome: AttemptFailure, now: number): boolean {
    const cls = outcome.errorClass;
    const rule = RETRY_TABLE[cls];
    // A 503 that names when to come back is handled exactly by the pacer's block on the model;
    // counting it too would let the breaker's doubling cool-down outlast the provider's word.
    const toldWhen = cls === 'unavailable' && outcome.retryAfterMs !== null;
    if (rule.breaker && !toldWhen) rt.breaker.onFailure(now);
    else rt.breaker.release();
    if (cls !== 'aborted') recordOutcome(rt.stats, false, null, null);
    this.router.saveBreaker(rt);
    if (cls === 'rate_limit') this.pacer.onRateLimited(rt.keyScope, now, outcome.retryAfterMs, outcome.rateLimit);
    if (toldWhen) this.pacer.onRateLimited(modelScope(rt.entry.id), now, outcome.retryAfterMs, null);
    if (rule.disableModel) this.router.disable(rt.entry.id, CODE_OF_CLASS[cls]);
    // A 401 or an empty account refuses the key, not the model: the others on it would be too.
    // (A 403 may be about this model alone.)
    if ((cls === 'auth' && outcome.httpStatus === 401) || cls === 'payment') this.router.disableKey(rt.keyScope, CODE_OF_CLASS[cls]);
    return toldWhen;
  }

  private record(run: RequestRun, entry: ModelEntry, startedAt: number, result: AttemptResult, cls: ErrorClass | null, decision: string, cost: AttemptCost): void {
    const verdict = { errorClass: cls, errorMessage: result.ok ? null : result.detail.slice(0, 300), decision, cost };
    this.deps.sink.record(attemptRecord(attemptOrigin(run, entry, startedAt), result, verdict));
  }
}
