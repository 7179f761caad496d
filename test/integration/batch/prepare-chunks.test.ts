/**
 * A new batch is recorded as its files are read, a chunk at a time: each chunk is visible to
 * another connection (as the app's other readers, or a second process, see it) before the next
 * is read, its page images are let go once recorded, identical files are duplicates across
 * chunks and processes, and a batch stopped while its files are read is kept (or removed when
 * nothing was recorded) and resumed where it stopped.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { combineWith } from '../../../electron/grading/batch/combine.ts';
import { continuePreparation } from '../../../electron/grading/batch/continue-preparation.ts';
import { newPseudonymSecret, type BatchPlan } from '../../../electron/grading/batch/plan.ts';
import { prepareBatch } from '../../../electron/grading/batch/prepare.ts';
import { batchReport, historyReport } from '../../../electron/grading/batch/report.ts';
import { settleBatch } from '../../../electron/grading/batch/settle.ts';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import { listResumable } from '../../../electron/runs/resumable.ts';
import { closeDatabase, latestUnfinishedBatch, openDatabase, type ReadableDB, type WritableDB } from '../../../electron/store/index.ts';
import { essayRubric } from '../../unit/grading/fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir: string;
let dbPath: string;
let db: WritableDB;
/** Another connection to the same file: what the rest of the app, or another process, sees. */
let other: ReadableDB;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-prepare-chunks-'));
  dbPath = join(dir, 'grades.db');
  db = openDatabase(dbPath);
  other = openDatabase(dbPath, { readonly: true });
});
afterEach(async () => {
  closeDatabase(other);
  if (db.open) closeDatabase(db);
  await closeExtractionWorkers();
  rmSync(dir, { recursive: true, force: true });
});

const count = (query: string): number => (other.prepare(query).get() as { n: number }).n;

/** `n` small photos, each of its own colour (so each its own content), named so they sort in order. */
async function photos(n: number): Promise<string> {
  const folder = join(dir, 'photos');
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < n; i++) {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: i * 5, g: 255 - i * 5, b: (i * 37) % 256 } } }).png().toBuffer();
    await sharp(png).toFile(join(folder, `photo ${String(i + 1).padStart(2, '0')}.png`));
  }
  return folder;
}

// Images are stored as read: no OCR here (its own tests cover redaction), so the test is about chunks.
const plan = (): BatchPlan => ({ rubric: essayRubric(), roster: null, pool: ['m'], compare: false, settings: {}, pseudonymSecret: newPseudonymSecret(), config: { models: {}, privacy: { pseudonymize_names: false } } });

const start = (folder: string, extra: Partial<Parameters<typeof prepareBatch>[1]> = {}) =>
  prepareBatch(db, { paths: [folder], plan: plan(), budgetUsd: null, estimateUsd: null, source: 'cli', chunk: { files: 8 }, ...extra });

