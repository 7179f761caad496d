/**
 * EXPLAIN QUERY PLAN assertions: dropping or renaming an index these queries rely on fails
 * here instead of making the history views slow at a million rows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, insertApiCalls, openDatabase, type NewApiCall, type WritableDB } from '../../../electron/store/index.ts';
import { latestChecksQuery, listApiCallsQuery } from '../../../electron/store/api-calls.ts';
import type { SqlFragment } from '../../../electron/store/sql.ts';
import { makeTempDir } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let db: WritableDB;

function plan(query: SqlFragment): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${query.text}`).all(...query.params) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join('\n');
}

beforeAll(() => {
  tmp = makeTempDir();
  db = openDatabase(path.join(tmp.dir, 'plan.db'));
  const rows: NewApiCall[] = [];
  for (let i = 0; i < 3000; i++) {
    rows.push({
      id: `call-${i}`,
      requestId: `r${i}`,
      purpose: i % 10 === 0 ? 'check' : 'grading',
      modelId: `model-${i % 12}`,
      endpoint: 'https://example.test/v1/chat/completions',
      startedAt: 1_700_000_000_000 + i * 1000,
      attempt: 1,
      status: 'ok',
      costSource: 'estimate',
      costUsd: 0.001,
    });
  }
  insertApiCalls(db, rows);
});

afterAll(() => {
  closeDatabase(db);
  tmp.cleanup();
});

// Plans are checked without planner statistics (a fresh install) and with them (after
// `PRAGMA optimize` has run ANALYZE).
describe.each([false, true])('query plans (analyzed: %s)', (analyzed) => {
  beforeAll(() => {
    if (analyzed) db.exec('ANALYZE');
  });

  it('latestChecks seeks api_calls_purpose_model_started_at and never scans the table', () => {
    const text = plan(latestChecksQuery());
    expect(text).toMatch(/USING (COVERING )?INDEX api_calls_purpose_model_started_at \(purpose=\? AND model_id=\?\)/);
    expect(text).toMatch(/USING (COVERING )?INDEX api_calls_purpose_model_started_at \(purpose=\? AND model_id>\?\)/);
    expect(text).not.toMatch(/SCAN (api_calls|a|b|c)\b/);
  });

  it("one model's page uses api_calls_model_seq with no sort step", () => {
    for (const beforeId of [undefined, 'call-1500']) {
      const text = plan(listApiCallsQuery({ limit: 50, modelId: 'model-3', beforeId }));
      expect(text).toMatch(/USING (COVERING )?INDEX api_calls_model_seq \(model_id=\?/);
      expect(text).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('the unfiltered page walks the rowid (the table itself is the index) with no sort step', () => {
    const next = plan(listApiCallsQuery({ limit: 50, beforeId: 'call-1500' }));
    expect(next).toMatch(/SEARCH api_calls USING INTEGER PRIMARY KEY \(rowid<\?\)/);
    // the cursor row is found through the unique index on id
    expect(next).toMatch(/SEARCH cursor USING COVERING INDEX api_calls_id \(id=\?\)/);
    const first = plan(listApiCallsQuery({ limit: 50 }));
    expect(first).not.toMatch(/TEMP B-TREE/);
  });

  it('time-range queries use the started_at indexes', () => {
    const byTime = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM api_calls WHERE started_at >= ? AND started_at < ?')
      .all(0, 1) as Array<{ detail: string }>;
    expect(byTime.map((r) => r.detail).join('\n')).toMatch(/INDEX api_calls_started_at/);
    const byModel = db
      .prepare('EXPLAIN QUERY PLAN SELECT sum(cost_usd) FROM api_calls WHERE model_id = ? AND started_at >= ?')
      .all('model-1', 0) as Array<{ detail: string }>;
    expect(byModel.map((r) => r.detail).join('\n')).toMatch(/INDEX api_calls_model_started_at/);
  });

  it('the job queue claim uses jobs_status_lease_until', () => {
    const rows = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < ?)")
      .all(0) as Array<{ detail: string }>;
    expect(rows.map((r) => r.detail).join('\n')).toMatch(/INDEX jobs_status_lease_until/);
  });

  it('listing a batch uses submissions_batch_id', () => {
    const rows = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM submissions WHERE batch_id = ?')
      .all('b_1') as Array<{ detail: string }>;
    expect(rows.map((r) => r.detail).join('\n')).toMatch(/INDEX submissions_batch_id/);
  });
});
