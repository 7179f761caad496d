import { timeOrderedId } from '../store/time-ordered-id.ts';
import type { Dispatcher } from 'undici';
import { AppError, type AppErrorData, type ErrorCode } from '../../shared/errors.ts';
import type { ApiCallRow } from '../store/api-calls.ts';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerSettings } from './circuit-breaker.ts';
import { sendAttempt } from './client.ts';
import { CODE_OF_CLASS, MESSAGE_OF_CLASS, type ErrorClass } from './error-classes.ts';
import { estimatePromptTokens, hasImages } from './estimate.ts';
import { exclusionOf, keyScope, modelScope, type ModelEntry } from './model-registry.ts';
import type { AttemptSink, BreakerPersistence, BudgetGuard, KeyLookup, Reservation } from './ports.ts';
import { costFromUsage, lookupGenerationCost, type AttemptCost } from './pricing.ts';
import { RatePacer } from './rate-pacer.ts';
import { decide, RETRY_TABLE, type Decision } from './retry-policy.ts';
import type { BackoffKind } from './backoff.ts';
import { Semaphore } from './semaphore.ts';
import { sleep, waitFor } from './sleep.ts';
import { freshStats, orderModels, recordOutcome, STRATEGY_OF_PRIORITY, type ModelStats, type Priority, type Strategy } from './strategies.ts';
import { checkStructuredAnswer } from './structured-answer.ts';
import { DEFAULT_TIMEOUTS, type AttemptResult, type AttemptTarget, type ChatRequest, type Timeouts } from './types.ts';

export interface CallManagerSettings {
  strategy: Strategy;
  /** Explicit fallback order per primary model (`routing.fallbacks`). */
  fallbacks: Readonly<Record<string, readonly string[]>>;
  maxAttempts: number;
  deadlineMs: number;
  backoff: { kind: BackoffKind; baseMs: number; maxMs: number };
  /** Per error class backoff kinds, overriding the table. */
  backoffByClass: Partial<Record<ErrorClass, BackoffKind>>;
  timeouts: Timeouts;
  /** Calls in flight across all models. */
  maxConcurrency: number;
  dataCollection: 'allow' | 'deny' | null;
  breaker: BreakerSettings;
  stream: boolean;
}

export const DEFAULT_SETTINGS: CallManagerSettings = {
  strategy: 'performance',
  fallbacks: {},
  maxAttempts: 5,
  deadlineMs: 300_000,
  backoff: { kind: 'exponential', baseMs: 500, maxMs: 30_000 },
  backoffByClass: {},
  timeouts: DEFAULT_TIMEOUTS,
  maxConcurrency: 16,
  dataCollection: null,
  breaker: DEFAULT_BREAKER,
  stream: true,
};

export interface CallManagerDeps {
  models: readonly ModelEntry[];
  keys: KeyLookup;
  sink: AttemptSink;
  settings?: Partial<CallManagerSettings>;
  budget?: BudgetGuard;
  breakers?: BreakerPersistence;
  dispatcher?: Dispatcher;
  /** Wall clock, ms since the epoch. */
  now?: () => number;
  random?: () => number;
}

export interface CallOptions {
  purpose: ApiCallRow['purpose'];
  signal?: AbortSignal;
  strategy?: Strategy;
  priority?: Priority;
  /** Limit the models this call may use (the CLI's --model). */
  pool?: readonly string[];
  task?: string;
  stream?: boolean;
  deadlineMs?: number;
  maxAttempts?: number;
  batchId?: string | null;
  jobId?: number | null;
  requestId?: string;
  onDelta?: (text: string) => void;
}

export interface CallSuccess {
  ok: true;
  requestId: string;
  modelId: string;
  content: string;
  /** The validated structured answer, when the request had a schema. */
  value: unknown;
  attempts: number;
  /** Sum over every attempt, failed ones included; null if any attempt's cost is unknown. */
  costUsd: number | null;
  costUnpriced: boolean;
  latencyMs: number;
  ttftMs: number | null;
}

export interface CallFailure {
  ok: false;
  requestId: string;
  error: AppErrorData;
  attempts: number;
  costUsd: number | null;
  costUnpriced: boolean;
}

export type CallOutcome = CallSuccess | CallFailure;