describe('prepareBatch, a chunk at a time', () => {
  it('records 40 photos in 5 transactions of 8, each visible before the next is read, and lets go of each chunk\u2019s images', async () => {
    const folder = await photos(40);
    const seen: Array<{ submissions: number; pages: number; jobs: number; toRead: number; status: string }> = [];
    const images: Array<Array<WeakRef<object>>> = [];
    let firstChunkFreed: boolean | null = null;
    const prepared = await start(folder, {
      onChunkRecorded: (_so, chunk) => {
        seen.push({
          submissions: count('SELECT count(*) AS n FROM submissions'),
          pages: count('SELECT count(*) AS n FROM submission_pages'),
          jobs: count('SELECT count(*) AS n FROM jobs'),
          toRead: count('SELECT count(*) AS n FROM batch_files_to_read'),
          status: (other.prepare('SELECT status AS s FROM batches').get() as { s: string }).s,
        });
        images.push(chunk.flatMap((one) => (one.result.ok ? one.result.data.images.map((image) => new WeakRef(image.data)) : [])));
        if (images.length === 4) {
          // Three chunks later, nothing holds the first chunk's page images any more.
          gc();
          firstChunkFreed = images[0]!.every((ref) => ref.deref() === undefined);
        }
      },
    });
    expect(seen.map((s) => s.submissions)).toEqual([8, 16, 24, 32, 40]);
    expect(seen.map((s) => s.pages)).toEqual([8, 16, 24, 32, 40]);
    expect(seen.map((s) => s.jobs)).toEqual([8, 16, 24, 32, 40]);
    expect(seen.map((s) => s.toRead)).toEqual([32, 24, 16, 8, 0]);
    expect(seen.every((s) => s.status === 'running')).toBe(true);
    expect(images[0]).toHaveLength(8);
    expect(firstChunkFreed).toBe(true);
    // The estimate still sees every submission, with the size of its image.
    expect(prepared.submissions).toBe(40);
    expect(prepared.toSend).toHaveLength(40);
    expect(prepared.toSend.every((s) => s.imageCount === 1 && s.imageSizes?.[0]?.width === 64)).toBe(true);
    expect(prepared.pseudonymizers.size).toBe(40);
    // Prepared: no file left to read, no process holding it.
    expect(count('SELECT count(*) AS n FROM batches WHERE preparer IS NOT NULL')).toBe(0);
    await prepared.images.stop();
  }, 60_000);

  it('starts a new chunk early when the page images of the files read reach the byte limit', async () => {
    const folder = await photos(6);
    const sizes: number[] = [];
    const prepared = await start(folder, { chunk: { files: 100, imageBytes: 1 }, onChunkRecorded: (so) => void sizes.push(so.submissions) });
    expect(sizes).toEqual([1, 2, 3, 4, 5, 6]);
    await prepared.images.stop();
  }, 60_000);

  it('finds identical files across chunks, and across a stop and a resume', async () => {
    const folder = await photos(20);
    // A copy that sorts into the third chunk, of a photo of the first.
    copyFileSync(join(folder, 'photo 02.png'), join(folder, 'photo 19 copy.png'));
    const stop = new AbortController();
    const error = await start(folder, { signal: stop.signal, onChunkRecorded: (so) => void (so.submissions === 8 && stop.abort()) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
    const batchId = (error as { details?: { batchId?: string } }).details?.batchId ?? '';
    expect(count("SELECT count(*) AS n FROM batches WHERE status = 'interrupted' AND preparer IS NULL")).toBe(1);
    expect(count('SELECT count(*) AS n FROM submissions')).toBe(8);

    const images = await continuePreparation(db, { batchId, plan: plan(), chunk: { files: 8 } });
    expect(images?.submissions).toEqual([]);
    const rows = other.prepare('SELECT file, status, duplicate_of AS dup, id FROM submissions ORDER BY id').all() as Array<{ file: string; status: string; dup: number | null; id: number }>;
    expect(rows).toHaveLength(21);
    expect(new Set(rows.map((r) => r.file)).size).toBe(21);
    const copy = rows.find((r) => r.file.endsWith('photo 19 copy.png'));
    expect(copy).toMatchObject({ status: 'duplicate', dup: rows.find((r) => r.file.endsWith('photo 02.png'))?.id });
    // One job per file to grade: the copy gets none.
    expect(count('SELECT count(*) AS n FROM jobs')).toBe(20);
    expect(count('SELECT count(*) AS n FROM batch_files_to_read')).toBe(0);
  }, 60_000);

  it('removes a batch stopped before anything was recorded, and keeps one stopped after', async () => {
    const folder = await photos(3);
    const stop = new AbortController();
    stop.abort();
    // Stopped after collecting: the first file is never read.
    await expect(start(folder, { signal: stop.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(count('SELECT count(*) AS n FROM batches')).toBe(0);
    expect(count('SELECT count(*) AS n FROM batch_files_to_read')).toBe(0);
  }, 60_000);

  it('reads the files left after a stop, a vanished one as a failed submission; the readers never show it finished', async () => {
    const folder = await photos(24);
    const stop = new AbortController();
    let duringPreparation: { status: string; offered: number; inProgress: unknown } | null = null;
    const error = await start(folder, {
      signal: stop.signal,
      onChunkRecorded: async (so) => {
        if (so.submissions !== 8) return;
        const batchId = (other.prepare('SELECT id FROM batches').get() as { id: string }).id;
        // While this process reads the files: running, not offered for resume, not resumable by another.
        duringPreparation = {
          status: batchReport(other, batchId, combineWith(essayRubric()))?.status ?? '',
          offered: listResumable(other, () => false, Date.now()).length,
          inProgress: await continuePreparation(db, { batchId, plan: plan() }).catch((e: unknown) => e),
        };
        stop.abort();
      },
    }).catch((e: unknown) => e);
    expect(duringPreparation).toMatchObject({ status: 'running', offered: 0, inProgress: { code: 'BATCH_IN_PROGRESS' } });
    const batchId = (error as { details?: { batchId?: string } }).details?.batchId ?? '';

    // Stopped: resumable, with what was recorded and what is still to read.
    const report = batchReport(other, batchId, combineWith(essayRubric()));
    expect(report?.status).toBe('interrupted');
    expect(report?.submissions).toHaveLength(24);
    expect(report?.submissions.filter((s) => s.status === 'pending')).toHaveLength(24);
    const listed = historyReport(other).batches[0];
    expect(listed).toMatchObject({ status: 'interrupted', submissions: 24, graded: 0 });
    expect(listResumable(other, () => false, Date.now())).toMatchObject([{ batchId, graded: 0, total: 24 }]);
    expect(latestUnfinishedBatch(other)?.id).toBe(batchId);

    unlinkSync(join(folder, 'photo 20.png'));
    await continuePreparation(db, { batchId, plan: plan(), chunk: { files: 8 } });
    const gone = other.prepare("SELECT status, error_code AS code FROM submissions WHERE file LIKE '%photo 20.png'").get();
    expect(gone).toEqual({ status: 'failed', code: 'FILE_NOT_FOUND' });
    expect(count('SELECT count(*) AS n FROM submissions')).toBe(24);
    expect(count('SELECT count(*) AS n FROM jobs')).toBe(23);
    expect(historyReport(other).batches[0]).toMatchObject({ status: 'running', submissions: 24 });
  }, 60_000);

  it('never settles a batch as completed while some of its files are not read', async () => {
    const folder = await photos(12);
    const stop = new AbortController();
    const error = await start(folder, { signal: stop.signal, onChunkRecorded: () => stop.abort() }).catch((e: unknown) => e);
    const batchId = (error as { details?: { batchId?: string } }).details?.batchId ?? '';
    // Every job of what was recorded has ended (as after a cancel of the rest): 4 files still to read.
    db.prepare("UPDATE jobs SET status = 'done'").run();
    expect(settleBatch(db, batchId, { budgetStopped: false, interrupted: false, setupStop: null }, Date.now())).toBe('interrupted');
    expect(settleBatch(db, batchId, { budgetStopped: false, interrupted: false, setupStop: null, skipped: true }, Date.now())).toBe('partial');
  }, 60_000);

  it('a photo read on resume is recorded pending and handed to the run while OCR paints its names over', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    copyFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'essay-ana-lopez-1200x600.png'), join(folder, 'b Ana Lopez - essay.png'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toFile(join(folder, 'a blank.png'));
    const redacting: BatchPlan = { ...plan(), config: { models: {} } };
    const stop = new AbortController();
    const error = await prepareBatch(db, { paths: [folder], plan: redacting, budgetUsd: null, estimateUsd: null, source: 'cli', signal: stop.signal, chunk: { files: 1 }, onChunkRecorded: () => stop.abort() }).catch((e: unknown) => e);
    const batchId = (error as { details?: { batchId?: string } }).details?.batchId ?? '';
    expect(count('SELECT count(*) AS n FROM batch_files_to_read')).toBe(1);

    const images = await continuePreparation(db, { batchId, plan: redacting });
    try {
      expect(images?.submissions).toHaveLength(1);
      const photo = other.prepare("SELECT id, status, source_path AS path FROM submissions WHERE file LIKE '%Ana Lopez%'").get() as { id: number; status: string; path: string };
      expect(photo).toMatchObject({ status: 'pending', path: join(folder, 'b Ana Lopez - essay.png') });
      expect(images?.submissions[0]?.submissionId).toBe(photo.id);
      // Nothing of it stored before its names are painted over.
      expect(count(`SELECT count(*) AS n FROM submission_pages WHERE submission_id = ${photo.id}`)).toBe(0);
      await expect(images?.submissions[0]?.redacted).resolves.toContain('name_redacted_in_image');
    } finally {
      await images?.stop();
    }
  }, 120_000);
});
