import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  closeDatabase,
  deleteSetting,
  getSetting,
  listSettings,
  loadBreakerStates,
  openDatabase,
  saveBreakerState,
  setSetting,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { expectAppError, makeTempDir } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let dbPath: string;
let db: WritableDB;

beforeEach(() => {
  tmp = makeTempDir();
  dbPath = path.join(tmp.dir, 'settings.db');
  db = openDatabase(dbPath);
});

afterEach(() => {
  if (db.open) closeDatabase(db);
  tmp.cleanup();
});

describe('settings', () => {
  it('round-trips JSON values of every kind', () => {
    const values = {
      string: 'dark',
      number: 0.1,
      integer: 42,
      boolean: false,
      null: null,
      array: [1, 'two', { three: 3 }],
      object: { language: 'zh-CN', nested: { list: [true, null] } },
      unicode: '简体中文 — Anaïs',
    };
    for (const [key, value] of Object.entries(values)) setSetting(db, key, value);
    for (const [key, value] of Object.entries(values)) expect(getSetting(db, key)).toEqual(value);
    expect(getSetting(db, 'null')).toBeNull(); // a stored null is not "missing"
  });

  it('a missing key is undefined', () => {
    expect(getSetting(db, 'nope')).toBeUndefined();
  });

  it('setting again replaces the value and the time, and survives reopening', () => {
    setSetting(db, 'k', 1, 1000);
    setSetting(db, 'k', { v: 2 }, 2000);
    expect(listSettings(db)).toEqual([{ key: 'k', value: { v: 2 }, updatedAt: 2000 }]);
    closeDatabase(db);
    db = openDatabase(dbPath);
    expect(getSetting(db, 'k')).toEqual({ v: 2 });
  });

  it('deletes', () => {
    setSetting(db, 'k', 1);
    expect(deleteSetting(db, 'k')).toBe(true);
    expect(deleteSetting(db, 'k')).toBe(false);
    expect(getSetting(db, 'k')).toBeUndefined();
  });

  it('refuses values JSON cannot hold', () => {
    expectAppError(() => setSetting(db, 'k', Number.NaN), 'INVALID_INPUT');
    expectAppError(() => setSetting(db, 'k', { a: Number.POSITIVE_INFINITY }), 'INVALID_INPUT');
    expectAppError(() => setSetting(db, 'k', undefined as never), 'INVALID_INPUT');
    expect(getSetting(db, 'k')).toBeUndefined();
  });

  it('keys are values, not SQL', () => {
    const key = "x'); DROP TABLE settings; --";
    setSetting(db, key, 'safe');
    expect(getSetting(db, key)).toBe('safe');
    expect(listSettings(db)).toHaveLength(1);
  });
});

describe('breaker state', () => {
  it('survives a restart', () => {
    saveBreakerState(db, {
      modelId: 'm',
      endpoint: 'https://example.test/v1/chat/completions',
      state: 'open',
      openedAt: 1000,
      consecutiveFailures: 5,
      failures: [{ at: 990, class: 'server' }],
      updatedAt: 1000,
    });
    saveBreakerState(db, {
      modelId: 'm',
      endpoint: 'https://example.test/v1/chat/completions',
      state: 'half_open',
      openedAt: 1000,
      consecutiveFailures: 5,
      failures: [],
      updatedAt: 2000,
    });
    closeDatabase(db);
    db = openDatabase(dbPath);
    expect(loadBreakerStates(db)).toEqual([
      {
        modelId: 'm',
        endpoint: 'https://example.test/v1/chat/completions',
        state: 'half_open',
        openedAt: 1000,
        consecutiveFailures: 5,
        failures: [],
        updatedAt: 2000,
      },
    ]);
  });
});