interface ModelRuntime {
  entry: ModelEntry;
  stats: ModelStats;
  semaphore: Semaphore;
  breaker: CircuitBreaker;
  breakerKey: string;
  /** The rate-limit scope of its key (shared with every model using the same key). */
  keyScope: string;
  /** Its key's scope and its own, the scopes every request to it is paced in. */
  scopes: readonly string[];
  /** Where and how to send, rebuilt only when the key changes (it is on every call's path). */
  target: AttemptTarget | null;
}

/** A model that can start within this much is "ready": waiting less is not worth a worse model. */
const READY_SLACK_MS = 50;
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

/** One turn of the event loop's I/O phase: answers already in a socket are read first. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const NONE: ReadonlySet<string> = new Set();

const failureMessage = (cls: ErrorClass): string => MESSAGE_OF_CLASS[cls];

/** Failures another try (on any model) may cure. */
function isTransient(cls: ErrorClass): boolean {
  const action = RETRY_TABLE[cls].action;
  return action === 'retry' || action === 'wait' || cls === 'stall_first_byte' || cls === 'gateway_timeout';
}

/** Whether the provider may have billed this attempt: a generation started or may have. */
function mayHaveBilled(result: AttemptResult): boolean {
  if (result.ok || result.contentStarted) return true;
  // A body arrived (or began to): the generation ran even if we could not read it.
  return ['stall_mid_stream', 'truncated', 'stream_error', 'malformed', 'empty', 'schema_invalid'].includes(result.errorClass);
}

/**
 * The call manager: one logical request in, one answer (or one coded error) out. It picks a
 * model (filters, breakers, strategy), paces and limits concurrency, sends an attempt, records
 * it, and lets the retry table decide what comes next — all within one attempt budget and one
 * deadline across every fallback, so it can never loop.
 */
export class CallManager {
  private readonly settings: CallManagerSettings;
  private readonly runtimes = new Map<string, ModelRuntime>();
  private readonly disabled = new Map<string, ErrorCode>();
  private readonly global: Semaphore;
  readonly pacer = new RatePacer();
  /** Key scopes whose provider has answered at least once (any HTTP status). */
  private readonly answeredKeys = new Set<string>();
  /** The one request in flight on a key that has not answered yet; the others wait for it. */
  private readonly probes = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly random: () => number;
  private turn = 0;

  constructor(private readonly deps: CallManagerDeps) {
    this.settings = { ...DEFAULT_SETTINGS, ...deps.settings };
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.global = new Semaphore(this.settings.maxConcurrency);
    for (const entry of deps.models) {
      const breakerKey = `${entry.id}|${entry.endpoint}`;
      const snapshot = deps.breakers?.load(breakerKey) ?? undefined;
      const scope = keyScope(entry.endpoint, entry.keyEnv);
      this.runtimes.set(entry.id, {
        entry,
        stats: freshStats(),
        semaphore: new Semaphore(entry.maxConcurrency),
        breaker: new CircuitBreaker(this.settings.breaker, snapshot),
        breakerKey,
        keyScope: scope,
        scopes: [scope, modelScope(entry.id)],
        target: null,
      });
      this.pacer.configure(modelScope(entry.id), entry.rpm);
    }
  }

  /** Current stats per model (for least-busy, the monitor and the UI). */
  stats(modelId: string): ModelStats {
    return this.runtimes.get(modelId)?.stats ?? freshStats();
  }

  breakerState(modelId: string): string {
    return this.runtimes.get(modelId)?.breaker.state(this.now()) ?? 'closed';
  }

  /** Teacher agreement per model (0..1) for the performance strategy. */
  setQuality(modelId: string, quality: number | null): void {
    const rt = this.runtimes.get(modelId);
    if (rt) rt.stats.quality = quality;
  }

  setMaxConcurrency(n: number): void {
    this.global.setLimit(n);
  }

