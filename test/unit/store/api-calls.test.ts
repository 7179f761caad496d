import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  closeDatabase,
  insertApiCalls,
  latestChecks,
  listApiCalls,
  openDatabase,
  openReadonly,
  sumApiCallCosts,
  type NewApiCall,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { makeTempDir } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let dbPath: string;
let db: WritableDB;

beforeEach(() => {
  tmp = makeTempDir();
  dbPath = path.join(tmp.dir, 'calls.db');
  db = openDatabase(dbPath);
});

afterEach(() => {
  if (db.open) closeDatabase(db);
  tmp.cleanup();
});

function call(overrides: Partial<NewApiCall> = {}): NewApiCall {
  return {
    requestId: 'req-1',
    purpose: 'grading',
    modelId: 'gemini-2.5-flash',
    endpoint: 'https://openrouter.ai/api/v1/chat/completions',
    startedAt: 1_700_000_000_000,
    attempt: 1,
    status: 'ok',
    costSource: 'provider',
    ...overrides,
  };
}

describe('insertApiCalls', () => {
  it('round-trips every field', () => {
    const full: NewApiCall = {
      id: '6f1c2a0e-1b7e-4c39-9d6a-0a4b8c2f9e11',
      requestId: 'req-42',
      purpose: 'grading',
      batchId: 'b_abc',
      jobId: 7,
      modelId: 'gpt-4o-mini',
      endpoint: 'https://api.openai.com/v1/chat/completions',
      startedAt: 1_700_000_123_456,
      attempt: 3,
      status: 'error',
      httpStatus: 429,
      errorClass: 'rate_limit',
      errorCode: 'RATE_LIMITED',
      errorMessage: 'Too many requests',
      decision: 'retry',
      waitedMs: 1200,
      ttftMs: 350,
      latencyMs: 1450,
      promptTokens: 1234,
      completionTokens: 567,
      cachedTokens: 1000,
      costUsd: 0.000123456789,
      costSource: 'generation_lookup',
      generationId: 'gen-xyz',
    };
    insertApiCalls(db, [full]);
    const [row] = listApiCalls(db, { limit: 10 });
    expect(row).toEqual(full);
  });

  it('unknown values stay null; an unknown cost is never 0', () => {
    insertApiCalls(db, [call({ costUsd: null, costSource: 'unpriced' }), call({ requestId: 'req-2' })]);
    const rows = listApiCalls(db, { limit: 10 });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.costUsd).toBeNull();
      expect(row.httpStatus).toBeNull();
      expect(row.promptTokens).toBeNull();
      expect(row.batchId).toBeNull();
    }
    const types = db.prepare('SELECT DISTINCT typeof(cost_usd) AS t FROM api_calls').all();
    expect(types).toEqual([{ t: 'null' }]);

    const totals = sumApiCallCosts(db);
    expect(totals).toEqual({ calls: 2, costUsd: 0, unpricedCalls: 2, estimatedCalls: 0, unpricedAnswers: 2 });
  });

  it('a zero cost stays 0 (free is not unknown)', () => {
    insertApiCalls(db, [call({ costUsd: 0, costSource: 'provider' })]);
    expect(listApiCalls(db, { limit: 1 })[0]?.costUsd).toBe(0);
    expect(sumApiCallCosts(db).unpricedCalls).toBe(0);
  });

  it('writes a whole batch in one transaction: one bad row and nothing is written', () => {
    const rows = Array.from({ length: 50 }, (_, i) => call({ requestId: `r${i}` }));
    rows[30] = call({ status: 'bogus' as never });
    expect(() => insertApiCalls(db, rows)).toThrow();
    expect(listApiCalls(db, { limit: 100 })).toEqual([]);
  });

  it('refuses a cost that is not a valid amount before writing anything', () => {
    expect(() => insertApiCalls(db, [call(), call({ costUsd: Number.NaN })])).toThrow(/not a valid amount/);
    expect(() => insertApiCalls(db, [call({ costUsd: -1 })])).toThrow();
    expect(listApiCalls(db, { limit: 10 })).toEqual([]);
  });

  it('an empty list is a no-op', () => {
    insertApiCalls(db, []);
    expect(listApiCalls(db, { limit: 10 })).toEqual([]);
  });

  it('gives a row without an id a fresh UUID', () => {
    insertApiCalls(db, [call(), call()]);
    const rows = listApiCalls(db, { limit: 2 });
    for (const row of rows) expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(rows[0]?.id).not.toBe(rows[1]?.id);
  });

  it('a retried flush records nothing twice (rows are keyed by id)', () => {
    const rows = [call({ id: 'a' }), call({ id: 'b' })];
    insertApiCalls(db, rows);
    insertApiCalls(db, [...rows, call({ id: 'c' })]);
    expect(listApiCalls(db, { limit: 10 }).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('listApiCalls', () => {
  beforeEach(() => {
    insertApiCalls(
      db,
      Array.from({ length: 25 }, (_, i) =>
        call({ id: `c${i}`, requestId: `r${i}`, modelId: i % 2 === 0 ? 'even' : 'odd', startedAt: 1000 + i }),
      ),
    );
  });

  it('pages newest first without gaps or repeats', () => {
    const seen: string[] = [];
    let beforeId: string | undefined;
    for (let page = 0; page < 10; page++) {
      const rows = listApiCalls(db, { limit: 10, beforeId });
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.id));
      beforeId = rows[rows.length - 1]?.id;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `c${24 - i}`));
  });

  it('filters by model', () => {
    const first = listApiCalls(db, { limit: 5, modelId: 'odd' });
    expect(first.map((r) => r.id)).toEqual(['c23', 'c21', 'c19', 'c17', 'c15']);
    const next = listApiCalls(db, { limit: 5, modelId: 'odd', beforeId: 'c15' });
    expect(next.map((r) => r.id)).toEqual(['c13', 'c11', 'c9', 'c7', 'c5']);
    expect(listApiCalls(db, { limit: 5, modelId: 'nobody' })).toEqual([]);
  });

  it('an unknown cursor gives an empty page', () => {
    expect(listApiCalls(db, { limit: 5, beforeId: 'gone' })).toEqual([]);
  });

  it('clamps the page size', () => {
    expect(listApiCalls(db, { limit: 0 })).toHaveLength(1);
    expect(listApiCalls(db, { limit: 1e9 })).toHaveLength(25);
  });

  it('treats hostile filter values as plain values', () => {
    expect(listApiCalls(db, { limit: 5, modelId: "odd' OR '1'='1" })).toEqual([]);
  });
});

