/**
 * The budget guard: before each attempt the call manager reserves its estimated cost here, and
 * settles it with the actual cost afterwards. Caps: `budget.per_batch_usd` (overridable per
 * batch, e.g. by the CLI's --budget) and `budget.per_day_usd` (the local calendar day).
 *
 * `reserve` is ONE synchronous IMMEDIATE transaction: it takes the write lock, sums the ledger
 * (settled actuals + outstanding reservations) for the batch and for today, refuses with
 * BUDGET_EXCEEDED if the estimate would pass a cap, else inserts the reservation and commits
 * (synchronous=FULL: the reservation survives power loss). Because the check and the insert
 * happen under one lock, concurrent callers — in this process or another one (the app and the
 * CLI on the same file) — cannot both spend the same remaining dollars. So the committed total
 * never passes a cap at admission time; it can only pass it afterwards by the amount actual
 * costs of calls already admitted exceed their estimates.
 *
 * Unpriced requests (estimate null: a model with no price): nothing can be estimated, so they
 * are allowed while the committed total is still below the cap (and refused once it is at or
 * over it), counted as unpriced in the ledger, and whatever the provider reports afterwards is
 * added when they settle. A cap cannot bound what it cannot price; the UI shows the count.
 *
 * Reservations a crashed process left 'reserved' keep counting as spent until settled or
 * released: we cannot know whether the provider billed them. `releaseStale` gives them back,
 * but only when called explicitly (e.g. after reconciling with the provider's ledger).
 *
 * A database error while reserving refuses the call (INTERNAL_ERROR): spending without a
 * working ledger could pass the cap unseen. A database error while settling is reported and
 * swallowed: the answer already arrived, and the reservation keeps counting its estimate.
 */
import { AppError } from '../../shared/errors.ts';
import type { BudgetGuard, BudgetScope, Reservation } from '../api/ports.ts';
import {
  insertReservation,
  localDay,
  releaseReservation,
  releaseReservationsBefore,
  settleReservation,
  spendForBatch,
  spendForDay,
  storedBatchCap,
  type SpendTotals,
  type WritableDB,
} from '../store/index.ts';

export interface BudgetCaps {
  /** USD per batch across every run of it; null/undefined = no batch cap. */
  perBatchUsd?: number | null | undefined;
  /** USD per local calendar day; null/undefined = no day cap. */
  perDayUsd?: number | null | undefined;
}

export interface SpendGuardOptions {
  db: WritableDB;
  caps: BudgetCaps;
  now?: () => number;
  /** Errors that must not reach the call path (settling after an answer arrived). */
  onError?: (error: unknown) => void;
}

export interface ScopeStatus extends SpendTotals {
  capUsd: number | null;
  /** What is left under the cap (never negative); null without a cap. */
  remainingUsd: number | null;
}

export interface BudgetStatus {
  day: string;
  today: ScopeStatus;
  batch: (ScopeStatus & { batchId: string }) | null;
}

/** A reservation in the ledger; settle or release it once. */
export class SpendReservation implements Reservation {
  private done = false;

  constructor(
    readonly id: number,
    readonly estimateUsd: number | null,
    private readonly guard: SpendGuard,
  ) {}

  /** Replaces the estimate with the actual cost; null = unknown, the estimate stands. */
  settle(actualUsd: number | null): void {
    if (this.done) return;
    this.done = true;
    this.guard.settleById(this.id, actualUsd);
  }

  /** Gives the reservation back: the attempt was never sent. */
  release(): void {
    if (this.done) return;
    this.done = true;
    this.guard.releaseById(this.id);
  }
}

function usd(v: number): string {
  return `$${v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 4 : 2)}`;
}

function validCap(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) && v >= 0 ? v : null;
}

export class SpendGuard implements BudgetGuard {
  private readonly now: () => number;
  private readonly batchCaps = new Map<string, number | null>();