  async execute(request: ChatRequest, options: CallOptions): Promise<CallOutcome> {
    // Time-ordered ids (UUIDv7): api_calls indexes them, and in-order keys append to the B-tree
    // instead of landing at random pages, which more than halves the audit trail's insert cost.
    const requestId = options.requestId ?? timeOrderedId();
    const started = this.now();
    const deadline = started + (options.deadlineMs ?? this.settings.deadlineMs);
    const maxAttempts = options.maxAttempts ?? this.settings.maxAttempts;
    const strategy = options.strategy ?? (options.priority ? STRATEGY_OF_PRIORITY[options.priority] : this.settings.strategy);
    const stream = options.stream ?? this.settings.stream;
    const signal = options.signal;
    const promptTokens = estimatePromptTokens(request);
    const images = hasImages(request);

    let attempts = 0;
    let costUsd = 0;
    let costUnpriced = false;
    const tried = new Set<string>();
    /** Tried models whose failure another try may cure (a long wait elsewhere may come back to them). */
    const triedTransiently = new Set<string>();
    let sameModelRetries = 0;
    let current: ModelRuntime | null = null;
    let contextLargerThan: number | null = null;
    let lastClass: ErrorClass | null = null;
    let lastError: AppErrorData | null = null;
    let waitedBefore = 0;
    let attemptsAtLastRound = 0;
    let reroutes = 0;

    const fail = (code: ErrorCode, message: string): CallFailure => ({
      ok: false,
      requestId,
      error: { code, message },
      attempts,
      costUsd: costUnpriced ? null : costUsd,
      costUnpriced,
    });
    const outOfOptions = (): CallFailure => {
      if (lastError && lastClass && !isTransient(lastClass)) {
        return fail(lastError.code, lastError.message);
      }
      return fail(
        'NO_MODEL_AVAILABLE',
        lastError
          ? `No model could answer. The last error: ${lastError.message}`
          : 'No configured model can take this request (check the models\' tasks, vision and context window, and their keys).',
      );
    };

    while (true) {
      if (signal?.aborted) return fail('ABORTED', 'The request was cancelled.');
      if (attempts >= maxAttempts) {
        return fail('ATTEMPTS_EXHAUSTED', `Gave up after ${attempts} attempts.${lastError ? ` The last error: ${lastError.message}` : ''}`);
      }
      if (this.now() >= deadline) {
        return fail('DEADLINE_EXCEEDED', `No answer within the time limit.${lastError ? ` The last error: ${lastError.message}` : ''}`);
      }

      // The overall slot before the choice: a request that queued behind others chooses with
      // what is known when it can go, not with what was known when it arrived.
      let releaseGlobal: (() => void) | null = this.global.tryAcquire();
      if (releaseGlobal === null) {
        try {
          releaseGlobal = await this.global.acquire(signal);
        } catch {
          return fail('ABORTED', 'The request was cancelled.');
        }
      }

      if (current === null) {
        // Chosen synchronously, so the choice and the commitment below happen in one turn of
        // the event loop: requests that go together see each other.
        const now = this.now();
        const choice = this.pickNow(request, options, strategy, promptTokens, images, tried, contextLargerThan);
        if (choice !== null && 'reopensAt' in choice && choice.reopensAt < deadline) {
          // Every eligible breaker is open: wait for the first to half-open, without a slot.
          releaseGlobal();
          try {
            await sleep(Math.max(10, choice.reopensAt - now), signal);
          } catch {
            return fail('ABORTED', 'The request was cancelled.');
          }
          continue;
        }
        const picked = choice !== null && 'rt' in choice ? choice.rt : null;
        if (picked === null && tried.size > 0 && attempts > attemptsAtLastRound && lastClass && isTransient(lastClass)) {
          // Every model failed transiently: go round again, within the same budget and deadline.
          // A round in which nothing could even be sent ends the request instead of spinning.
          releaseGlobal();
          attemptsAtLastRound = attempts;
          tried.clear();
          triedTransiently.clear();
          continue;
        }
        if (picked === null) {
          releaseGlobal();
          return outOfOptions();
        }
        current = picked;
        sameModelRetries = 0;
      }
      const rt: ModelRuntime = current;
      const entry = rt.entry;
      // Busy from the moment a request is committed to the model, before any await: requests
      // that arrive together must see each other, or they all pick the same "idle" model.
      rt.stats.inFlight += 1;
      let releaseModel: (() => void) | null = null;
      let counted = true;
      const releaseSlots = (): void => {
        releaseModel?.();
        releaseGlobal?.();
        releaseModel = releaseGlobal = null;
        if (counted) {
          counted = false;
          rt.stats.inFlight -= 1;
        }
      };
      const apiKey = entry.keyEnv ? await this.deps.keys(entry.keyEnv) : null;
      if (entry.keyEnv && apiKey === null) {
        releaseSlots();
        this.disabled.set(entry.id, 'MISSING_API_KEY');
        lastError = { code: 'MISSING_API_KEY', message: `No API key for "${entry.name}": set ${entry.keyEnv} or add the key in Settings.` };
        lastClass = 'auth';
        tried.add(entry.id);
        current = null;
        continue;
      }
      releaseModel = signal?.aborted ? null : rt.semaphore.tryAcquire();
      if (releaseModel === null) {
        try {
          releaseModel = await rt.semaphore.acquire(signal);
        } catch {
          releaseSlots();
          return fail('ABORTED', 'The request was cancelled.');
        }
      }

      let reservation: Reservation | null = null;
      let result: AttemptResult;
      let attemptStartedAt: number;
      let endProbe: (() => void) | null = null;
      try {
        if (!this.answeredKeys.has(rt.keyScope)) {
          // The first request on a key goes alone; the others wait for its answer. A wrong key
          // then costs one 401 instead of a burst, and a 429 is known before a burst can land
          // in the window it opens. A success ends the wait at its status line, not at the end
          // of its answer. Bounded: each wait ends with that probe, PROBE_WAIT_MS or the deadline.
          const probe = this.probes.get(rt.keyScope);
          if (probe) {
            const waitStarted = this.now();
            try {
              await waitFor(probe, Math.min(PROBE_WAIT_MS, deadline - waitStarted), signal);
            } catch {
              return fail('ABORTED', 'The request was cancelled.');
            }
            waitedBefore += this.now() - waitStarted;
            // The probe is still out after PROBE_WAIT_MS: the key has not refused, so go.
            if (this.probes.get(rt.keyScope) === probe) this.answeredKeys.add(rt.keyScope);
            // Choose again with what the probe's answer taught (a 401, a 429, an open breaker).
            current = null;
            continue;
          }
          let done: () => void = () => undefined;
          const mine = new Promise<void>((resolve) => (done = resolve));
          this.probes.set(rt.keyScope, mine);
          endProbe = () => {
            // Called at a success's status line and again when the attempt ends.
            if (this.probes.get(rt.keyScope) === mine) this.probes.delete(rt.keyScope);
            done();
          };
        }
        // Pacing: the provider's limits and any Retry-After still in force for this key or
        // model, reserved once this request holds its concurrency slot.
        const scopes = rt.scopes;
        let slot = this.pacer.reserve(scopes, this.now());
        const startAt = slot.startAt;
        const pacedWait = startAt - this.now();
        if (startAt >= deadline) {
          slot.cancel();
          releaseSlots();
          tried.add(entry.id);
          current = null;
          lastError ??= { code: 'RATE_LIMITED', message: failureMessage('rate_limit') };
          lastClass ??= 'rate_limit';
          continue;
        }
        const tokensNeeded = promptTokens + (request.maxTokens ?? 1024);
        if (pacedWait > LONG_WAIT_MS && reroutes < MAX_REROUTES) {
          if (this.alternativeReadyBefore(rt, tried, options, images, tokensNeeded, this.now() + pacedWait / 2)) {
            // Not a failure: this model's window is full or its key blocked, and another model
            // can start much sooner. Give the slots back and choose again (bounded per request).
            slot.cancel();
            reroutes += 1;
            current = null;
            continue;
          }
        }
        if (pacedWait > 0) {
          let moveTo: ModelRuntime | null = null;
          let pastDeadline = false;
          const waitStarted = this.now();
          try {
            // A long wait is slept in steps: when another model becomes ready meanwhile (it came
            // back up, or its window slid open), the request goes there instead of sleeping on.
            // Not bounded by MAX_REROUTES: a check only follows a whole step of sleep, so moves
            // from here cannot ping-pong, and a request that moved before must not be left to
            // sleep out a minute-long window while another model stands idle.
            let until = startAt;
            for (;;) {
              // Bounded: `until` is fixed for the round, and each step sleeps until the next check.
              while (this.now() < until) {
                await sleep(Math.min(until - this.now(), REVIEW_WAIT_EVERY_MS), signal);
                if (until - this.now() > READY_SLACK_MS) {
                  moveTo = this.readyAlternative(rt, tried, triedTransiently, options, images, tokensNeeded, contextLargerThan);
                  if (moveTo) break;
                }
              }
              if (moveTo) break;
              // Answers that arrived while this request slept are read before it goes: a 429 or
              // 503 waiting in a socket must block this send, not the next one.
              await yieldToIo();
              // A Retry-After that arrived while this request slept still holds. It takes a new
              // slot after the block, so the requests the block held back leave spaced as before
              // instead of all at once when it ends; that slot may be far off (the block filled
              // the window), so it is waited for in steps like the first. Bounded: each round
              // waits for a later block, and a slot past the deadline ends it.
              const blocked = this.pacer.blockedUntil(scopes);
              if (blocked <= this.now() || blocked >= deadline) break;
              slot.cancel();
              slot = this.pacer.reserve(scopes, this.now());
              if (slot.startAt >= deadline) {
                pastDeadline = true;
                break;
              }
              until = slot.startAt;
            }
          } catch {
            slot.cancel();
            return fail('ABORTED', 'The request was cancelled.');
          }
          waitedBefore += this.now() - waitStarted;
          if (moveTo !== null) {
            slot.cancel();
            reroutes += 1;
            current = moveTo;
            sameModelRetries = 0;
            continue;
          }
          if (pastDeadline || this.pacer.blockedUntil(scopes) > this.now()) {
            // Blocked past the deadline: this model cannot be asked in time.
            slot.cancel();
            tried.add(entry.id);
            current = null;
            lastError ??= { code: 'RATE_LIMITED', message: failureMessage('rate_limit') };
            lastClass ??= 'rate_limit';
            continue;
          }
        }
        // Starts reserved 20 ms apart can still leave together after a late timer: keep the gap
        // between actual sends on a limited scope (bounded: each round waits out the gap).
        for (let gap = this.pacer.sendGap(scopes, this.now()); gap > 0; gap = this.pacer.sendGap(scopes, this.now())) {
          try {
            await sleep(gap, signal);
            await yieldToIo();
          } catch {
            slot.cancel();
            return fail('ABORTED', 'The request was cancelled.');
          }
          waitedBefore += gap;
        }
        if (this.pacer.blockedUntil(scopes) > this.now()) {
          // A Retry-After arrived during that gap: take this round again from the top.
          slot.cancel();
          continue;
        }
        if (!rt.breaker.tryAcquire(this.now())) {
          // Open for now, not for good: a later long wait elsewhere may come back to it. Nothing
          // leaves, so the rate window must not count it.
          slot.cancel();
          tried.add(entry.id);
          triedTransiently.add(entry.id);
          current = null;
          continue;
        }
        const estimateUsd =
          entry.prices.input === null || entry.prices.output === null
            ? null
            : promptTokens * entry.prices.input + (request.maxTokens ?? entry.maxTokens ?? 1024) * entry.prices.output;
        try {
          reservation = this.deps.budget ? this.deps.budget.reserve(estimateUsd, { batchId: options.batchId ?? null }) : null;
        } catch (error) {
          rt.breaker.release();
          slot.cancel();
          if (error instanceof AppError) return fail(error.code, error.message);
          throw error;
        }

        attempts += 1;
        attemptStartedAt = this.now();
        this.pacer.markSent(scopes, attemptStartedAt);
        const remaining = Math.max(1, deadline - this.now());
        const timeouts = this.settings.timeouts;
        const probeEnd = endProbe;
        result = await sendAttempt(this.targetOf(rt, apiKey), request, {
          stream,
          timeouts: remaining < timeouts.totalMs ? { ...timeouts, totalMs: remaining } : timeouts,
          signal,
          dispatcher: this.deps.dispatcher,
          onDelta: options.onDelta,
          // A refusal teaches the others what to avoid only once it has been handled below;
          // a success can let them go as soon as it is known.
          onStatus:
            probeEnd === null
              ? undefined
              : (status) => {
                  if (status < 200 || status >= 300) return;
                  this.answeredKeys.add(rt.keyScope);
                  probeEnd();
                },
        });
        if (result.httpStatus !== null) this.answeredKeys.add(rt.keyScope);
      } finally {
        releaseSlots();
        endProbe?.();
      }

      // What did it cost? The answering model's price, the provider's word, or a lookup.
      const pendingCost = this.costOf(result, entry, apiKey, signal);
      const cost = pendingCost instanceof Promise ? await pendingCost : pendingCost;
      reservation?.settle(cost.costUsd);
      if (cost.costUsd === null) {
        if (mayHaveBilled(result)) costUnpriced = true;
      } else {
        costUsd += cost.costUsd;
      }

      // A 200 is only a success if the answer is usable.
      let value: unknown = undefined;
      let outcome: AttemptResult = result;
      if (result.ok && request.schema) {
        const check = checkStructuredAnswer(result.content, request.schema);
        if (check.ok) value = check.value;
        else outcome = { ...result, ok: false, errorClass: check.errorClass, retryAfterMs: null, contentStarted: true, detail: check.message };
      }

      const now = this.now();
      if (outcome.ok) {
        rt.breaker.onSuccess();
        recordOutcome(rt.stats, true, outcome.latencyMs, outcome.ttftMs);
        this.pacer.onHint(rt.keyScope, now, outcome.rateLimit);
        this.saveBreaker(rt);
        this.record(requestId, options, entry, attemptStartedAt, attempts, outcome, null, 'done', waitedBefore, cost);
        return {
          ok: true,
          requestId,
          modelId: entry.id,
          content: outcome.content,
          value,
          attempts,
          costUsd: costUnpriced ? null : costUsd,
          costUnpriced,
          latencyMs: now - started,
          ttftMs: outcome.ttftMs,
        };
      }

      const cls = outcome.errorClass;
      const rule = RETRY_TABLE[cls];
      // A 503 that names when to come back is handled exactly by the pacer's block on the model;
      // counting it too would let the breaker's doubling cool-down outlast the provider's word.
      const toldWhen = cls === 'unavailable' && outcome.retryAfterMs !== null;
      if (rule.breaker && !toldWhen) rt.breaker.onFailure(now);
      else rt.breaker.release();
      if (cls !== 'aborted') recordOutcome(rt.stats, false, null, null);
      this.saveBreaker(rt);
      if (cls === 'rate_limit') this.pacer.onRateLimited(rt.keyScope, now, outcome.retryAfterMs, outcome.rateLimit);
      if (cls === 'unavailable' && outcome.retryAfterMs !== null) this.pacer.onRateLimited(modelScope(entry.id), now, outcome.retryAfterMs, null);
      if (rule.disableModel) this.disabled.set(entry.id, CODE_OF_CLASS[cls]);

      lastClass = cls;
      lastError = { code: CODE_OF_CLASS[cls], message: failureMessage(cls) };
      let decision: Decision =
        cls === 'aborted'
          ? { kind: 'fail', code: 'ABORTED' }
          : decide(cls, {
              sameModelRetries,
              retryAfterMs: outcome.retryAfterMs,
              remainingMs: deadline - now,
              backoff: { baseMs: this.settings.backoff.baseMs, maxMs: this.settings.backoff.maxMs },
              ...(this.settings.backoffByClass[cls] ? { backoffOverride: this.settings.backoffByClass[cls] } : {}),
              random: this.random,
            });
      if (decision.kind === 'retry_same' && rule.action === 'wait' && decision.waitMs > READY_SLACK_MS) {
        const tokensNeeded = promptTokens + (request.maxTokens ?? 1024);
        // Another model can answer before this one may be asked again: go there instead.
        if (this.alternativeReadyBefore(rt, tried, options, images, tokensNeeded, now + decision.waitMs)) {
          decision = { kind: 'switch', needLargerContext: false };
        }
      }
      const decisionLabel = decision.kind === 'retry_same' ? `retry_same:${Math.round(decision.waitMs)}ms` : decision.kind === 'switch' ? (decision.needLargerContext ? 'switch_larger_context' : 'switch_model') : 'fail';
      this.record(requestId, options, entry, attemptStartedAt, attempts, outcome, cls, decisionLabel, waitedBefore, cost);
      waitedBefore = 0;

      if (decision.kind === 'fail') {
        return fail(decision.code, cls === 'aborted' ? 'The request was cancelled.' : failureMessage(cls));
      }
      if (decision.kind === 'retry_same') {
        sameModelRetries += 1;
        // Waits the pacer already enforces (Retry-After on the key or model) are not slept twice.
        const enforced = cls === 'rate_limit' || (cls === 'unavailable' && outcome.retryAfterMs !== null);
        if (!enforced && decision.waitMs > 0) {
          try {
            await sleep(decision.waitMs, signal);
          } catch {
            return fail('ABORTED', 'The request was cancelled.');
          }
          waitedBefore += decision.waitMs;
        }
        continue;
      }
      tried.add(entry.id);
      if (isTransient(cls)) triedTransiently.add(entry.id);
      else triedTransiently.delete(entry.id);
      if (decision.needLargerContext) contextLargerThan = Math.max(contextLargerThan ?? 0, entry.contextWindow ?? promptTokens);
      current = null;
    }
  }

