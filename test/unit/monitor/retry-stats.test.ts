import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertApiCalls, retryStats, type ApiCallRow } from '../../../electron/store/index.ts';
import { attempt, failed, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
const T0 = 1_700_000_000_000;

beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

/**
 * A hand-built audit trail:
 * R1  a#1 ok $0.01
 * R2  a#1 rate_limit $0 → a#2 ok $0.01                         (success after retry)
 * R3  a#1 server_error $0 → b#2 stall_mid_stream $0.005 → b#3 ok $0.02   (after retry, switched)
 * R4  b#1 schema_invalid $0.004 → b#2 schema_invalid unknown cost   (failed request)
 * R5  a#1 ok $0.01
 */
function trail(): ApiCallRow[] {
  let at = T0;
  const row = (requestId: string, n: number, base: ApiCallRow): ApiCallRow => ({ ...base, requestId, attempt: n, startedAt: at++ });
  return [
    row('R1', 1, attempt({ modelId: 'a', costUsd: 0.01 })),
    row('R2', 1, failed('rate_limit', 'RATE_LIMITED', { modelId: 'a', costUsd: 0 })),
    row('R2', 2, attempt({ modelId: 'a', costUsd: 0.01 })),
    row('R3', 1, failed('server_error', 'PROVIDER_ERROR', { modelId: 'a', costUsd: 0 })),
    row('R3', 2, failed('stall_mid_stream', 'STALLED_MID_STREAM', { modelId: 'b', costUsd: 0.005, costSource: 'provider' })),
    row('R3', 3, attempt({ modelId: 'b', costUsd: 0.02 })),
    row('R4', 1, failed('schema_invalid', 'SCHEMA_INVALID', { modelId: 'b', costUsd: 0.004, costSource: 'provider' })),
    row('R4', 2, failed('schema_invalid', 'SCHEMA_INVALID', { modelId: 'b', costUsd: null, costSource: 'unpriced' })),
    row('R5', 1, attempt({ modelId: 'a', costUsd: 0.01 })),
  ];
}

describe('retryStats', () => {
  it('has the known answers on a hand-built trail', () => {
    insertApiCalls(t.db, trail());
    const s = retryStats(t.db);
    expect(s).toMatchObject({ requests: 5, succeeded: 4, failed: 1, attempts: 9, succeededAfterRetry: 2, wastedUnpricedAttempts: 1 });
    expect(s.attemptsPerSuccess).toBeCloseTo(9 / 4);
    expect(s.successAfterRetryRate).toBeCloseTo(0.5);
    expect(s.wastedCostUsd).toBeCloseTo(0.009, 12);

    const byClass = Object.fromEntries(s.byErrorClass.map((c) => [c.errorClass, c]));
    expect(byClass.schema_invalid).toMatchObject({ errorCode: 'SCHEMA_INVALID', attempts: 2, requests: 1, recoveredRequests: 0, unpricedAttempts: 1 });
    expect(byClass.schema_invalid!.wastedCostUsd).toBeCloseTo(0.004, 12);
    expect(byClass.rate_limit).toMatchObject({ attempts: 1, requests: 1, recoveredRequests: 1, wastedCostUsd: 0 });
    expect(byClass.server_error).toMatchObject({ attempts: 1, recoveredRequests: 1 });
    expect(byClass.stall_mid_stream).toMatchObject({ attempts: 1, recoveredRequests: 1, wastedCostUsd: 0.005 });
    expect(s.byErrorClass[0]!.errorClass).toBe('schema_invalid'); // most attempts first

    const byModel = Object.fromEntries(s.byModel.map((m) => [m.modelId, m]));
    expect(byModel.a).toMatchObject({ attempts: 5, okAttempts: 3, failedAttempts: 2, requests: 4, rateLimitedAttempts: 1, wastedCostUsd: 0 });
    expect(byModel.a!.attemptsPerSuccess).toBeCloseTo(5 / 3);
    expect(byModel.a!.successAfterRetryRate).toBeCloseTo(1 / 3);
    expect(byModel.a!.costUsd).toBeCloseTo(0.03, 12);
    expect(byModel.b).toMatchObject({ attempts: 4, okAttempts: 1, failedAttempts: 3, requests: 2, wastedUnpricedAttempts: 1 });
    expect(byModel.b!.attemptsPerSuccess).toBe(4);
    expect(byModel.b!.successAfterRetryRate).toBe(1);
    expect(byModel.b!.wastedCostUsd).toBeCloseTo(0.009, 12);
  });

  it('filters by time range and answers an empty range with nulls, not zeros', () => {
    insertApiCalls(t.db, trail());
    // only R1 and R2 (the first three rows)
    const early = retryStats(t.db, { from: T0, to: T0 + 3 });
    expect(early).toMatchObject({ requests: 2, succeeded: 2, attempts: 3, succeededAfterRetry: 1 });
    const none = retryStats(t.db, { from: T0 + 1_000_000 });
    expect(none).toMatchObject({ requests: 0, succeeded: 0, attempts: 0, attemptsPerSuccess: null, successAfterRetryRate: null, byModel: [], byErrorClass: [] });
  });
});