  constructor(private readonly options: SpendGuardOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Overrides the batch cap for one batch (the CLI's --budget): a number, or null for no cap
   * on this batch. Without an override, a cap stored with the batch (batches.budget_usd) is
   * used, else `per_batch_usd`.
   */
  setBatchCap(batchId: string, capUsd: number | null): void {
    if (capUsd !== null && !(Number.isFinite(capUsd) && capUsd >= 0)) {
      throw new AppError('INVALID_INPUT', 'A budget must be a number of dollars, 0 or more.', { capUsd });
    }
    this.batchCaps.set(batchId, capUsd);
  }

  /** The cap in force for a batch (reads the batches table; call outside hot loops). */
  capForBatch(batchId: string): number | null {
    if (this.batchCaps.has(batchId)) return this.batchCaps.get(batchId) ?? null;
    return storedBatchCap(this.options.db, batchId) ?? validCap(this.options.caps.perBatchUsd);
  }

  /**
   * Reserves `estimateUsd` (null = unpriced) for one attempt, or throws
   * AppError('BUDGET_EXCEEDED') naming the cap and what was spent. See the module comment.
   */
  reserve(estimateUsd: number | null, scope: BudgetScope): SpendReservation {
    if (estimateUsd !== null && !(Number.isFinite(estimateUsd) && estimateUsd >= 0)) {
      throw new AppError('INVALID_INPUT', 'The estimated cost of a call is not a valid amount.', { estimateUsd });
    }
    const db = this.options.db;
    const now = this.now();
    const day = localDay(now);
    const batchId = scope.batchId;
    let id: number;
    try {
      id = db
        .transaction((): number => {
          const dayCap = validCap(this.options.caps.perDayUsd);
          if (dayCap !== null) {
            const spent = spendForDay(db, day, { simulated: scope.simulated === true }).committedUsd;
            if (exceeds(spent, estimateUsd, dayCap)) {
              throw new AppError(
                'BUDGET_EXCEEDED',
                `Today's budget of ${usd(dayCap)} (budget.per_day_usd) is reached: ${usd(spent)} is already spent or ` +
                  `reserved today${estimateUsd !== null ? ` and the next call may cost up to ${usd(estimateUsd)}` : ''}. ` +
                  'Raise the daily budget to continue today.',
                { scope: 'day', day, capUsd: dayCap, spentUsd: spent, estimateUsd },
              );
            }
          }
          if (batchId !== null) {
            const batchCap = this.capForBatch(batchId);
            if (batchCap !== null) {
              const spent = spendForBatch(db, batchId).committedUsd;
              if (exceeds(spent, estimateUsd, batchCap)) {
                throw new AppError(
                  'BUDGET_EXCEEDED',
                  `This batch's budget of ${usd(batchCap)} is reached: ${usd(spent)} is already spent or reserved` +
                    `${estimateUsd !== null ? ` and the next call may cost up to ${usd(estimateUsd)}` : ''}. ` +
                    'Raise the budget (budget.per_batch_usd, or --budget) to continue this batch.',
                  { scope: 'batch', batchId, capUsd: batchCap, spentUsd: spent, estimateUsd },
                );
              }
            }
          }
          return insertReservation(db, { batchId, day, estimatedUsd: estimateUsd, createdAt: now, simulated: scope.simulated === true });
        })
        .immediate();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('INTERNAL_ERROR', 'GradeDesk could not check the budget, so the call was not sent.', {
        cause: String(error),
      });
    }
    return new SpendReservation(id, estimateUsd, this);
  }

  /** Where the budget stands for today and, if given, one batch. */
  status(scope: BudgetScope = { batchId: null }): BudgetStatus {
    const db = this.options.db;
    const day = localDay(this.now());
    const withCap = (totals: SpendTotals, cap: number | null): ScopeStatus => ({
      ...totals,
      capUsd: cap,
      remainingUsd: cap === null ? null : Math.max(0, cap - totals.committedUsd),
    });
    return {
      day,
      today: withCap(spendForDay(db, day), validCap(this.options.caps.perDayUsd)),
      batch: scope.batchId === null ? null : { batchId: scope.batchId, ...withCap(spendForBatch(db, scope.batchId), this.capForBatch(scope.batchId)) },
    };
  }

  /**
   * Releases reservations still outstanding after `olderThanMs` (left by a crashed process)
   * and returns how many. Only call it when those calls are known not to have been billed, or
   * the teacher accepts the risk: released money no longer counts against any cap.
   */
  releaseStale(olderThanMs: number): number {
    const now = this.now();
    return releaseReservationsBefore(this.options.db, now - olderThanMs, now);
  }

  /** @internal used by SpendReservation. */
  settleById(id: number, actualUsd: number | null): void {
    let actual = actualUsd;
    if (actual !== null && !(Number.isFinite(actual) && actual >= 0)) {
      this.report(new Error(`A call's actual cost was not a valid amount (${String(actual)}); its estimate stands.`));
      actual = null;
    }
    try {
      settleReservation(this.options.db, id, actual, this.now());
    } catch (error) {
      this.report(error);
    }
  }

  /** @internal used by SpendReservation. */
  releaseById(id: number): void {
    try {
      releaseReservation(this.options.db, id, this.now());
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // nothing more to do
    }
  }
}

/**
 * Sums of binary fractions miss by a few ulps (0.1 + 0.1 + 0.1 > 0.3): amounts this close are
 * equal. A billionth of a dollar is far below any price.
 */
const SAME_AMOUNT_USD = 1e-9;

/**
 * Whether admitting `estimate` on top of `spent` passes `cap`. An unpriced call (null) adds
 * nothing we know, so it only needs the total to be still below the cap.
 */
function exceeds(spent: number, estimate: number | null, cap: number): boolean {
  return estimate === null ? spent >= cap - SAME_AMOUNT_USD : spent + estimate > cap + SAME_AMOUNT_USD;
}
