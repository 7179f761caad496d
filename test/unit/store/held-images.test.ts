/**
 * Page images held back because their names could not be painted over: stored for the
 * teacher's decision, never read for sending, and not read again from the file by `resume`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  closeDatabase,
  heldSubmission,
  insertBatch,
  insertSubmission,
  insertSubmissionPages,
  openDatabase,
  pendingSubmissions,
  releaseHeldPages,
  submissionPages,
  upsertRubric,
  type WritableDB,
} from '../../../electron/store/index.ts';
import { makeTempDir } from './helpers.ts';

let tmp: ReturnType<typeof makeTempDir>;
let db: WritableDB;

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(`${tmp.dir}/gradedesk.db`);
  const rubricId = upsertRubric(db, { id: 'r1', title: 'Essay', json: '{}', hash: 'sha256:r1', maxPoints: 4, now: 1 });
  insertBatch(db, { id: 'b1', rubricId, configJson: '{}', budgetUsd: null, estimateUsd: null, source: 'cli', now: 1 });
});

afterEach(() => {
  closeDatabase(db);
  tmp.cleanup();
});

const page = (byte: number, held = false) => ({ mime: 'image/png', width: 10, height: 10, data: Buffer.from([byte]), held });

function pendingPhoto(file: string): number {
  const base = { batchId: 'b1', student: 'Ana', studentId: null, kind: 'image', text: '', pageCount: 2, duplicateOf: null, flags: [], now: 1 };
  return insertSubmission(db, { ...base, file, fileHash: file, status: 'pending', errorCode: null, errorMessage: null, sourcePath: `/tmp/${file}` });
}

describe('held page images', () => {
  it('are never read for sending, and keep their submission out of what resume reads again', () => {
    const held = pendingPhoto('held.png');
    const waiting = pendingPhoto('waiting.png');
    insertSubmissionPages(db, held, [page(1), page(2, true)]);
    expect(submissionPages(db, held).map((p) => p.data[0])).toEqual([1]);
    expect(pendingSubmissions(db, 'b1').map((p) => p.id)).toEqual([waiting]);
    expect(heldSubmission(db, 'b1', 'held.png')).toMatchObject({ id: held, status: 'pending', held: 1 });
    expect(heldSubmission(db, 'b1', 'nobody.png')).toBeNull();
  });

  it('are sent as they are, or deleted, at the teacher’s word', () => {
    const sent = pendingPhoto('sent.png');
    const skipped = pendingPhoto('skipped.png');
    insertSubmissionPages(db, sent, [page(1), page(2, true)]);
    insertSubmissionPages(db, skipped, [page(3), page(4, true)]);
    expect(releaseHeldPages(db, sent, 'send')).toBe(2);
    expect(submissionPages(db, sent).map((p) => p.data[0])).toEqual([1, 2]);
    expect(releaseHeldPages(db, skipped, 'skip')).toBe(1);
    expect(submissionPages(db, skipped).map((p) => p.data[0])).toEqual([3]);
  });
});
