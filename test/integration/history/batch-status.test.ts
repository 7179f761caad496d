/**
 * A batch stored as running whose workers are gone reads as interrupted in the history, as the
 * command's report says, instead of "running" for ever; one a live process is grading stays
 * running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newLeaseOwner } from '../../../electron/grading/batch/lease-owner.ts';
import { batchView } from '../../../electron/history/rows.ts';
import { historyBatch } from '../../../electron/store/history.ts';
import { closeDatabase, openDatabase, type WritableDB } from '../../../electron/store/index.ts';

let dir: string;
let db: WritableDB;
const NOW = Date.UTC(2026, 5, 1);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-history-status-'));
  db = openDatabase(join(dir, 'h.db'));
  db.prepare(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r1', 'Essay', '{}', 'r1', 8, 0)`).run();
});
afterEach(() => {
  if (db.open) closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

function runningBatch(id: string, leaseOwner: string | null): void {
  db.prepare(`INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, source) VALUES (?, ?, ?, 'running', 'r1', '{}', 'cli')`).run(id, NOW, NOW);
  const sub = db
    .prepare(`INSERT INTO submissions (batch_id, file, file_hash, kind, extracted_text, status, created_at, updated_at) VALUES (?, 'a.txt', ?, 'text', 'x', 'extracted', ?, ?)`)
    .run(id, `h-${id}`, NOW, NOW);
  db.prepare(`INSERT INTO jobs (batch_id, submission_id, model_id, status, lease_owner, lease_until, idempotency_key, created_at, updated_at) VALUES (?, ?, 'm', ?, ?, ?, ?, ?, ?)`).run(
    id,
    Number(sub.lastInsertRowid),
    leaseOwner === null ? 'queued' : 'running',
    leaseOwner,
    leaseOwner === null ? null : NOW + 60_000,
    `k-${id}`,
    NOW,
    NOW,
  );
}

const shown = (id: string): string => {
  const row = historyBatch(db, id);
  if (!row) throw new Error(`no batch ${id}`);
  return batchView(db, row, NOW).status;
};

describe('a running batch in the history', () => {
  it('is running while a live process holds its work', () => {
    runningBatch('b_live', newLeaseOwner());
    expect(shown('b_live')).toBe('running');
  });

  it('is interrupted when the process holding its work is gone, or nobody holds it', () => {
    runningBatch('b_dead', '2147483646:00000000-0000-0000-0000-000000000000:1');
    runningBatch('b_left', null);
    expect(shown('b_dead')).toBe('interrupted');
    expect(shown('b_left')).toBe('interrupted');
  });
});
