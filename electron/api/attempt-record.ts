/**
 * The one place an attempt becomes an audit record, for the call manager's attempts and the
 * model checks alike.
 */
import { timeOrderedId } from '../common/time-ordered-id.ts';
import type { AttemptCost } from './client/pricing.ts';
import type { AttemptResult } from './client/types.ts';
import type { AttemptRecord } from './ports.ts';
import { CODE_OF_CLASS, type ErrorClass } from './retry/error-classes.ts';

/** Where an attempt belongs: its request, its model, when it started, and what it waited first. */
export type AttemptOrigin = Pick<AttemptRecord, 'requestId' | 'purpose' | 'batchId' | 'jobId' | 'modelId' | 'endpoint' | 'startedAt' | 'attempt' | 'waitedMs' | 'simulated'>;

/** What came of an attempt: its class (null for an answer), the message kept, the decision, its cost. */
export interface AttemptVerdict {
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  decision: string;
  cost: AttemptCost;
}

export function attemptRecord(origin: AttemptOrigin, result: AttemptResult, verdict: AttemptVerdict): AttemptRecord {
  const cls = verdict.errorClass;
  return {
    id: timeOrderedId(),
    requestId: origin.requestId,
    purpose: origin.purpose,
    batchId: origin.batchId,
    jobId: origin.jobId,
    modelId: origin.modelId,
    endpoint: origin.endpoint,
    startedAt: origin.startedAt,
    attempt: origin.attempt,
    status: result.ok ? 'ok' : 'error',
    httpStatus: result.httpStatus,
    errorClass: cls,
    errorCode: cls ? CODE_OF_CLASS[cls] : null,
    errorMessage: verdict.errorMessage,
    decision: verdict.decision,
    waitedMs: Math.round(origin.waitedMs),
    ttftMs: result.ttftMs === null ? null : Math.round(result.ttftMs),
    latencyMs: Math.round(result.latencyMs),
    promptTokens: result.usage?.promptTokens ?? null,
    completionTokens: result.usage?.completionTokens ?? null,
    cachedTokens: result.usage?.cachedTokens ?? null,
    costUsd: verdict.cost.costUsd,
    costSource: verdict.cost.source,
    generationId: result.generationId,
    ...(origin.simulated ? { simulated: true } : {}),
  };
}