  /**
   * The synchronous part of choosing: requests that arrive together are each committed to a
   * model (its in-flight count raised) before the next one chooses.
   */
  private pickNow(
    request: ChatRequest,
    options: CallOptions,
    strategy: Strategy,
    promptTokens: number,
    images: boolean,
    tried: ReadonlySet<string>,
    contextLargerThan: number | null,
  ): { rt: ModelRuntime } | { reopensAt: number } | null {
    const outputTokens = request.maxTokens ?? 1024;
    const eligible: ModelRuntime[] = [];
    for (const rt of this.runtimes.values()) {
      if (this.isEligible(rt, options, images, promptTokens + outputTokens, tried, contextLargerThan)) eligible.push(rt);
    }
    if (eligible.length === 0) return null;
    const turn = this.turn++;
    const ordered = eligible.length === 1 ? [eligible[0]!.entry] : this.order(strategy, eligible, options, { promptTokens, outputTokens }, turn);
    const now = this.now();
    // The strategy's order, but a model that can start now beats one that must wait for its
    // rate limit, a Retry-After or a free slot; if none can, the one that can start soonest.
    let soonest: { rt: ModelRuntime; at: number } | null = null;
    for (const entry of ordered) {
      const rt = this.runtimes.get(entry.id);
      if (!rt || !rt.breaker.canPass(now)) continue;
      const at = this.readyAt(rt, now);
      if (at <= now + READY_SLACK_MS) return { rt };
      if (soonest === null || at < soonest.at) soonest = { rt, at };
    }
    if (soonest) return { rt: soonest.rt };
    return { reopensAt: Math.min(...eligible.map((rt) => rt.breaker.reopensAt() ?? now + 50)) };
  }