describe('latestChecks', () => {
  it('is empty without checks', () => {
    insertApiCalls(db, [call()]);
    expect(latestChecks(db)).toEqual([]);
  });

  it("returns each model's newest check, ignoring other purposes", () => {
    insertApiCalls(db, [
      call({ purpose: 'check', modelId: 'a', startedAt: 100, requestId: 'a-old' }),
      call({ purpose: 'check', modelId: 'a', startedAt: 300, requestId: 'a-new', status: 'error', httpStatus: 503 }),
      call({ purpose: 'check', modelId: 'a', startedAt: 200, requestId: 'a-mid' }), // recorded later, started earlier
      call({ purpose: 'grading', modelId: 'a', startedAt: 999, requestId: 'a-grading' }),
      call({ purpose: 'check', modelId: 'b', startedAt: 50, requestId: 'b-only' }),
      call({ purpose: 'grading', modelId: 'c', startedAt: 500, requestId: 'c-grading' }),
      call({ purpose: 'check', modelId: 'd', startedAt: 70, requestId: 'd-1' }),
      call({ purpose: 'check', modelId: 'd', startedAt: 70, requestId: 'd-2' }), // same time: higher id wins
    ]);
    const latest = latestChecks(db);
    expect(latest.map((r) => [r.modelId, r.requestId])).toEqual([
      ['a', 'a-new'],
      ['b', 'b-only'],
      ['d', 'd-2'],
    ]);
    expect(latest[0]?.httpStatus).toBe(503);
  });

  it('survives a reload: a read-only handle sees the same checks', () => {
    insertApiCalls(db, [call({ purpose: 'check', modelId: 'a' }), call({ purpose: 'check', modelId: 'b' })]);
    const expected = latestChecks(db);
    closeDatabase(db);
    const ro = openReadonly(dbPath);
    try {
      expect(latestChecks(ro)).toEqual(expected);
    } finally {
      ro.close();
    }
  });
});

describe('money', () => {
  it('recorded costs sum to the exact ledger to the micro-dollar (and far below)', () => {
    // A deterministic generator; costs in whole nano-dollars so the exact ledger is an integer.
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    let ledgerNanos = 0n;
    const rows: NewApiCall[] = [];
    for (let i = 0; i < 20_000; i++) {
      // from 1 nano-dollar (sub-micro calls to cheap models) up to ~$0.02
      const nanos = i % 4 === 0 ? next() % 1000 + 1 : next() % 20_000_000;
      ledgerNanos += BigInt(nanos);
      rows.push(call({ requestId: `r${i}`, costUsd: nanos / 1e9, batchId: i % 2 === 0 ? 'b_even' : 'b_odd' }));
    }
    insertApiCalls(db, rows);

    const total = sumApiCallCosts(db).costUsd;
    const exact = Number(ledgerNanos) / 1e9;
    expect(Math.abs(total - exact)).toBeLessThan(1e-9);
    expect(Math.round(total * 1e6)).toBe(Math.round(exact * 1e6));

    const even = sumApiCallCosts(db, { batchId: 'b_even' });
    const odd = sumApiCallCosts(db, { batchId: 'b_odd' });
    expect(even.calls + odd.calls).toBe(20_000);
    expect(Math.abs(even.costUsd + odd.costUsd - exact)).toBeLessThan(1e-9);
  });
});
