import { READY_SLACK_MS } from '../routing/router.ts';
import type { BackoffKind } from './backoff.ts';
import type { ErrorClass } from './error-classes.ts';
import { decide, RETRY_TABLE, type Decision } from './retry-policy.ts';

export interface FailureContext {
  /** Retries already made on this model within this logical request. */
  sameModelRetries: number;
  retryAfterMs: number | null;
  remainingMs: number;
  /** Base and cap only: the kind is the table's, or `backoffOverride`. */
  backoff: { baseMs: number; maxMs: number };
  /** The config's backoff kind for this class, if it overrides the table. */
  backoffOverride: BackoffKind | undefined;
  random: () => number;
  /** Whether another model could take the request before this time (epoch ms). */
  otherReadyBefore: (at: number) => boolean;
  now: number;
}

/**
 * What comes after a failed attempt: the retry table's word, except that a wait the provider
 * asked for is not sat out when another model can answer before it ends.
 */
export function decideAfterFailure(cls: ErrorClass, ctx: FailureContext): Decision {
  const decision: Decision =
    cls === 'aborted'
      ? { kind: 'fail', code: 'ABORTED' }
      : decide(cls, {
          sameModelRetries: ctx.sameModelRetries,
          retryAfterMs: ctx.retryAfterMs,
          remainingMs: ctx.remainingMs,
          backoff: ctx.backoff,
          ...(ctx.backoffOverride ? { backoffOverride: ctx.backoffOverride } : {}),
          random: ctx.random,
        });
  // Another model can answer before this one may be asked again: go there instead.
  if (decision.kind === 'retry_same' && RETRY_TABLE[cls].action === 'wait' && decision.waitMs > READY_SLACK_MS && ctx.otherReadyBefore(ctx.now + decision.waitMs)) {
    return { kind: 'switch', needLargerContext: false };
  }
  return decision;
}

/** The decision as the audit trail records it. */
export function decisionLabel(decision: Decision): string {
  if (decision.kind === 'retry_same') return `retry_same:${Math.round(decision.waitMs)}ms`;
  if (decision.kind === 'switch') return decision.needLargerContext ? 'switch_larger_context' : 'switch_model';
  return 'fail';
}
