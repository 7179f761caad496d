import { timeOrderedId } from '../common/time-ordered-id.ts';
import type { Dispatcher } from 'undici';
import { AppError, type AppErrorData, type ErrorCode } from '../../shared/errors.ts';
import type { ApiCallRow } from '../store/api-calls.ts';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerSettings } from './routing/circuit-breaker.ts';
import { sendAttempt } from './client/send-attempt.ts';
import { CODE_OF_CLASS, MESSAGE_OF_CLASS, type ErrorClass } from './retry/error-classes.ts';
import { estimatePromptTokens, hasImages } from './client/estimate.ts';
import { exclusionOf, keyScope, modelScope, type ModelEntry } from './routing/model-registry.ts';
import type { AttemptSink, BreakerPersistence, BudgetGuard, KeyLookup, Reservation } from './ports.ts';
import { costFromUsage, lookupGenerationCost, type AttemptCost } from './client/pricing.ts';
import { RatePacer, type PacerSlot } from './pacing/rate-pacer.ts';
import { decide, RETRY_TABLE, type Decision } from './retry/retry-policy.ts';
import type { BackoffKind } from './retry/backoff.ts';
import { Semaphore } from './pacing/semaphore.ts';
import { sleep, waitFor } from '../common/sleep.ts';
import { freshStats, orderModels, recordOutcome, STRATEGY_OF_PRIORITY, type ModelStats, type Priority, type Strategy } from './routing/strategies.ts';
import { checkStructuredAnswer } from './client/structured-answer.ts';
import { DEFAULT_TIMEOUTS, type AttemptResult, type AttemptTarget, type ChatRequest, type Timeouts } from './client/types.ts';

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
  /** When it was last chosen (CallManager.picks); -1 for never. */
  lastPicked: number;
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
  // Accepted (a 2xx) and then lost before any content: the model may well have been working.
  if (result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300) return true;
  // A body arrived (or began to): the generation ran even if we could not read it.
  return ['stall_mid_stream', 'truncated', 'stream_error', 'malformed', 'empty', 'schema_invalid'].includes(result.errorClass);
}

/** Where one logical request stands: what `execute`'s loop carries from attempt to attempt. */
interface RequestRun {
  readonly requestId: string;
  readonly request: ChatRequest;
  readonly options: CallOptions;
  readonly started: number;
  readonly deadline: number;
  readonly maxAttempts: number;
  readonly strategy: Strategy;
  readonly stream: boolean;
  readonly signal: AbortSignal | undefined;
  readonly promptTokens: number;
  /** Prompt and answer: what a model's context window must hold. */
  readonly tokensNeeded: number;
  readonly images: boolean;
  attempts: number;
  costUsd: number;
  costUnpriced: boolean;
  /** Models this request has left (cleared for another round when all failed transiently). */
  readonly tried: Set<string>;
  /** Tried models whose failure another try may cure (a long wait elsewhere may come back to them). */
  readonly triedTransiently: Set<string>;
  /** The model the request is committed to; null while it must choose. */
  current: ModelRuntime | null;
  sameModelRetries: number;
  contextLargerThan: number | null;
  lastClass: ErrorClass | null;
  lastError: AppErrorData | null;
  /** Waited since the last recorded attempt (probe, pacing, backoff): the next row says it. */
  waitedBefore: number;
  attemptsAtLastRound: number;
  reroutes: number;
}

/** An attempt that left, with when and the budget it reserved. */
interface SentAttempt {
  result: AttemptResult;
  startedAt: number;
  reservation: Reservation | null;
}

/** The request goes round `execute`'s loop again: it chooses, or waits, anew. */
const AGAIN = Symbol('again');
type Again = typeof AGAIN;

function failure(run: RequestRun, code: ErrorCode, message: string): CallFailure {
  return { ok: false, requestId: run.requestId, error: { code, message }, attempts: run.attempts, costUsd: run.costUnpriced ? null : run.costUsd, costUnpriced: run.costUnpriced };
}

const cancelled = (run: RequestRun): CallFailure => failure(run, 'ABORTED', 'The request was cancelled.');

