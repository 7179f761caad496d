/**
 * The audit-trail sink of the call manager: one row per HTTP attempt, written to api_calls
 * without ever blocking or failing the call that produced it.
 *
 * `record` only appends to an in-memory buffer and feeds the live windows (synchronously, so
 * the overview is current the moment an attempt ends). The buffer is written with
 * `insertApiCalls` — one IMMEDIATE transaction per flush — on a short timer (50 ms) or, once
 * 200 rows are waiting, on the next turn of the event loop. Batching matters because every
 * commit is an fsync (synchronous=FULL): 200 attempts cost one fsync instead of 200.
 *
 * Failure modes:
 * - A failed flush keeps the rows and tries again later (backing off to 5 s); the insert skips
 *   ids already stored, so a retry never records a row twice. Errors go to `onError`.
 * - A row that fails on its own (while others in the same flush succeed) is dropped after
 *   three failed flushes and reported, so one bad row cannot block the audit trail forever.
 * - Beyond `maxPending` rows (a long outage) the oldest are dropped and reported: memory is
 *   bounded; the money is still in the spend ledger.
 * - A crash loses at most the last ~50 ms of rows. The spend ledger, not this buffer, is what
 *   budgets rely on.
 */
import { insertApiCalls, type ApiCallRow, type WritableDB } from '../store/index.ts';
import type { AttemptSink } from '../api/ports.ts';

export interface AttemptRecorderOptions {
  db: WritableDB;
  /** How long a row may wait in memory, ms. */
  flushMs?: number;
  /** Rows that trigger a flush without waiting for the timer. */
  maxBuffer?: number;
  /** Rows kept while the database refuses writes; the oldest are dropped beyond this. */
  maxPending?: number;
  /** Sees every row synchronously (the live windows). Its errors are reported, not thrown. */
  onRecord?: (row: ApiCallRow) => void;
  onError?: (error: unknown, context: RecorderErrorContext) => void;
}

export interface RecorderErrorContext {
  stage: 'flush' | 'observe' | 'drop' | 'sanitize';
  pending: number;
  dropped?: number;
}

const MAX_RETRY_DELAY_MS = 5_000;
const ISOLATE_AFTER_FAILURES = 3;
const INTEGER_FIELDS = [
  'jobId',
  'httpStatus',
  'waitedMs',
  'ttftMs',
  'latencyMs',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
] as const;

/**
 * What the monitor needs of an audit-trail writer, inline (this file) or on a thread. It is the
 * core's AttemptSink: the core's AttemptRecord is a row field for field, so a record is stored
 * as it is, without a copy on the call path. This is the one place the two meet: the day they
 * part, `extends AttemptSink` stops compiling here.
 */
export interface AuditRecorder extends AttemptSink {
  /** Never throws and never waits; takes any row, the core's records among them. */
  record(row: ApiCallRow): void;
  /** Rows recorded but not yet written (as far as this thread knows). */
  readonly pending: number;
  /** Writes everything recorded so far before returning; false if rows are still waiting. */
  flush(): boolean;
  /** Writes what is left and stops; idempotent. */
  close(): boolean;
}

/**
 * Numbers SQLite's STRICT columns would refuse (fractions in INTEGER columns, NaN) are rounded
 * or nulled, so one odd value cannot poison a whole flush. An impossible cost becomes unknown
 * (null, 'unpriced') and is reported: unknown is the honest figure.
 */
export function sanitizeAttemptRow(row: ApiCallRow, report: (error: Error) => void): ApiCallRow {
  let out: ApiCallRow | null = null;
  const fix = (): ApiCallRow => (out ??= { ...row });
  for (const key of INTEGER_FIELDS) {
    const v = row[key];
    if (v === null || v === undefined) continue;
    if (!Number.isFinite(v)) fix()[key] = null;
    else if (!Number.isInteger(v)) fix()[key] = Math.round(v);
  }
  if (!Number.isInteger(row.startedAt)) fix().startedAt = Number.isFinite(row.startedAt) ? Math.round(row.startedAt) : Date.now();
  if (!Number.isInteger(row.attempt)) fix().attempt = Number.isFinite(row.attempt) ? Math.max(1, Math.round(row.attempt)) : 1;
  if (row.costUsd !== null && !(Number.isFinite(row.costUsd) && row.costUsd >= 0)) {
    const fixed = fix();
    fixed.costUsd = null;
    fixed.costSource = 'unpriced';
    report(new Error(`An attempt's cost was not a valid amount (${String(row.costUsd)}); it is recorded as unknown.`));
  }
  return out ?? row;
}

