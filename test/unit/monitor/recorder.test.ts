import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptRecorder } from '../../../electron/monitor/attempt-recorder.ts';
import { closeDatabase, listApiCalls, type ApiCallRow } from '../../../electron/store/index.ts';
import { attempt, count, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;

beforeEach(() => {
  t = tempDb();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  t.cleanup();
});

describe('AttemptRecorder', () => {
  it('writes N buffered rows in one transaction, visible after flush', () => {
    const recorder = new AttemptRecorder({ db: t.db });
    const transaction = vi.spyOn(t.db, 'transaction');
    const rows = Array.from({ length: 150 }, (_, i) => attempt({ attempt: 1, startedAt: 1_000 + i }));
    for (const row of rows) recorder.record(row);
    expect(count(t.db, 'api_calls')).toBe(0);
    expect(recorder.pending).toBe(150);
    expect(recorder.flush()).toBe(true);
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(count(t.db, 'api_calls')).toBe(150);
    const stored = listApiCalls(t.db, { limit: 1000 }).reverse();
    expect(stored.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(stored[0]).toEqual(rows[0]);
  });

  it('flushes on its short timer', () => {
    const recorder = new AttemptRecorder({ db: t.db, flushMs: 50 });
    recorder.record(attempt());
    recorder.record(attempt());
    vi.advanceTimersByTime(49);
    expect(count(t.db, 'api_calls')).toBe(0);
    vi.advanceTimersByTime(1);
    expect(count(t.db, 'api_calls')).toBe(2);
    expect(recorder.pending).toBe(0);
  });

  it('flushes on the next turn once 200 rows are waiting, not inside record', () => {
    const recorder = new AttemptRecorder({ db: t.db, flushMs: 10_000 });
    const transaction = vi.spyOn(t.db, 'transaction');
    for (let i = 0; i < 200; i++) recorder.record(attempt());
    expect(count(t.db, 'api_calls')).toBe(0);
    vi.advanceTimersToNextTimer();
    expect(count(t.db, 'api_calls')).toBe(200);
    expect(transaction).toHaveBeenCalledTimes(1);
  });

  it('feeds observers synchronously and keeps recording when an observer throws', () => {
    const seen: string[] = [];
    const onError = vi.fn();
    const recorder = new AttemptRecorder({
      db: t.db,
      onRecord: (row) => {
        seen.push(row.id);
        if (seen.length === 1) throw new Error('observer broke');
      },
      onError,
    });
    const a = attempt();
    const b = attempt();
    recorder.record(a);
    recorder.record(b);
    expect(seen).toEqual([a.id, b.id]);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expect.objectContaining({ stage: 'observe' }));
    recorder.flush();
    expect(count(t.db, 'api_calls')).toBe(2);
  });

  it('keeps the rows of a failed flush and writes them once on the next try', () => {
    const onError = vi.fn();
    const recorder = new AttemptRecorder({ db: t.db, flushMs: 50, onError });
    const rows = [attempt(), attempt(), attempt()];
    for (const row of rows) recorder.record(row);
    vi.spyOn(t.db, 'transaction').mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });
    expect(recorder.flush()).toBe(false);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expect.objectContaining({ stage: 'flush', pending: 3 }));
    expect(recorder.pending).toBe(3);
    expect(count(t.db, 'api_calls')).toBe(0);
    // the retry timer (backed off) writes them
    vi.advanceTimersByTime(5_000);
    expect(count(t.db, 'api_calls')).toBe(3);
    // recording the same row again (a retried flush after a partial failure) is harmless
    recorder.record(rows[0]!);
    recorder.flush();
    expect(count(t.db, 'api_calls')).toBe(3);
  });

  it('never throws from record, even with the database closed', () => {
    const onError = vi.fn();
    const recorder = new AttemptRecorder({ db: t.db, flushMs: 5, onError });
    closeDatabase(t.db);
    expect(() => {
      for (let i = 0; i < 250; i++) recorder.record(attempt());
    }).not.toThrow();
    expect(() => vi.advanceTimersByTime(10_000)).not.toThrow();
    expect(recorder.flush()).toBe(false);
    expect(recorder.pending).toBe(250);
    expect(onError).toHaveBeenCalled();
    expect(() => recorder.close()).not.toThrow();
  });

  it('drops a row that fails on its own after repeated failures, keeping the others', () => {
    const onError = vi.fn();
    const recorder = new AttemptRecorder({ db: t.db, onError });
    const good = [attempt(), attempt()];
    const bad = attempt({ purpose: null as unknown as string }); // NOT NULL violation
    recorder.record(good[0]!);
    recorder.record(bad);
    recorder.record(good[1]!);
    expect(recorder.flush()).toBe(false);
    expect(recorder.flush()).toBe(false);
    expect(recorder.flush()).toBe(true); // third failure: isolated row by row
    expect(listApiCalls(t.db, { limit: 10 }).map((r) => r.id).sort()).toEqual(good.map((r) => r.id).sort());
    expect(onError).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ stage: 'drop', dropped: 1 }));
  });

  it('keeps all rows when every row fails (the database is the problem)', () => {
    const recorder = new AttemptRecorder({ db: t.db });
    recorder.record(attempt());
    recorder.record(attempt());
    vi.spyOn(t.db, 'transaction').mockImplementation(() => {
      throw new Error('SQLITE_FULL');
    });
    for (let i = 0; i < 5; i++) recorder.flush();
    expect(recorder.pending).toBe(2);
  });

  it('drops no good row when the database was busy and the lock lifts during the row-by-row pass', () => {
    const onError = vi.fn();
    const recorder = new AttemptRecorder({ db: t.db, onError });
    const rows = [attempt(), attempt(), attempt()];
    for (const row of rows) recorder.record(row);
    const real = t.db.transaction.bind(t.db);
    let busy = 4; // three flushes, then the first row of the row-by-row pass
    vi.spyOn(t.db, 'transaction').mockImplementation(((fn: () => void) => {
      if (busy > 0) {
        busy -= 1;
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }
      return real(fn);
    }) as typeof t.db.transaction);
    for (let i = 0; i < 3; i++) expect(recorder.flush()).toBe(false);
    expect(recorder.pending).toBe(3);
    expect(recorder.flush()).toBe(true);
    expect(listApiCalls(t.db, { limit: 10 }).map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(onError).not.toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ stage: 'drop' }));
  });

  it('bounds memory during an outage by dropping the oldest rows, and says so', () => {
    const onError = vi.fn();
    const recorder = new AttemptRecorder({ db: t.db, maxPending: 10, onError });
    closeDatabase(t.db);
    for (let i = 0; i < 15; i++) recorder.record(attempt());
    expect(recorder.pending).toBe(10);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expect.objectContaining({ stage: 'drop', dropped: 1 }));
  });

  it('records an impossible cost as unknown instead of losing the flush', () => {
    const onError = vi.fn();
    const recorder = new AttemptRecorder({ db: t.db, onError });
    const row = attempt({ costUsd: Number.NaN, latencyMs: 12.6 });
    recorder.record(row);
    expect(recorder.flush()).toBe(true);
    const [stored] = listApiCalls(t.db, { limit: 1 }) as [ApiCallRow];
    expect(stored.costUsd).toBeNull();
    expect(stored.costSource).toBe('unpriced');
    expect(stored.latencyMs).toBe(13);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expect.objectContaining({ stage: 'sanitize' }));
  });

  it('close() writes everything synchronously; a late row is written right away', () => {
    const recorder = new AttemptRecorder({ db: t.db, flushMs: 60_000 });
    recorder.record(attempt());
    recorder.record(attempt());
    expect(recorder.close()).toBe(true);
    expect(count(t.db, 'api_calls')).toBe(2);
    recorder.record(attempt());
    expect(count(t.db, 'api_calls')).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });
});
