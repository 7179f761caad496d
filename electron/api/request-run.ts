/**
 * One logical request on its way through the call manager's loop: what it carries from attempt
 * to attempt, the ways it ends, and the moves between models that the loop's steps make.
 */
import type { AppErrorData, ErrorCode } from '../../shared/errors.ts';
import { timeOrderedId } from '../common/time-ordered-id.ts';
import type { AttemptOrigin } from './attempt-record.ts';
import type { CallFailure, CallOptions } from './call.ts';
import { estimatePromptTokens, hasImages } from './client/estimate.ts';
import { mayHaveBilled, type AttemptCost } from './client/pricing.ts';
import type { AttemptResult, AttemptTarget, ChatRequest } from './client/types.ts';
import type { Reservation } from './ports.ts';
import { MESSAGE_OF_CLASS, type ErrorClass } from './retry/error-classes.ts';
import { isTransient, RETRY_TABLE } from './retry/retry-policy.ts';
import type { ModelEntry } from './routing/model-registry.ts';
import type { ModelRuntime } from './routing/router.ts';
import { STRATEGY_OF_PRIORITY, type Strategy } from './routing/strategies.ts';
import type { CallManagerSettings } from './settings.ts';

/** Where one logical request stands: what `execute`'s loop carries from attempt to attempt. */
export interface RequestRun {
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
  /** The other try of a hedged request: the two share one attempt budget. */
  sibling: RequestRun | null;
  /** Called when an attempt's answer is late to begin, while nothing waits for a slot. */
  onLateFirstByte: (() => void) | null;
  /** Cancelled because the other try answered first: its cancelled attempt says so. */
  superseded: boolean;
}

/** An attempt that left, with where to, when, and the budget it reserved. */
export interface SentAttempt {
  result: AttemptResult;
  target: AttemptTarget;
  startedAt: number;
  reservation: Reservation | null;
}

/** The request goes round `execute`'s loop again: it chooses, or waits, anew. */
export const AGAIN = Symbol('again');
export type Again = typeof AGAIN;

export function startRun(request: ChatRequest, options: CallOptions, settings: CallManagerSettings, started: number): RequestRun {
  const promptTokens = estimatePromptTokens(request);
  return {
    // Time-ordered ids (UUIDv7): api_calls indexes them, and in-order keys append to the
    // B-tree instead of landing at random pages, which more than halves the audit trail's
    // insert cost.
    requestId: options.requestId ?? timeOrderedId(),
    request,
    options,
    started,
    deadline: started + (options.deadlineMs ?? settings.deadlineMs),
    maxAttempts: options.maxAttempts ?? settings.maxAttempts,
    strategy: options.strategy ?? (options.priority ? STRATEGY_OF_PRIORITY[options.priority] : settings.strategy),
    stream: options.stream ?? settings.stream,
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
    sibling: null,
    onLateFirstByte: null,
    superseded: false,
  };
}

export function failure(run: RequestRun, code: ErrorCode, message: string): CallFailure {
  return { ok: false, requestId: run.requestId, error: { code, message }, attempts: run.attempts, costUsd: run.costUnpriced ? null : run.costUsd, costUnpriced: run.costUnpriced };
}

export const cancelled = (run: RequestRun): CallFailure => failure(run, 'ABORTED', 'The request was cancelled.');

const lastErrorSentence = (run: RequestRun): string => (run.lastError ? ` The last error: ${run.lastError.message}` : '');

/** The attempts the request has made, a hedged request's other try's included: they share one budget. */
const attemptsMade = (run: RequestRun): number => run.attempts + (run.sibling?.attempts ?? 0);

/** Every attempt of the request's budget is used. */
export const budgetSpent = (run: RequestRun): boolean => attemptsMade(run) >= run.maxAttempts;

/** Cancelled, out of attempts or past its deadline: the request ends before another round. */
export function limitReached(run: RequestRun, now: () => number): CallFailure | null {
  if (run.signal?.aborted) return cancelled(run);
  if (budgetSpent(run)) return failure(run, 'ATTEMPTS_EXHAUSTED', `Gave up after ${attemptsMade(run)} attempts.${lastErrorSentence(run)}`);
  if (now() >= run.deadline) return failure(run, 'DEADLINE_EXCEEDED', `No answer within the time limit.${lastErrorSentence(run)}`);
  return null;
}