const lastErrorSentence = (run: RequestRun): string => (run.lastError ? ` The last error: ${run.lastError.message}` : '');

/** No model is left to try: the last error if another model would not cure it, else why none could answer. */
function outOfOptions(run: RequestRun): CallFailure {
  const { lastError, lastClass } = run;
  if (lastError && lastClass && !isTransient(lastClass)) return failure(run, lastError.code, lastError.message);
  return failure(
    run,
    'NO_MODEL_AVAILABLE',
    lastError
      ? `No model could answer. The last error: ${lastError.message}`
      : 'No configured model can take this request (check the models\' tasks, vision and context window, and their keys).',
  );
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
  /** Counts choices, for round robin's least recently chosen. */
  private picks = 0;

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
        lastPicked: -1,
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

  /**
   * Which models of `pool` (all when empty) could be asked at all: not disabled, and with their
   * key at hand or needing none. A batch checks this before it touches a job, so a missing key
   * is a setup error to fix, not every submission failed.
   */
  async keyCheck(pool: readonly string[]): Promise<{ ready: string[]; missingKeys: Array<{ modelId: string; keyEnv: string }> }> {
    const ready: string[] = [];
    const missingKeys: Array<{ modelId: string; keyEnv: string }> = [];
    for (const rt of this.runtimes.values()) {
      const { id, keyEnv } = rt.entry;
      if ((pool.length > 0 && !pool.includes(id)) || this.disabled.has(id)) continue;
      if (keyEnv && (await this.deps.keys(keyEnv)) === null) missingKeys.push({ modelId: id, keyEnv });
      else ready.push(id);
    }
    return { ready, missingKeys };
  }

  /**
   * One logical request to an answer or a coded failure: choose a model, hold its slots, send
   * (`sendWhenAllowed`), and let the retry table say what comes next (`settle`), round the loop
   * until an answer, a failure that another try cannot cure, the attempt budget or the deadline.
   */
  async execute(request: ChatRequest, options: CallOptions): Promise<CallOutcome> {
    const run = this.startRun(request, options);
    for (;;) {
      if (run.signal?.aborted) return cancelled(run);
      if (run.attempts >= run.maxAttempts) return failure(run, 'ATTEMPTS_EXHAUSTED', `Gave up after ${run.attempts} attempts.${lastErrorSentence(run)}`);
      if (this.now() >= run.deadline) return failure(run, 'DEADLINE_EXCEEDED', `No answer within the time limit.${lastErrorSentence(run)}`);

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
        const choice = this.pickNow(run);
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
        const picked = choice !== null && 'rt' in choice ? choice.rt : null;
        if (picked === null && run.tried.size > 0 && run.attempts > run.attemptsAtLastRound && run.lastClass && isTransient(run.lastClass)) {
          // Every model failed transiently: go round again, within the same budget and deadline.
          // A round in which nothing could even be sent ends the request instead of spinning.
          releaseGlobal();
          run.attemptsAtLastRound = run.attempts;
          run.tried.clear();
          run.triedTransiently.clear();
          continue;
        }
        if (picked === null) {
          releaseGlobal();
          return outOfOptions(run);
        }
        run.current = picked;
        run.sameModelRetries = 0;
      }
      const rt: ModelRuntime = run.current;
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
        run.lastError = { code: 'MISSING_API_KEY', message: `No API key for "${entry.name}": set ${entry.keyEnv} or add the key in Settings.` };
        run.lastClass = 'auth';
        run.tried.add(entry.id);
        run.current = null;
        continue;
      }
      releaseModel = run.signal?.aborted ? null : rt.semaphore.tryAcquire();
      if (releaseModel === null) {
        try {
          releaseModel = await rt.semaphore.acquire(run.signal);
        } catch {
          releaseSlots();
          return cancelled(run);
        }
      }

      const sent = await this.sendWhenAllowed(run, rt, apiKey, releaseSlots);
      if (sent === AGAIN) continue;
      if ('ok' in sent) return sent;
      const settled = await this.settle(run, rt, apiKey, sent);
      if (settled !== AGAIN) return settled;
    }
  }

  private startRun(request: ChatRequest, options: CallOptions): RequestRun {
    const promptTokens = estimatePromptTokens(request);
    const started = this.now();
    return {
      // Time-ordered ids (UUIDv7): api_calls indexes them, and in-order keys append to the
      // B-tree instead of landing at random pages, which more than halves the audit trail's
      // insert cost.
      requestId: options.requestId ?? timeOrderedId(),
      request,
      options,
      started,
      deadline: started + (options.deadlineMs ?? this.settings.deadlineMs),
      maxAttempts: options.maxAttempts ?? this.settings.maxAttempts,
      strategy: options.strategy ?? (options.priority ? STRATEGY_OF_PRIORITY[options.priority] : this.settings.strategy),
      stream: options.stream ?? this.settings.stream,
      signal: options.signal,
      promptTokens,
      tokensNeeded: promptTokens + (request.maxTokens ?? 1024),
      images: hasImages(request),
      attempts: 0,
      costUsd: 0,
      costUnpriced: false,
      tried: new Set(),
      triedTransiently: new Set(),
      current: null,
      sameModelRetries: 0,
      contextLargerThan: null,
      lastClass: null,
      lastError: null,
      waitedBefore: 0,
      attemptsAtLastRound: 0,
      reroutes: 0,
    };
  }

  /**
   * From a committed model to a sent attempt: waits for the key's first answer, the model's
   * rate window and any Retry-After, passes the breaker and the budget, and sends. The slots
   * are released whatever happens. AGAIN when the request must choose, or wait, anew.
   */
  private async sendWhenAllowed(run: RequestRun, rt: ModelRuntime, apiKey: string | null, releaseSlots: () => void): Promise<SentAttempt | CallFailure | Again> {
    const entry = rt.entry;
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
            await waitFor(probe, Math.min(PROBE_WAIT_MS, run.deadline - waitStarted), run.signal);
          } catch {
            return cancelled(run);
          }
          run.waitedBefore += this.now() - waitStarted;
          // The probe is still out after PROBE_WAIT_MS: the key has not refused, so go.
          if (this.probes.get(rt.keyScope) === probe) this.answeredKeys.add(rt.keyScope);
          // Choose again with what the probe's answer taught (a 401, a 429, an open breaker).
          run.current = null;
          return AGAIN;
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
      const pacedWait = slot.startAt - this.now();
      if (slot.startAt >= run.deadline) {
        slot.cancel();
        this.giveUpOnRateLimit(run, rt);
        return AGAIN;
      }
      if (pacedWait > LONG_WAIT_MS && run.reroutes < MAX_REROUTES) {
        if (this.alternativeReadyBefore(rt, run, this.now() + pacedWait / 2)) {
          // Not a failure: this model's window is full or its key blocked, and another model
          // can start much sooner. Give the slots back and choose again (bounded per request).
          slot.cancel();
          run.reroutes += 1;
          run.current = null;
          return AGAIN;
        }
      }
      if (pacedWait > 0) {
        let waited: PacerSlot | ModelRuntime | null;
        try {
          waited = await this.waitForSlot(run, rt, slot);
        } catch {
          return cancelled(run);
        }
        if (waited === null) {
          // Blocked past the deadline: this model cannot be asked in time.
          this.giveUpOnRateLimit(run, rt);
          return AGAIN;
        }
        if (!('startAt' in waited)) {
          run.reroutes += 1;
          run.current = waited;
          run.sameModelRetries = 0;
          return AGAIN;
        }
        slot = waited;
      }
      // Starts reserved 20 ms apart can still leave together after a late timer: keep the gap
      // between actual sends on a limited scope (bounded: each round waits out the gap).
      for (let gap = this.pacer.sendGap(scopes, this.now()); gap > 0; gap = this.pacer.sendGap(scopes, this.now())) {
        try {
          await sleep(gap, run.signal);
          await yieldToIo();
        } catch {
          slot.cancel();
          return cancelled(run);
        }
        run.waitedBefore += gap;
      }
      if (this.pacer.blockedUntil(scopes) > this.now()) {
        // A Retry-After arrived during that gap: take this round again from the top.
        slot.cancel();
        return AGAIN;
      }
      if (!rt.breaker.tryAcquire(this.now())) {
        // Open for now, not for good: a later long wait elsewhere may come back to it. Nothing
        // leaves, so the rate window must not count it.
        slot.cancel();
        run.tried.add(entry.id);
        run.triedTransiently.add(entry.id);
        run.current = null;
        return AGAIN;
      }
      const estimateUsd =
        entry.prices.input === null || entry.prices.output === null
          ? null
          : run.promptTokens * entry.prices.input + (run.request.maxTokens ?? entry.maxTokens ?? 1024) * entry.prices.output;
      let reservation: Reservation | null;
      try {
        reservation = this.deps.budget ? this.deps.budget.reserve(estimateUsd, { batchId: run.options.batchId ?? null }) : null;
      } catch (error) {
        rt.breaker.release();
        slot.cancel();
        if (error instanceof AppError) return failure(run, error.code, error.message);
        throw error;
      }

      run.attempts += 1;
      const startedAt = this.now();
      this.pacer.markSent(scopes, startedAt);
      const remaining = Math.max(1, run.deadline - startedAt);
      const timeouts = this.settings.timeouts;
      const probeEnd = endProbe;
      const result = await sendAttempt(this.targetOf(rt, apiKey), run.request, {
        stream: run.stream,
        timeouts: remaining < timeouts.totalMs ? { ...timeouts, totalMs: remaining } : timeouts,
        signal: run.signal,
        dispatcher: this.deps.dispatcher,
        onDelta: run.options.onDelta,
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
      return { result, startedAt, reservation };
    } finally {
      releaseSlots();
      endProbe?.();
    }
  }

  /**
   * Sleeps until `slot`, in steps: when another model becomes ready meanwhile (it came back
   * up, or its window slid open), the request goes there instead of sleeping on. Answers the
   * slot to start in (a Retry-After that arrived meanwhile moves it later), the model to move
   * to, or null when the model cannot be asked before the deadline; a slot it does not answer
   * is cancelled. Throws when the request's signal fires.
   */
  private async waitForSlot(run: RequestRun, rt: ModelRuntime, first: PacerSlot): Promise<PacerSlot | ModelRuntime | null> {
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
            moveTo = this.readyAlternative(rt, run);
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
      return moveTo;
    }
    if (pastDeadline || this.pacer.blockedUntil(scopes) > this.now()) {
      slot.cancel();
      return null;
    }
    return slot;
  }

  /** This model's rate window or a Retry-After keeps it past the deadline: leave it. */
  private giveUpOnRateLimit(run: RequestRun, rt: ModelRuntime): void {
    run.tried.add(rt.entry.id);
    run.current = null;
    run.lastError ??= { code: 'RATE_LIMITED', message: failureMessage('rate_limit') };
    run.lastClass ??= 'rate_limit';
  }

  /**
   * What an attempt cost and what it means: the answer (a 200 is only a success if the answer
   * is usable), a coded failure, or AGAIN after the wait the retry table asks for.
   */
  private async settle(run: RequestRun, rt: ModelRuntime, apiKey: string | null, sent: SentAttempt): Promise<CallOutcome | Again> {
    const { result, startedAt, reservation } = sent;
    const entry = rt.entry;
    // What did it cost? The answering model's price, the provider's word, or a lookup.
    const pendingCost = this.costOf(result, entry, apiKey, run.signal);
    const cost = pendingCost instanceof Promise ? await pendingCost : pendingCost;
    reservation?.settle(cost.costUsd);
    if (cost.costUsd === null) {
      if (mayHaveBilled(result)) run.costUnpriced = true;
    } else {
      run.costUsd += cost.costUsd;
    }

    let value: unknown = undefined;
    let outcome: AttemptResult = result;
    if (result.ok && run.request.schema) {
      const check = checkStructuredAnswer(result.content, run.request.schema, result.finishReason);
      if (check.ok) value = check.value;
      else outcome = { ...result, ok: false, errorClass: check.errorClass, retryAfterMs: null, contentStarted: true, detail: check.message };
    }

    const now = this.now();
    if (outcome.ok) {
      rt.breaker.onSuccess();
      recordOutcome(rt.stats, true, outcome.latencyMs, outcome.ttftMs);
      this.pacer.onHint(rt.keyScope, now, outcome.rateLimit);
      this.saveBreaker(rt);
      this.record(run, entry, startedAt, outcome, null, 'done', cost);
      return {
        ok: true,
        requestId: run.requestId,
        modelId: entry.id,
        content: outcome.content,
        value,
        attempts: run.attempts,
        costUsd: run.costUnpriced ? null : run.costUsd,
        costUnpriced: run.costUnpriced,
        latencyMs: now - run.started,
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
    if (toldWhen) this.pacer.onRateLimited(modelScope(entry.id), now, outcome.retryAfterMs, null);
    if (rule.disableModel) this.disabled.set(entry.id, CODE_OF_CLASS[cls]);

    run.lastClass = cls;
    run.lastError = { code: CODE_OF_CLASS[cls], message: failureMessage(cls) };
    let decision: Decision =
      cls === 'aborted'
        ? { kind: 'fail', code: 'ABORTED' }
        : decide(cls, {
            sameModelRetries: run.sameModelRetries,
            retryAfterMs: outcome.retryAfterMs,
            remainingMs: run.deadline - now,
            backoff: { baseMs: this.settings.backoff.baseMs, maxMs: this.settings.backoff.maxMs },
            ...(this.settings.backoffByClass[cls] ? { backoffOverride: this.settings.backoffByClass[cls] } : {}),
            random: this.random,
          });
    // Another model can answer before this one may be asked again: go there instead.
    if (decision.kind === 'retry_same' && rule.action === 'wait' && decision.waitMs > READY_SLACK_MS && this.alternativeReadyBefore(rt, run, now + decision.waitMs)) {
      decision = { kind: 'switch', needLargerContext: false };
    }
    const decisionLabel = decision.kind === 'retry_same' ? `retry_same:${Math.round(decision.waitMs)}ms` : decision.kind === 'switch' ? (decision.needLargerContext ? 'switch_larger_context' : 'switch_model') : 'fail';
    this.record(run, entry, startedAt, outcome, cls, decisionLabel, cost);
    run.waitedBefore = 0;

    if (decision.kind === 'fail') {
      return failure(run, decision.code, cls === 'aborted' ? 'The request was cancelled.' : failureMessage(cls));
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
    run.tried.add(entry.id);
    if (isTransient(cls)) run.triedTransiently.add(entry.id);
    else run.triedTransiently.delete(entry.id);
    if (decision.needLargerContext) run.contextLargerThan = Math.max(run.contextLargerThan ?? 0, entry.contextWindow ?? run.promptTokens);
    run.current = null;
    return AGAIN;
  }

  /**
   * The synchronous part of choosing: requests that arrive together are each committed to a
   * model (its in-flight count raised) before the next one chooses.
   */
  private pickNow(run: RequestRun): { rt: ModelRuntime } | { reopensAt: number } | null {
    const eligible: ModelRuntime[] = [];
    for (const rt of this.runtimes.values()) {
      if (this.isEligible(rt, run.options, run.images, run.tokensNeeded, run.tried, run.contextLargerThan)) eligible.push(rt);
    }
    if (eligible.length === 0) return null;
    const estimate = { promptTokens: run.promptTokens, outputTokens: run.request.maxTokens ?? 1024 };
    const ordered = eligible.length === 1 ? [eligible[0]!.entry] : this.order(run.strategy, eligible, run.options, estimate);
    const now = this.now();
    // The strategy's order, but a model that can start now beats one that must wait for its
    // rate limit, a Retry-After or a free slot; if none can, the one that can start soonest.
    let soonest: { rt: ModelRuntime; at: number } | null = null;
    for (const entry of ordered) {
      const rt = this.runtimes.get(entry.id);
      if (!rt || !rt.breaker.canPass(now)) continue;
      const at = this.readyAt(rt, now);
      if (at <= now + READY_SLACK_MS) return this.picked(rt);
      if (soonest === null || at < soonest.at) soonest = { rt, at };
    }
    if (soonest) return this.picked(soonest.rt);
    return { reopensAt: Math.min(...eligible.map((rt) => rt.breaker.reopensAt() ?? now + 50)) };
  }

  private picked(rt: ModelRuntime): { rt: ModelRuntime } {
    rt.lastPicked = this.picks++;
    return { rt };
  }

  private order(strategy: Strategy, eligible: readonly ModelRuntime[], options: CallOptions, estimate: { promptTokens: number; outputTokens: number }): ModelEntry[] {
    const primary = options.pool?.[0] ?? this.deps.models[0]?.id;
    const fallbackOrder = primary ? [primary, ...(this.settings.fallbacks[primary] ?? [])] : [];
    return orderModels(
      strategy,
      eligible.map((rt) => rt.entry),
      {
        stats: (id) => this.stats(id),
        estimate,
        random: this.random,
        lastPicked: (id) => this.runtimes.get(id)?.lastPicked ?? -1,
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
  private alternativeReadyBefore(current: ModelRuntime, run: RequestRun, before: number): boolean {
    const now = this.now();
    for (const rt of this.runtimes.values()) {
      if (rt === current || !this.isEligible(rt, run.options, run.images, run.tokensNeeded, run.tried, run.contextLargerThan)) continue;
      if (rt.breaker.canPass(now) && this.readyAt(rt, now) < before) return true;
    }
    return false;
  }

  /**
   * A model that can take the request now, for a request sleeping out a long wait elsewhere.
   * Models this request has not tried come first; a tried one (it failed transiently) still
   * beats a long wait, and the attempt budget bounds how often that can happen.
   */
  private readyAlternative(current: ModelRuntime, run: RequestRun): ModelRuntime | null {
    const now = this.now();
    let triedReady: ModelRuntime | null = null;
    for (const rt of this.runtimes.values()) {
      if (rt === current || !this.isEligible(rt, run.options, run.images, run.tokensNeeded, NONE, run.contextLargerThan)) continue;
      if (run.tried.has(rt.entry.id) && !run.triedTransiently.has(rt.entry.id)) continue;
      if (!rt.breaker.canPass(now) || this.readyAt(rt, now) > now + READY_SLACK_MS) continue;
      if (!run.tried.has(rt.entry.id)) return rt;
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
    const answering = result.answeredBy === null || result.answeredBy === entry.slug ? entry : (this.modelBySlug(result.answeredBy, entry.endpoint) ?? entry);
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

  /** The configured model behind an answering slug, at the same endpoint (another's prices differ). */
  private modelBySlug(slug: string, endpoint: string): ModelEntry | null {
    for (const rt of this.runtimes.values()) if (rt.entry.slug === slug && rt.entry.endpoint === endpoint) return rt.entry;
    return null;
  }

  private saveBreaker(rt: ModelRuntime): void {
    this.deps.breakers?.save(rt.breakerKey, rt.breaker.toSnapshot());
  }

  private record(run: RequestRun, entry: ModelEntry, startedAt: number, result: AttemptResult, cls: ErrorClass | null, decision: string, cost: AttemptCost): void {
    this.deps.sink.record({
      id: timeOrderedId(),
      requestId: run.requestId,
      purpose: run.options.purpose,
      batchId: run.options.batchId ?? null,
      jobId: run.options.jobId ?? null,
      modelId: entry.id,
      endpoint: entry.endpoint,
      startedAt,
      attempt: run.attempts,
      status: result.ok ? 'ok' : 'error',
      httpStatus: result.httpStatus,
      errorClass: cls,
      errorCode: cls ? CODE_OF_CLASS[cls] : null,
      errorMessage: result.ok ? null : result.detail.slice(0, 300),
      decision,
      waitedMs: Math.round(run.waitedBefore),
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
