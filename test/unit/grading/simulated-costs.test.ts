import { describe, expect, it } from 'vitest';
import { gradingRecords } from '../../../electron/grading/records.ts';
import { closeDatabase, insertApiCalls, listApiCalls, openDatabase } from '../../../electron/store/index.ts';

/** What the demo provider bills is made up: it is kept out of what the teacher spent, and shown apart. */
describe('simulated spend', () => {
  it('is left out of the cost totals and listed apart', () => {
    const db = openDatabase(':memory:');
    try {
      const at = Date.UTC(2026, 0, 5, 12);
      const call = { purpose: 'grading' as const, endpoint: 'http://127.0.0.1:9/v1/chat/completions', startedAt: at, attempt: 1, status: 'ok' as const, costSource: 'provider' as const };
      insertApiCalls(db, [
        { ...call, requestId: 'r1', modelId: 'gpt-4o-mini', costUsd: 0.002 },
        { ...call, requestId: 'r2', modelId: 'demo-fast', costUsd: 0.25, simulated: true },
        { ...call, requestId: 'r3', modelId: 'demo-fast', costUsd: 0.5, simulated: true },
      ]);
      const summary = gradingRecords(db).costSummary();
      expect(summary.total_usd).toBe(0.002);
      expect(summary.by_model).toEqual([{ model: 'gpt-4o-mini', calls: 1, cost_usd: 0.002 }]);
      expect(summary.by_day.map((d) => d.cost_usd)).toEqual([0.002]);
      expect(summary.simulated).toEqual({ calls: 2, cost_usd: 0.75, by_model: [{ model: 'demo-fast', calls: 2, cost_usd: 0.75 }] });
      // The row keeps its mark.
      expect(listApiCalls(db, { limit: 10 }).map((r) => [r.requestId, r.simulated])).toEqual([['r3', true], ['r2', true], ['r1', undefined]]);
    } finally {
      closeDatabase(db);
    }
  });

  it('is absent when there was none', () => {
    const db = openDatabase(':memory:');
    try {
      expect(gradingRecords(db).costSummary()).toEqual({ total_usd: 0, estimated_calls: 0, unpriced_calls: 0, by_model: [], by_day: [] });
    } finally {
      closeDatabase(db);
    }
  });
});