/**
 * Every model failed transiently, or last with an answer that broke the schema (the next answer
 * may well be right, and a request pinned to one model has no other to ask): go round again,
 * within the same budget and deadline. A round in which nothing could even be sent ends the
 * request instead of spinning. False when the request is out of options.
 */
export function anotherRound(run: RequestRun): boolean {
  if (run.tried.size === 0 || run.attempts <= run.attemptsAtLastRound || !run.lastClass) return false;
  if (!isTransient(run.lastClass) && RETRY_TABLE[run.lastClass].action !== 'repair') return false;
  run.attemptsAtLastRound = run.attempts;
  run.tried.clear();
  run.triedTransiently.clear();
  return true;
}

/**
 * No model is left to try: the last error if another model would not cure it, else why none
 * could answer — `unfit` when every model of the pool is ruled out by what it is (no vision, too
 * small a context window, a refused key) and nothing was tried.
 */
export function outOfOptions(run: RequestRun, unfit: AppErrorData | null = null): CallFailure {
  const { lastError, lastClass } = run;
  if (lastError && lastClass && !isTransient(lastClass)) return failure(run, lastError.code, lastError.message);
  if (unfit && run.attempts === 0 && lastError === null) return failure(run, unfit.code, unfit.message);
  return failure(
    run,
    'NO_MODEL_AVAILABLE',
    lastError
      ? `No model could answer. The last error: ${lastError.message}`
      : 'No configured model can take this request (check the models\' tasks, vision and context window, and their keys).',
  );
}

/** The model's key is not at hand: leave it, and say why if nothing else answers. */
export function leaveForMissingKey(run: RequestRun, entry: ModelEntry): void {
  run.lastError = { code: 'MISSING_API_KEY', message: `No API key for "${entry.name}": set ${entry.keyEnv} or add the key in Settings.` };
  run.lastClass = 'auth';
  run.tried.add(entry.id);
  run.current = null;
}

/** This model's rate window or a Retry-After keeps it past the deadline: leave it. */
export function giveUpOnRateLimit(run: RequestRun, rt: ModelRuntime): void {
  run.tried.add(rt.entry.id);
  run.current = null;
  run.lastError ??= { code: 'RATE_LIMITED', message: MESSAGE_OF_CLASS.rate_limit };
  run.lastClass ??= 'rate_limit';
}

/**
 * The breaker turned the request away (another request took its half-open probe): choose
 * again. The model is not left as tried: the request failed nowhere, and a request pinned to
 * this model (compare mode) must wait for it — the next choice skips it while its breaker says
 * no, or sleeps until it reopens, within the deadline.
 */
export function leaveOpenBreaker(run: RequestRun): void {
  run.current = null;
}

/** The retry table said another model (one with a larger context, if `needLargerContext`). */
export function switchModel(run: RequestRun, entry: ModelEntry, cls: ErrorClass, needLargerContext: boolean): void {
  run.tried.add(entry.id);
  if (isTransient(cls)) run.triedTransiently.add(entry.id);
  else run.triedTransiently.delete(entry.id);
  if (needLargerContext) run.contextLargerThan = Math.max(run.contextLargerThan ?? 0, entry.contextWindow ?? run.promptTokens);
  run.current = null;
}

/** An attempt's cost joins the request's sum; an unknown cost the provider may have billed makes the sum unknown. */
export function addCost(run: RequestRun, cost: AttemptCost, result: AttemptResult): void {
  if (cost.costUsd === null) {
    if (mayHaveBilled(result)) run.costUnpriced = true;
  } else {
    run.costUsd += cost.costUsd;
  }
}

/** Where the request's latest attempt belongs, for its audit record. */
export function attemptOrigin(run: RequestRun, entry: ModelEntry, startedAt: number): AttemptOrigin {
  const { options } = run;
  return {
    requestId: run.requestId,
    purpose: options.purpose,
    batchId: options.batchId ?? null,
    jobId: options.jobId ?? null,
    modelId: entry.id,
    endpoint: entry.endpoint,
    startedAt,
    attempt: run.attempts,
    waitedMs: run.waitedBefore,
    simulated: entry.simulated,
  };
}
