import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerSnapshot } from '../../../electron/api/routing/circuit-breaker.ts';
import { BreakerStore, splitBreakerKey } from '../../../electron/monitor/breaker-store.ts';
import { closeDatabase, loadBreakerStates, openDatabase, saveBreakerState } from '../../../electron/store/index.ts';
import { manualClock, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
let clock: ReturnType<typeof manualClock>;
const KEY = 'gemini-2.5-flash|https://openrouter.ai/api/v1/chat/completions';

beforeEach(() => {
  t = tempDb();
  clock = manualClock();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  t.cleanup();
});

describe('BreakerStore', () => {
  it('snapshots survive closing and reopening the database', () => {
    const store = new BreakerStore({ db: t.db, now: clock.now });
    const breaker = new CircuitBreaker(DEFAULT_BREAKER);
    for (let i = 0; i < 3; i++) breaker.onFailure(clock.now()); // opens after 3 in a row
    expect(breaker.state(clock.now())).toBe('open');
    const snapshot = breaker.toSnapshot();
    store.save(KEY, snapshot);
    store.save('other-model|http://localhost:8080/v1/chat/completions', { ...snapshot, state: 'closed', openedAt: null, openMs: 60_000, window: [false, true] });
    store.close();
    closeDatabase(t.db);

    const db = openDatabase(t.file);
    try {
      const again = new BreakerStore({ db, now: clock.now });
      expect(again.load(KEY)).toEqual(snapshot);
      expect(again.load('other-model|http://localhost:8080/v1/chat/completions')).toMatchObject({ openMs: 60_000, window: [false, true] });
      expect(again.load('nobody|x')).toBeNull();
      // a breaker rebuilt from it is still open, and half-opens after its cool-down
      const restored = new CircuitBreaker(DEFAULT_BREAKER, again.load(KEY)!);
      expect(restored.state(clock.now() + 1)).toBe('open');
      expect(restored.state(clock.now() + DEFAULT_BREAKER.openMs)).toBe('half_open');
      // the row itself is readable by the store's own functions
      const [row] = loadBreakerStates(db).filter((r) => r.modelId === 'gemini-2.5-flash');
      expect(row).toMatchObject({ endpoint: 'https://openrouter.ai/api/v1/chat/completions', state: 'open', consecutiveFailures: 3 });
    } finally {
      closeDatabase(db);
    }
  });

  it('writes state changes at once and coalesces window-only changes', () => {
    const store = new BreakerStore({ db: t.db, now: clock.now, coalesceMs: 1000 });
    const closed: BreakerSnapshot = { state: 'closed', openedAt: null, openMs: 15_000, consecutiveFailures: 0, window: [] };
    store.save(KEY, closed);
    expect(loadBreakerStates(t.db)).toHaveLength(1);
    store.save(KEY, { ...closed, window: [false, false] });
    store.save(KEY, { ...closed, consecutiveFailures: 1, window: [false, false, true] });
    expect(store.load(KEY)?.window).toEqual([false, false, true]); // the newest, from memory
    expect(loadBreakerStates(t.db)[0]!.failures).toEqual({ window: [], openMs: 15_000 });
    vi.advanceTimersByTime(1000);
    expect(loadBreakerStates(t.db)[0]).toMatchObject({ consecutiveFailures: 1, failures: { window: [false, false, true] } });
    // opening is written immediately
    store.save(KEY, { ...closed, state: 'open', openedAt: clock.now(), consecutiveFailures: 3, window: [true, true, true] });
    expect(loadBreakerStates(t.db)[0]).toMatchObject({ state: 'open', openedAt: clock.now() });
  });

  it('splits keys at the first bar, and reads older or damaged rows safely', () => {
    expect(splitBreakerKey('m|https://h/x|y')).toEqual({ modelId: 'm', endpoint: 'https://h/x|y' });
    expect(splitBreakerKey('solo')).toEqual({ modelId: 'solo', endpoint: '' });
    saveBreakerState(t.db, { modelId: 'm', endpoint: 'e', state: 'open', openedAt: 5, consecutiveFailures: 2, failures: [true, 'x', false], updatedAt: 1 });
    saveBreakerState(t.db, { modelId: 'n', endpoint: 'e', state: 'weird' as 'open', openedAt: null, consecutiveFailures: -1, failures: { openMs: 'no' }, updatedAt: 1 });
    const store = new BreakerStore({ db: t.db });
    expect(store.load('m|e')).toEqual({ state: 'open', openedAt: 5, openMs: DEFAULT_BREAKER.openMs, consecutiveFailures: 2, window: [true, false] });
    expect(store.load('n|e')).toEqual({ state: 'closed', openedAt: null, openMs: DEFAULT_BREAKER.openMs, consecutiveFailures: 0, window: [] });
    store.save('solo', { state: 'closed', openedAt: null, openMs: 1, consecutiveFailures: 0, window: [] });
    expect(new BreakerStore({ db: t.db }).load('solo')).toMatchObject({ openMs: 1 });
  });

  it('never throws into the call path when the database refuses the write', () => {
    const onError = vi.fn();
    const store = new BreakerStore({ db: t.db, onError });
    closeDatabase(t.db);
    const s: BreakerSnapshot = { state: 'open', openedAt: 1, openMs: 15_000, consecutiveFailures: 3, window: [true] };
    expect(() => store.save(KEY, s)).not.toThrow();
    expect(onError).toHaveBeenCalled();
    expect(store.load(KEY)).toEqual(s); // still known in memory
    expect(() => store.close()).not.toThrow();
  });
});