export class AttemptRecorder implements AuditRecorder {
  private buffer: ApiCallRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private failures = 0;
  private closed = false;
  private readonly flushMs: number;
  private readonly maxBuffer: number;
  private readonly maxPending: number;

  constructor(private readonly options: AttemptRecorderOptions) {
    this.flushMs = options.flushMs ?? 50;
    this.maxBuffer = options.maxBuffer ?? 200;
    this.maxPending = options.maxPending ?? 100_000;
  }

  /** Rows recorded but not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Never throws and never waits: buffers the row and schedules a write. */
  record(row: ApiCallRow): void {
    try {
      const clean = this.sanitize(row);
      this.buffer.push(clean);
      if (this.buffer.length > this.maxPending) {
        const dropped = this.buffer.length - this.maxPending;
        this.buffer.splice(0, dropped);
        this.report(new Error(`The audit trail could not be written; ${dropped} oldest rows were dropped.`), 'drop', dropped);
      }
      if (this.options.onRecord) {
        try {
          this.options.onRecord(clean);
        } catch (error) {
          this.report(error, 'observe');
        }
      }
      this.schedule();
    } catch (error) {
      this.report(error, 'observe');
    }
  }

  /**
   * Writes everything buffered now, synchronously, in one transaction. Returns whether the
   * buffer is empty afterwards; errors go to `onError` (and the rows stay for the next try).
   */
  flush(): boolean {
    this.clearTimers();
    if (this.buffer.length === 0) return true;
    const rows = this.buffer;
    try {
      insertApiCalls(this.options.db, rows);
      // Nothing can be recorded while the synchronous insert runs: the buffer is exactly `rows`.
      this.buffer = [];
      this.failures = 0;
      return true;
    } catch (error) {
      this.failures += 1;
      this.report(error, 'flush');
      if (this.failures >= ISOLATE_AFTER_FAILURES) this.isolateBadRows();
      if (this.buffer.length > 0 && !this.closed) this.scheduleRetry();
      return this.buffer.length === 0;
    }
  }

  /**
   * Writes what is buffered and stops the timers. A row recorded after close (a call that was
   * still in flight at shutdown) is written right away, best effort.
   */
  close(): boolean {
    this.closed = true;
    const ok = this.flush();
    this.clearTimers();
    return ok;
  }

  private schedule(): void {
    if (this.closed) {
      this.flush();
      return;
    }
    if (this.failures > 0) {
      if (this.timer === null) this.scheduleRetry();
      return;
    }
    if (this.buffer.length >= this.maxBuffer) {
      if (this.immediate === null) {
        this.immediate = setImmediate(() => {
          this.immediate = null;
          this.flush();
        });
        this.immediate.unref();
      }
      return;
    }
    if (this.timer === null) this.startTimer(this.flushMs);
  }

  private scheduleRetry(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.startTimer(Math.min(MAX_RETRY_DELAY_MS, this.flushMs * 2 ** this.failures));
  }

  private startTimer(ms: number): void {
    // unref: a pending flush must not keep the CLI alive; close() writes what is left.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
    this.timer.unref();
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /**
   * After repeated failures: write row by row. A row SQLite refuses for what is in it (a
   * constraint, a type) is bad in itself and is dropped (reported). Any other failure is the
   * database's (busy, locked, full, I/O): the pass stops there and that row and the rest wait
   * for the next flush, so a lock that lifts halfway through never costs good rows.
   */
  private isolateBadRows(): void {
    if (!this.options.db.open) return;
    const rows = this.buffer;
    const refused: unknown[] = [];
    let rest: ApiCallRow[] = [];
    for (let i = 0; i < rows.length; i++) {
      try {
        insertApiCalls(this.options.db, [rows[i] as ApiCallRow]);
      } catch (error) {
        if (isRowError(error)) {
          refused.push(error);
          continue;
        }
        rest = rows.slice(i);
        break;
      }
    }
    if (refused.length > 0) this.report(refused[0], 'drop', refused.length);
    this.buffer = rest;
    if (this.buffer.length === 0) this.failures = 0;
  }

  private sanitize(row: ApiCallRow): ApiCallRow {
    return sanitizeAttemptRow(row, (error) => this.report(error, 'sanitize'));
  }

  private report(error: unknown, stage: RecorderErrorContext['stage'], dropped?: number): void {
    try {
      this.options.onError?.(error, { stage, pending: this.buffer.length, ...(dropped !== undefined ? { dropped } : {}) });
    } catch {
      // the error reporter itself failed; nothing more can be done without throwing into the call
    }
  }
}

/** SQLite refused the row for its content (a constraint, a type, a size), or it could not be bound. */
function isRowError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE');
}
