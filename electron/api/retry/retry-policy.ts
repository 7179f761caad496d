import type { ErrorCode } from '../../../shared/errors.ts';
import { backoffDelay, type BackoffKind, type BackoffSettings } from './backoff.ts';
import { CODE_OF_CLASS, type ErrorClass } from './error-classes.ts';

/** What to do about one class of failure (the table in the README is this object). */
export interface ClassRule {
  /**
   * - `retry`: the same model again after a backoff, up to `sameModelTries`, then another model.
   * - `wait`: the same model after exactly the wait the provider asked for (Retry-After), unless
   *   that wait does not fit the deadline or is longer than `maxDelayMs`: then another model.
   * - `switch`: another model at once.
   * - `larger_context`: another model with a larger context window.
   * - `repair`: repair the JSON and validate; if still invalid, ask the same model again once, then switch.
   * - `fail`: stop with the class's code; retrying cannot help (bad key, no credits, bad request).
   * - `stop`: the caller cancelled.
   */
  action: 'retry' | 'wait' | 'switch' | 'larger_context' | 'repair' | 'fail' | 'stop';
  /** Retries on the same model before switching. */
  sameModelTries: number;
  backoff: BackoffKind;
  /** Counts towards the model's circuit breaker (the model is unhealthy, not the request). */
  breaker: boolean;
  /** Keep this model out of every later request too (its key or name is wrong). */
  disableModel: boolean;
}

export const RETRY_TABLE: Readonly<Record<ErrorClass, ClassRule>> = {
  bad_request: { action: 'fail', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: false },
  context_length: { action: 'larger_context', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: false },
  auth: { action: 'fail', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: true },
  payment: { action: 'fail', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: true },
  moderation: { action: 'switch', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: false },
  not_found: { action: 'switch', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: true },
  request_timeout: { action: 'retry', sameModelTries: 1, backoff: 'exponential', breaker: true, disableModel: false },
  rate_limit: { action: 'wait', sameModelTries: 3, backoff: 'exponential', breaker: false, disableModel: false },
  server_error: { action: 'retry', sameModelTries: 1, backoff: 'exponential', breaker: true, disableModel: false },
  bad_gateway: { action: 'retry', sameModelTries: 1, backoff: 'exponential', breaker: true, disableModel: false },
  unavailable: { action: 'wait', sameModelTries: 1, backoff: 'exponential', breaker: true, disableModel: false },
  gateway_timeout: { action: 'switch', sameModelTries: 0, backoff: 'immediate', breaker: true, disableModel: false },
  connection: { action: 'retry', sameModelTries: 1, backoff: 'exponential', breaker: true, disableModel: false },
  stall_first_byte: { action: 'switch', sameModelTries: 0, backoff: 'immediate', breaker: true, disableModel: false },
  stall_mid_stream: { action: 'retry', sameModelTries: 1, backoff: 'immediate', breaker: true, disableModel: false },
  stream_error: { action: 'retry', sameModelTries: 1, backoff: 'exponential', breaker: true, disableModel: false },
  truncated: { action: 'retry', sameModelTries: 1, backoff: 'immediate', breaker: true, disableModel: false },
  malformed: { action: 'retry', sameModelTries: 1, backoff: 'immediate', breaker: false, disableModel: false },
  schema_invalid: { action: 'repair', sameModelTries: 1, backoff: 'immediate', breaker: false, disableModel: false },
  empty: { action: 'retry', sameModelTries: 1, backoff: 'immediate', breaker: false, disableModel: false },
  aborted: { action: 'stop', sameModelTries: 0, backoff: 'immediate', breaker: false, disableModel: false },
};

/** Failures another try (on any model) may cure. */
export function isTransient(cls: ErrorClass): boolean {
  const action = RETRY_TABLE[cls].action;
  return action === 'retry' || action === 'wait' || cls === 'stall_first_byte' || cls === 'gateway_timeout';
}

export type Decision =
  | { kind: 'retry_same'; waitMs: number }
  | { kind: 'switch'; needLargerContext: boolean }
  | { kind: 'fail'; code: ErrorCode };

export interface DecisionContext {
  /** Retries already made on this model within this logical request. */
  sameModelRetries: number;
  retryAfterMs: number | null;
  remainingMs: number;
  backoff: Omit<BackoffSettings, 'kind'>;
  /** Per-class backoff kinds from config override the table. */
  backoffOverride?: BackoffKind;
  random?: () => number;
}

/** The retry manager's judgement on one failed attempt; the call manager carries it out. */
export function decide(errorClass: ErrorClass, ctx: DecisionContext): Decision {
  const rule = RETRY_TABLE[errorClass];
  const kind = ctx.backoffOverride ?? rule.backoff;
  const delay = (): number => backoffDelay({ kind, ...ctx.backoff }, ctx.sameModelRetries, ctx.random);
  switch (rule.action) {
    case 'stop':
    case 'fail':
      return { kind: 'fail', code: CODE_OF_CLASS[errorClass] };
    case 'switch':
      return { kind: 'switch', needLargerContext: false };
    case 'larger_context':
      return { kind: 'switch', needLargerContext: true };
    case 'wait': {
      if (ctx.sameModelRetries >= rule.sameModelTries) return { kind: 'switch', needLargerContext: false };
      const waitMs = ctx.retryAfterMs ?? delay();
      // A wait that does not fit is better spent on another model than asleep.
      if (waitMs >= ctx.remainingMs || waitMs > ctx.backoff.maxMs) return { kind: 'switch', needLargerContext: false };
      return { kind: 'retry_same', waitMs };
    }
    case 'retry':
    case 'repair': {
      if (ctx.sameModelRetries >= rule.sameModelTries) return { kind: 'switch', needLargerContext: false };
      const waitMs = Math.max(delay(), ctx.retryAfterMs ?? 0);
      if (waitMs >= ctx.remainingMs) return { kind: 'switch', needLargerContext: false };
      return { kind: 'retry_same', waitMs };
    }
  }
}
