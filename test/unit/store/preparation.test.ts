/**
 * Migration 013 and the queries of a batch being prepared: a batch from before it reads as
 * prepared, a live reader is never displaced while a dead one is, the reader counts as a live
 * owner of the batch, and a stopped batch is removed only while nothing of it is recorded.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimPreparation,
  closeDatabase,
  countFilesToRead,
  deleteUnrecordedBatch,
  filesToRead,
  insertBatch,
  insertFilesToRead,
  insertSubmission,
  liveLeaseOwners,
  markFileRead,
  MIGRATIONS,
  openDatabase,
  releasePreparation,
  upsertRubric,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { makeTempDir } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let db: WritableDB;

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(path.join(tmp.dir, 'g.db'));
});
afterEach(() => {
  if (db.open) closeDatabase(db);
  tmp.cleanup();
});

function batch(id: string, preparer: string | null, files: string[]): void {
  const rubricId = upsertRubric(db, { id: 'r_1', title: 'Essay', json: '{}', hash: 'sha256:1', maxPoints: 4, now: 1 });
  insertBatch(db, { id, rubricId, configJson: '{}', budgetUsd: null, estimateUsd: null, source: 'cli', now: 1, preparer });
  insertFilesToRead(db, id, files.map((file) => ({ file, path: `/class/${file}`, student: null })));
}

const alive = (owner: string): boolean => owner.startsWith('live');

describe('a batch being prepared, in the store', () => {
  it('migration 013 keeps a batch of version 12 as it was: prepared, read by no one', () => {
    const file = path.join(tmp.dir, 'v12.db');
    const raw = openDatabase(file, { migrations: MIGRATIONS.slice(0, 12) });
    expect(raw.pragma('user_version', { simple: true })).toBe(12);
    raw.exec(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r', 't', '{}', 'h', 4, 1);
      INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json) VALUES ('b_old', 1, 1, 'completed', 'r', '{}');`);
    closeDatabase(raw);
    const upgraded = openDatabase(file);
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(countFilesToRead(upgraded, 'b_old')).toBe(0);
      expect(claimPreparation(upgraded, 'b_old', 'live:1', alive, 2)).toEqual({ kind: 'prepared' });
      expect(liveLeaseOwners(upgraded, 'b_old', 2)).toEqual([]);
    } finally {
      closeDatabase(upgraded);
    }
  });

  it('lists the files to read in order, and forgets each once read', () => {
    batch('b_1', null, ['c.txt', 'a.txt', 'b.txt']);
    markFileRead(db, 'b_1', 1);
    expect(filesToRead(db, 'b_1')).toEqual([
      { position: 0, file: 'c.txt', path: '/class/c.txt', student: null },
      { position: 2, file: 'b.txt', path: '/class/b.txt', student: null },
    ]);
  });

  it('never takes a batch from a live reader, takes it from a dead one, and counts the reader as the batch\u2019s live owner', () => {
    batch('b_1', 'live:first', ['a.txt']);
    expect(liveLeaseOwners(db, 'b_1', 2)).toEqual(['live:first']);
    expect(claimPreparation(db, 'b_1', 'live:second', alive, 2)).toEqual({ kind: 'busy', owner: 'live:first' });
    db.prepare("UPDATE batches SET preparer = 'dead:first', status = 'running'").run();
    expect(claimPreparation(db, 'b_1', 'live:second', alive, 3)).toEqual({ kind: 'claimed' });
    expect(liveLeaseOwners(db, 'b_1', 3)).toEqual(['live:second']);
    releasePreparation(db, 'b_1', 'live:other');
    expect(liveLeaseOwners(db, 'b_1', 3)).toEqual(['live:second']);
    releasePreparation(db, 'b_1', 'live:second');
    expect(liveLeaseOwners(db, 'b_1', 3)).toEqual([]);
  });

  it('removes a stopped batch only while nothing of it is recorded', () => {
    batch('b_1', 'live:1', ['a.txt', 'b.txt']);
    insertSubmission(db, { batchId: 'b_1', file: 'a.txt', student: null, studentId: null, fileHash: 'h', kind: 'text', text: 'x', pageCount: 1, status: 'extracted', duplicateOf: null, flags: [], errorCode: null, errorMessage: null, now: 2 });
    deleteUnrecordedBatch(db, 'b_1');
    expect(db.prepare('SELECT count(*) AS n FROM batches').get()).toEqual({ n: 1 });
    batch('b_2', 'live:1', ['c.txt']);
    deleteUnrecordedBatch(db, 'b_2');
    expect(db.prepare("SELECT count(*) AS n FROM batches WHERE id = 'b_2'").get()).toEqual({ n: 0 });
    expect(countFilesToRead(db, 'b_2')).toBe(0);
  });
});
