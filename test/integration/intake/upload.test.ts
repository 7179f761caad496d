import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import { UPLOAD_CHUNK_BYTES } from '../../../shared/ipc/intake.ts';
import { byFile, refusal, settled, startIntake, upload, type Intake } from './helpers.ts';

/**
 * Bytes arrive from the renderer in chunks, strictly in order, into the staging folder the main
 * process owns: a wrong offset or an early finish is a coded refusal that loses nothing, and a
 * file over the limit is refused before a byte of it is written.
 */

afterAll(() => closeExtractionWorkers());

let intake: Intake | null = null;
afterEach(async () => {
  await intake?.dispose();
  intake = null;
});

/** An essay long enough to need several chunks: ~300 KB of text. */
function longEssay(): Buffer {
  const paragraph = 'Homework should be optional because students learn best when they choose to practise. ';
  return Buffer.from(`Ana Lopez\n\n${paragraph.repeat(3500)}`, 'utf8');
}

describe('uploading in chunks', () => {
  it('takes chunks in order only: a wrong offset or an early finish is refused and nothing is lost', async () => {
    intake = startIntake();
    const bytes = longEssay();
    expect(bytes.length).toBeGreaterThan(3 * UPLOAD_CHUNK_BYTES);
    const chunk = (offset: number) => Buffer.from(bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES)).toString('base64');
    const { uploadId } = await intake.call('beginUpload', { file: 'Ana Lopez - essay.txt', sizeBytes: bytes.length });
    if (uploadId === null) throw new Error('skipped');

    expect(await intake.call('uploadChunk', { uploadId, offset: 0, data: chunk(0) })).toEqual({ received: UPLOAD_CHUNK_BYTES });
    // out of order: the third chunk before the second
    const skipped = await refusal(intake.call('uploadChunk', { uploadId, offset: 2 * UPLOAD_CHUNK_BYTES, data: chunk(2 * UPLOAD_CHUNK_BYTES) }));
    expect(skipped.code).toBe('UPLOAD_OUT_OF_ORDER');
    expect(skipped.message).toContain(`Send the chunk at byte ${UPLOAD_CHUNK_BYTES}`);
    // the first chunk again (a retry after a lost answer)
    expect((await refusal(intake.call('uploadChunk', { uploadId, offset: 0, data: chunk(0) }))).code).toBe('UPLOAD_OUT_OF_ORDER');
    // finishing early
    const early = await refusal(intake.call('finishUpload', { uploadId }));
    expect(early.code).toBe('UPLOAD_INCOMPLETE');
    expect(early.message).toContain(`${UPLOAD_CHUNK_BYTES} of ${bytes.length} bytes`);
    expect(await intake.call('listStaged', {})).toEqual([]);

    // carrying on from where the main process is
    for (let offset = UPLOAD_CHUNK_BYTES; offset < bytes.length; offset += UPLOAD_CHUNK_BYTES) {
      await intake.call('uploadChunk', { uploadId, offset, data: chunk(offset) });
    }
    const item = await intake.call('finishUpload', { uploadId });
    expect(item).toMatchObject({ file: 'Ana Lopez - essay.txt', status: 'reading', sizeBytes: bytes.length, kind: 'text', student: 'Ana Lopez' });
    expect((await refusal(intake.call('uploadChunk', { uploadId, offset: bytes.length, data: '' }))).code).toBe('UPLOAD_NOT_FOUND');

    const [ready] = await settled(intake);
    expect(ready).toMatchObject({ id: item.id, status: 'ready', problems: [], warnings: [], kind: 'text', pages: null });
    const { paths } = intake.session.select([item.id]);
    expect(readFileSync(paths[0] ?? '').equals(bytes)).toBe(true);
  });

  it('refuses a file over the limit before writing anything, and lists it with the problem', async () => {
    intake = startIntake({ maxFileBytes: 1000 });
    const refused = await refusal(intake.call('beginUpload', { file: 'Period 3/huge scan.pdf', sizeBytes: 5000 }));
    expect(refused.code).toBe('FILE_TOO_LARGE');
    const [item] = await intake.call('listStaged', {});
    expect(item).toMatchObject({ file: 'Period 3/huge scan.pdf', kind: 'pdf', status: 'problem', sizeBytes: 5000, problems: [{ code: 'FILE_TOO_LARGE' }] });
    expect(existsSync(join(intake.dir, 'staging')) ? readdirSync(join(intake.dir, 'staging')) : []).toEqual([]);
    const session = intake.session;
    const notGradable = await refusal((async () => session.select([item?.id ?? '']))());
    expect(notGradable).toMatchObject({ code: 'STAGED_NOT_FOUND', message: expect.stringContaining('cannot be graded') });
  });

  it('writes nothing past the size announced: a longer file is refused and the upload can be cancelled', async () => {
    intake = startIntake({ maxFileBytes: 1000 });
    const { uploadId } = await intake.call('beginUpload', { file: 'essay.txt', sizeBytes: 600 });
    if (uploadId === null) throw new Error('skipped');
    const data = Buffer.alloc(800, 'a').toString('base64');
    expect((await refusal(intake.call('uploadChunk', { uploadId, offset: 0, data }))).code).toBe('INVALID_INPUT');
    const folder = join(intake.dir, 'staging', readdirSync(join(intake.dir, 'staging'))[0] ?? '');
    expect(readFileSync(join(folder, 'essay.txt')).length).toBe(0);
    await intake.call('cancelUpload', { uploadId });
    expect(existsSync(folder)).toBe(false);
    expect(await intake.call('listStaged', {})).toEqual([]);
  });

  it('leaves out system files and refuses a name that climbs out of its folder', async () => {
    intake = startIntake();
    for (const file of ['.DS_Store', 'Period 3/Thumbs.db', '~$essay.docx', '__MACOSX/ana.docx']) {
      expect(await intake.call('beginUpload', { file, sizeBytes: 10 })).toEqual({ uploadId: null });
    }
    expect((await refusal(intake.call('beginUpload', { file: '../../etc/passwd', sizeBytes: 10 }))).code).toBe('INVALID_INPUT');
    // an unsafe character is made safe on disk; the name shown stays as dropped
    const item = await upload(intake, 'Period 3/Ana: "draft" 2.txt', Buffer.from('A short essay on homework and why it should be optional for all.'));
    expect(item.file).toBe('Period 3/Ana: "draft" 2.txt');
    const [ready] = await settled(intake);
    const [path] = intake.session.select([ready?.id ?? '']).paths;
    expect(path?.startsWith(join(intake.dir, 'staging'))).toBe(true);
    expect(path?.endsWith(join('Period 3', 'Ana_ _draft_ 2.txt'))).toBe(true);
    expect(byFile(await intake.call('listStaged', {}), item.file).student).toBe('Ana: "draft" 2');
  });

  it('deletes the files of items no batch took; keeps those a batch took, for its resume', async () => {
    intake = startIntake();
    const kept = await upload(intake, 'kept.txt', Buffer.from('An essay that a batch takes before the list is cleared.'));
    const dropped = await upload(intake, 'dropped.txt', Buffer.from('An essay that is removed before any batch takes it.'));
    await settled(intake);
    const [keptPath] = intake.session.select([kept.id]).paths;
    const droppedFolder = join(intake.dir, 'staging', dropped.id);
    expect(readdirSync(droppedFolder)).toEqual(['dropped.txt']);
    await intake.call('removeStaged', { id: dropped.id });
    expect(existsSync(droppedFolder)).toBe(false);
    expect((await refusal(intake.call('removeStaged', { id: dropped.id }))).code).toBe('STAGED_NOT_FOUND');
    await intake.call('clearStaged', {});
    expect(await intake.call('listStaged', {})).toEqual([]);
    expect(existsSync(keptPath ?? '')).toBe(true);
    const last = intake.events.filter((e) => e.event === 'stagedChanged').at(-1)?.payload as { removed: string[] };
    expect(last.removed).toEqual([kept.id]);

    // the next start sweeps what no batch took and keeps what one did
    const stray = await upload(intake, 'stray.txt', Buffer.from('An essay left in the list when the app was closed.'));
    await intake.close();
    const again = startIntake({ dir: intake.dir });
    await again.call('listStaged', {});
    await again.close();
    expect(existsSync(keptPath ?? '')).toBe(true);
    expect(existsSync(join(intake.dir, 'staging', stray.id))).toBe(false);
  });
});