  private order(strategy: Strategy, eligible: readonly ModelRuntime[], options: CallOptions, estimate: { promptTokens: number; outputTokens: number }, turn: number): ModelEntry[] {
    const primary = options.pool?.[0] ?? this.deps.models[0]?.id;
    const fallbackOrder = primary ? [primary, ...(this.settings.fallbacks[primary] ?? [])] : [];
    return orderModels(
      strategy,
      eligible.map((rt) => rt.entry),
      {
        stats: (id) => this.stats(id),
        estimate,
        random: this.random,
        turn,
        fallbackOrder,
      },
    );
  }

  /** In the call's pool, not disabled or already tried, and able to take the request at all. */
  private isEligible(rt: ModelRuntime, options: CallOptions, images: boolean, tokensNeeded: number, tried: ReadonlySet<string>, contextLargerThan: number | null): boolean {
    if (options.pool && !options.pool.includes(rt.entry.id)) return false;
    if (this.disabled.has(rt.entry.id) || tried.has(rt.entry.id)) return false;
    return exclusionOf(rt.entry, { ...(options.task ? { task: options.task } : {}), hasImages: images, tokensNeeded, contextLargerThan }) === null;
  }

  /** When a request to this model could start: pacer blocks and limits, and a free slot. */
  private readyAt(rt: ModelRuntime, now: number): number {
    let at = this.pacer.earliestStart(rt.scopes, now);
    // Committed requests beyond its concurrency queue: each full round of the queue costs one
    // answer's time, so a deep queue reads as later than a short one and load spreads.
    const queued = rt.stats.inFlight - rt.entry.maxConcurrency;
    if (queued >= 0) at = Math.max(at, now + (Math.floor(queued / rt.entry.maxConcurrency) + 1) * (rt.stats.latencyMs ?? 1000));
    return at;
  }

