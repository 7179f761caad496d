/**
 * Circuit breakers that survive a restart, on the breaker_state table: an open breaker is
 * still open when the app comes back, instead of hammering a failing provider again.
 *
 * Mapping of a BreakerSnapshot onto the row: the call manager's key `${modelId}|${endpoint}`
 * is split at the first '|' into model_id and endpoint; state, opened_at and
 * consecutive_failures have their own columns; the rest (the recent-outcome window and the
 * current cool-down `openMs`, which doubles after failed probes) goes into failures_json as
 * `{"window": [...], "openMs": n}`. No schema change was needed.
 *
 * The call manager saves after every attempt, on the call path. A change of state (opened,
 * closed, cool-down changed) is written at once — that is what must survive a crash. A change
 * of the window alone is coalesced and written within `coalesceMs` (1 s) or on close(): losing
 * it costs a few outcomes of history, not a wrongly closed breaker. Write errors are reported,
 * never thrown into the call.
 */
import { BREAKER_STATES } from '../../shared/ipc/monitor.ts';
import { DEFAULT_BREAKER, type BreakerSnapshot, type BreakerState } from '../api/routing/circuit-breaker.ts';
import type { BreakerPersistence } from '../api/ports.ts';
import { loadBreakerStates, saveBreakerState, type BreakerStateRow, type WritableDB } from '../store/index.ts';

export interface BreakerStoreOptions {
  db: WritableDB;
  now?: () => number;
  /** How long a window-only change may wait before it is written, ms. */
  coalesceMs?: number;
  onError?: (error: unknown) => void;
}

/** `${modelId}|${endpoint}` → the row's two key columns (a key without '|' has endpoint ''). */
export function splitBreakerKey(key: string): { modelId: string; endpoint: string } {
  const bar = key.indexOf('|');
  return bar < 0 ? { modelId: key, endpoint: '' } : { modelId: key.slice(0, bar), endpoint: key.slice(bar + 1) };
}

export function joinBreakerKey(modelId: string, endpoint: string): string {
  return endpoint === '' ? modelId : `${modelId}|${endpoint}`;
}

function isState(v: unknown): v is BreakerState {
  return (BREAKER_STATES as readonly unknown[]).includes(v);
}

/** Reads a stored row back into a snapshot; anything malformed falls back to safe defaults. */
export function snapshotFromRow(row: BreakerStateRow): BreakerSnapshot {
  let window: boolean[] = [];
  let openMs = DEFAULT_BREAKER.openMs;
  const f = row.failures;
  if (Array.isArray(f)) {
    window = f.filter((x): x is boolean => typeof x === 'boolean');
  } else if (f !== null && typeof f === 'object') {
    const w = (f as Record<string, unknown>).window;
    const o = (f as Record<string, unknown>).openMs;
    if (Array.isArray(w)) window = w.filter((x): x is boolean => typeof x === 'boolean');
    if (typeof o === 'number' && Number.isFinite(o) && o > 0) openMs = o;
  }
  return {
    state: isState(row.state) ? row.state : 'closed',
    openedAt: row.openedAt,
    openMs,
    consecutiveFailures: Number.isInteger(row.consecutiveFailures) && row.consecutiveFailures >= 0 ? row.consecutiveFailures : 0,
    window,
  };
}

export function rowFromSnapshot(key: string, s: BreakerSnapshot, updatedAt: number): BreakerStateRow {
  const { modelId, endpoint } = splitBreakerKey(key);
  return {
    modelId,
    endpoint,
    state: s.state,
    openedAt: s.openedAt,
    consecutiveFailures: s.consecutiveFailures,
    failures: { window: [...s.window], openMs: s.openMs },
    updatedAt,
  };
}

const copy = (s: BreakerSnapshot): BreakerSnapshot => ({ ...s, window: [...s.window] });

export class BreakerStore implements BreakerPersistence {
  /** What the table holds (as far as this process wrote or read it). */
  private readonly written = new Map<string, BreakerSnapshot>();
  /** Newer than the table, waiting for the coalescing timer. */
  private readonly dirty = new Map<string, BreakerSnapshot>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly coalesceMs: number;

  constructor(private readonly options: BreakerStoreOptions) {
    this.now = options.now ?? Date.now;
    this.coalesceMs = options.coalesceMs ?? 1_000;
    try {
      for (const row of loadBreakerStates(options.db)) {
        this.written.set(joinBreakerKey(row.modelId, row.endpoint), snapshotFromRow(row));
      }
    } catch (error) {
      this.report(error);
    }
  }

  load(key: string): BreakerSnapshot | null {
    const s = this.dirty.get(key) ?? this.written.get(key);
    return s ? copy(s) : null;
  }

  save(key: string, snapshot: BreakerSnapshot): void {
    const next = copy(snapshot);
    const prev = this.written.get(key);
    const stateChanged =
      prev === undefined || prev.state !== next.state || prev.openedAt !== next.openedAt || prev.openMs !== next.openMs;
    if (stateChanged) {
      this.dirty.delete(key);
      this.write(key, next);
      return;
    }
    this.dirty.set(key, next);
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.coalesceMs);
      this.timer.unref();
    }
  }

  /** Writes every coalesced change now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const [key, s] of [...this.dirty]) {
      this.dirty.delete(key);
      this.write(key, s);
    }
  }

  close(): void {
    this.flush();
  }

  private write(key: string, s: BreakerSnapshot): void {
    try {
      saveBreakerState(this.options.db, rowFromSnapshot(key, s, this.now()));
      this.written.set(key, s);
    } catch (error) {
      // Keep it for the next flush; the in-memory breaker is unaffected.
      if (!this.dirty.has(key)) this.dirty.set(key, s);
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
