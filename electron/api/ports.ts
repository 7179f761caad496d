import type { ApiCallRow } from '../store/api-calls.ts';
import type { BreakerSnapshot } from './routing/circuit-breaker.ts';

/** Where the audit trail goes: one row per HTTP attempt. Must not block the call path. */
export interface AttemptSink {
  record(row: ApiCallRow): void;
}

/** A durable reservation of the estimated cost of one attempt, settled with the real one. */
export interface Reservation {
  settle(actualUsd: number | null): void;
}

export interface BudgetScope {
  batchId: string | null;
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