  /** Whether some other model could take the request before `before` (so waiting here is a loss). */
  private alternativeReadyBefore(current: ModelRuntime, tried: ReadonlySet<string>, options: CallOptions, images: boolean, tokensNeeded: number, before: number): boolean {
    const now = this.now();
    for (const rt of this.runtimes.values()) {
      if (rt === current || !this.isEligible(rt, options, images, tokensNeeded, tried, null)) continue;
      if (rt.breaker.canPass(now) && this.readyAt(rt, now) < before) return true;
    }
    return false;
  }

  /**
   * A model that can take the request now, for a request sleeping out a long wait elsewhere.
   * Models this request has not tried come first; a tried one (it failed transiently) still
   * beats a long wait, and the attempt budget bounds how often that can happen.
   */
  private readyAlternative(
    current: ModelRuntime,
    tried: ReadonlySet<string>,
    triedTransiently: ReadonlySet<string>,
    options: CallOptions,
    images: boolean,
    tokensNeeded: number,
    contextLargerThan: number | null,
  ): ModelRuntime | null {
    const now = this.now();
    let triedReady: ModelRuntime | null = null;
    for (const rt of this.runtimes.values()) {
      if (rt === current || !this.isEligible(rt, options, images, tokensNeeded, NONE, contextLargerThan)) continue;
      if (tried.has(rt.entry.id) && !triedTransiently.has(rt.entry.id)) continue;
      if (!rt.breaker.canPass(now) || this.readyAt(rt, now) > now + READY_SLACK_MS) continue;
      if (!tried.has(rt.entry.id)) return rt;
      triedReady ??= rt;
    }
    return triedReady;
  }

