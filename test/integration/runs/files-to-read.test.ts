/**
 * A batch whose files are still being read (or whose reading stopped) counts every file of the
 * class in its progress: the files not read yet are open work, so the screen never shows "8 of 8"
 * for a class of 24.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProgress } from '../../../electron/runs/run-snapshot.ts';
import { closeDatabase, insertFilesToRead, openDatabase, type WritableDB } from '../../../electron/store/index.ts';

let dir: string;
let db: WritableDB;
const NOW = Date.UTC(2026, 5, 1);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-runs-to-read-'));
  db = openDatabase(join(dir, 'r.db'));
  db.prepare(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r1', 'Essay', '{}', 'r1', 8, 0)`).run();
  db.prepare(`INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, source) VALUES ('b1', ?, ?, 'interrupted', 'r1', '{}', 'app')`).run(NOW, NOW);
});
afterEach(() => {
  if (db.open) closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

describe('progress of a batch with files still to read', () => {
  it('counts the files not read yet as open work', () => {
    for (const file of ['a.txt', 'b.txt']) {
      db.prepare(`INSERT INTO submissions (batch_id, file, file_hash, kind, extracted_text, status, created_at, updated_at) VALUES ('b1', ?, ?, 'text', 'x', 'extracted', ?, ?)`).run(file, `h-${file}`, NOW, NOW);
    }
    insertFilesToRead(db, 'b1', ['c.txt', 'd.txt', 'e.txt'].map((file) => ({ file, path: join(dir, file), student: null })));
    const progress = runProgress({ db, config: null, simulated: false, now: () => NOW }, 'b1', undefined);
    expect(progress.counts.total).toBe(5);
    expect(progress.counts.open).toBe(5);
  });
});
