import type { ErrorCode } from '../../shared/errors.ts';
import type { CostSource } from './client/pricing.ts';
import type { ErrorClass } from './retry/error-classes.ts';
import type { BreakerSnapshot } from './routing/circuit-breaker.ts';

export type { CostSource } from './client/pricing.ts';

/** Why a call was made. 'check' is a model health check; others may be added. */
export type CallPurpose = 'check' | 'grading' | (string & {});

/**
 * One HTTP attempt as the core reports it to its sink. Times are epoch milliseconds; money is
 * USD; null = unknown. The monitor stores it as the audit trail's row.
 */
export interface AttemptRecord {
  /** Chosen when the attempt happens (a UUID), so a live record and its stored row match. */
  id: string;
  /** Groups the attempts (retries, fallbacks) of one logical request. */
  requestId: string;
  purpose: CallPurpose;
  batchId: string | null;
  jobId: number | null;
  modelId: string;
  endpoint: string;
  startedAt: number;
  /** 1 for the first try of the request. */
  attempt: number;
  status: 'ok' | 'error';
  httpStatus: number | null;
  errorClass: ErrorClass | null;
  errorCode: ErrorCode | null;
  /** Short and free of prompt text or keys. */
  errorMessage: string | null;
  /** What the retry manager decided after this attempt (e.g. 'done', 'switch_model'). */
  decision: string;
  /** Waited since the request's previous attempt (probe, pacing, backoff). */
  waitedMs: number;
  ttftMs: number | null;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  /** null = unknown (unpriced model that reported no cost), never silently 0. */
  costUsd: number | null;
  costSource: CostSource;
  generationId: string | null;
  /** Answered by the demo provider (a model configured `simulated`): its cost is not real money. */
  simulated?: boolean;
}

/** Where the audit trail goes: one record per HTTP attempt. Must not block the call path. */
export interface AttemptSink {
  record(record: AttemptRecord): void;
}

/** A durable reservation of the estimated cost of one attempt, settled with the real one. */
export interface Reservation {
  settle(actualUsd: number | null): void;
}

export interface BudgetScope {
  batchId: string | null;
  /** A call to the demo provider: its made-up cost never counts toward a real day's budget, nor the other way round. */
  simulated?: boolean;
}

/** Throws AppError('BUDGET_EXCEEDED') when the reservation would pass a cap. */
export interface BudgetGuard {
  reserve(estimateUsd: number | null, scope: BudgetScope): Reservation;
}

/** Breaker state that survives an app restart. */
export interface BreakerPersistence {
  load(key: string): BreakerSnapshot | null;
  save(key: string, snapshot: BreakerSnapshot): void;
}

/** Looks a key up by the name a model's `api_key_env` gives. */
export type KeyLookup = (name: string) => Promise<string | null>;

/**
 * A model's quality, 0..1, for the `performance` strategy: its agreement with the teacher's
 * final grades once enough papers are reviewed, else null (the strategy uses the success rate).
 * Called on every routing choice, so it must answer from memory.
 */
export type QualityLookup = (modelId: string) => number | null;