  /**
   * What the attempt cost: the answering model's price, the provider's word, or (OpenRouter, no
   * usage in the answer) a lookup by generation id. Synchronous unless it must look up: this is
   * on every call's path.
   */
  private costOf(result: AttemptResult, entry: ModelEntry, apiKey: string | null, signal: AbortSignal | undefined): AttemptCost | Promise<AttemptCost> {
    const answering = this.modelBySlug(result.answeredBy) ?? entry;
    const fromUsage = costFromUsage(result.usage, answering.prices);
    if (fromUsage.costUsd !== null) return fromUsage;
    // Refused or failed before generation: nothing was billed.
    if (!mayHaveBilled(result)) return { costUsd: 0, source: 'estimate' };
    if (result.generationId && entry.dialect === 'openrouter') return this.lookUpCost(entry.endpoint, result.generationId, apiKey, signal, fromUsage);
    return fromUsage;
  }

  private async lookUpCost(endpoint: string, generationId: string, apiKey: string | null, signal: AbortSignal | undefined, otherwise: AttemptCost): Promise<AttemptCost> {
    const looked = await lookupGenerationCost(endpoint, generationId, apiKey, { dispatcher: this.deps.dispatcher, signal });
    return looked === null ? otherwise : { costUsd: looked, source: 'generation_lookup' };
  }

  private targetOf(rt: ModelRuntime, apiKey: string | null): AttemptTarget {
    if (rt.target === null || rt.target.apiKey !== apiKey) {
      const { entry } = rt;
      rt.target = {
        modelId: entry.id,
        endpoint: entry.endpoint,
        slug: entry.slug,
        dialect: entry.dialect,
        apiKey,
        prices: entry.prices,
        structuredOutput: entry.structuredOutput,
        dataCollection: this.settings.dataCollection,
      };
    }
    return rt.target;
  }

  private modelBySlug(slug: string | null): ModelEntry | null {
    if (!slug) return null;
    for (const rt of this.runtimes.values()) if (rt.entry.slug === slug) return rt.entry;
    return null;
  }

  private saveBreaker(rt: ModelRuntime): void {
    this.deps.breakers?.save(rt.breakerKey, rt.breaker.toSnapshot());
  }

  private record(
    requestId: string,
    options: CallOptions,
    entry: ModelEntry,
    startedAt: number,
    attempt: number,
    result: AttemptResult,
    cls: ErrorClass | null,
    decision: string,
    waitedMs: number,
    cost: AttemptCost,
  ): void {
    this.deps.sink.record({
      id: timeOrderedId(),
      requestId,
      purpose: options.purpose,
      batchId: options.batchId ?? null,
      jobId: options.jobId ?? null,
      modelId: entry.id,
      endpoint: entry.endpoint,
      startedAt,
      attempt,
      status: result.ok ? 'ok' : 'error',
      httpStatus: result.httpStatus,
      errorClass: cls,
      errorCode: cls ? CODE_OF_CLASS[cls] : null,
      errorMessage: result.ok ? null : result.detail.slice(0, 300),
      decision,
      waitedMs: Math.round(waitedMs),
      ttftMs: result.ttftMs === null ? null : Math.round(result.ttftMs),
      latencyMs: Math.round(result.latencyMs),
      promptTokens: result.usage?.promptTokens ?? null,
      completionTokens: result.usage?.completionTokens ?? null,
      cachedTokens: result.usage?.cachedTokens ?? null,
      costUsd: cost.costUsd,
      costSource: cost.source,
      generationId: result.generationId,
    });
  }
}
