/**
 * How a batch's images are spread over OCR engines: in parallel across engines, one at a time
 * per engine, in order per document, and not at all once the batch is stopped. The engines are
 * fakes that report where the name is and record when they ran; the images are real, because
 * the redactor decodes and paints them with sharp.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PageImage } from '../../../electron/grading/documents/types.ts';
import { defaultOcrEngineCount, ImageRedactor } from '../../../electron/grading/privacy/image-redaction.ts';
import type { OcrWord } from '../../../electron/grading/privacy/ocr.ts';
import { BatchImageRedaction, heldReason, NAME_REDACTED_IN_IMAGE, NAME_REDACTION_FAILED, redactSubmissionImages } from '../../../electron/grading/privacy/submission-images.ts';

/** 1200×600 with "Name: Ana Lopez" at the top (README in its folder). */
const png = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'essay-ana-lopez-1200x600.png'));
const NAME_WORDS: OcrWord[] = [
  { text: 'Ana', confidence: 90, bbox: { x0: 205, y0: 61, x1: 278, y1: 98 } },
  { text: 'Lopez', confidence: 90, bbox: { x0: 298, y0: 61, x1: 410, y1: 98 } },
];
const page = (): PageImage => ({ mime: 'image/png', data: png, width: 1200, height: 600 });

/** A fake engine: each read takes `ms`, and the engine records how many reads overlapped. */
class FakeOcr {
  reads = 0;
  closed = 0;
  private active = 0;
  constructor(
    private readonly shared: { active: number; peak: number },
    private readonly ms = 40,
  ) {}
  async words(): Promise<OcrWord[]> {
    this.active += 1;
    this.shared.active += 1;
    this.shared.peak = Math.max(this.shared.peak, this.shared.active);
    if (this.active > 1) throw new Error('one engine read two images at once');
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    this.active -= 1;
    this.shared.active -= 1;
    this.reads += 1;
    return NAME_WORDS;
  }
  async close(): Promise<void> {
    this.closed += 1;
  }
}

const engines = (n: number, ms?: number) => {
  const shared = { active: 0, peak: 0 };
  return { shared, list: Array.from({ length: n }, () => new FakeOcr(shared, ms)) };
};

describe('OCR engines of one redactor', () => {
  it('reads two waiting images on two engines at once, never two on one engine', async () => {
    const { shared, list } = engines(2);
    const redactor = new ImageRedactor({ ocr: list });
    const results = await Promise.all([1, 2, 3, 4].map(() => redactor.redact({ mime: 'image/png', data: png }, ['Ana Lopez'])));
    expect(results.every((r) => r.ok && r.data.boxes.length === 2)).toBe(true);
    expect(shared.peak).toBe(2);
    expect(list.map((e) => e.reads)).toEqual([2, 2]);
    await redactor.close();
    expect(list.map((e) => e.closed)).toEqual([1, 1]);
  });

  it('uses only the first engine when images come one at a time, so a second worker never starts', async () => {
    const { shared, list } = engines(2);
    const redactor = new ImageRedactor({ ocr: list });
    for (let i = 0; i < 3; i += 1) expect((await redactor.redact({ mime: 'image/png', data: png }, ['Ana Lopez'])).ok).toBe(true);
    expect(list.map((e) => e.reads)).toEqual([3, 0]);
    expect(shared.peak).toBe(1);
  });

  it('keeps a document’s pages in their order when they are read in parallel', async () => {
    const { list } = engines(2);
    const redactor = new ImageRedactor({ ocr: list });
    const blank = await import('sharp').then(({ default: sharp }) =>
      sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 255, g: 255, b: 255 } } }).png().toBuffer(),
    );
    const pages: PageImage[] = [page(), { mime: 'image/png', data: blank, width: 300, height: 200 }, page()];
    const redacted = (await redactSubmissionImages(redactor, pages, ['Ana Lopez']))!;
    expect(redacted.flags).toEqual([NAME_REDACTED_IN_IMAGE]);
    // The fake reports the name's boxes on every page; each was painted in its own frame.
    expect(redacted.images.map((i) => [i.width, i.height])).toEqual([[1200, 600], [300, 200], [1200, 600]]);
    expect(redacted.images[0]!.data.equals(png)).toBe(false);
    expect(redacted.images[2]!.data.equals(png)).toBe(false);
    expect(redacted.boxes).toBe(2 + 2 + 2);
  });

  it('does not read images whose turn comes after the stop: ABORTED, never thrown', async () => {
    const { list } = engines(1, 60);
    const redactor = new ImageRedactor({ ocr: list });
    const stop = new AbortController();
    const pending = [1, 2, 3].map(() => redactor.redact({ mime: 'image/png', data: png }, ['Ana Lopez'], stop.signal));
    setTimeout(() => stop.abort(), 20);
    const results = await Promise.all(pending);
    expect(results[0]!.ok).toBe(true);
    expect(results.slice(1)).toEqual([
      { ok: false, error: { code: 'ABORTED', message: expect.any(String) } },
      { ok: false, error: { code: 'ABORTED', message: expect.any(String) } },
    ]);
    expect(list[0]!.reads).toBe(1);
  });

  it('runs a second OCR worker only with two cores and 4 GB or more', () => {
    const GB = 1024 ** 3;
    expect(defaultOcrEngineCount({ cores: 2, memoryBytes: 8 * GB })).toBe(2);
    expect(defaultOcrEngineCount({ cores: 16, memoryBytes: 4 * GB })).toBe(2);
    expect(defaultOcrEngineCount({ cores: 1, memoryBytes: 8 * GB })).toBe(1);
    expect(defaultOcrEngineCount({ cores: 4, memoryBytes: 3 * GB })).toBe(1);
  });

  it('refuses to be built without an engine', () => {
    expect(() => new ImageRedactor({ ocr: [] })).toThrow(RangeError);
  });
});

describe('a batch’s images, redacted while the batch is read', () => {
  it('redacts each document once (copies are skipped), in place, and ends the workers', async () => {
    const { list } = engines(2);
    const redactor = new ImageRedactor({ ocr: list });
    const redaction = new BatchImageRedaction({ roster: null, secret: 'batch-secret', redactor });
    const first = { text: 'Name: Ana Lopez\nMy essay.', images: [page(), page()] };
    const copy = { text: first.text, images: [page()] };
    const textOnly = { text: 'Name: Ana Lopez\nTyped.', images: [] };
    const firstFlags = redaction.add({ file: 'ana-lopez.jpg', hash: 'h1', doc: first });
    expect(redaction.add({ file: 'ana-lopez-again.jpg', hash: 'h1', doc: copy })).toBeNull();
    expect(redaction.add({ file: 'typed.txt', hash: 'h2', doc: textOnly })).toBeNull();
    expect(redaction.add({ file: 'broken.pdf', hash: 'h3', doc: null })).toBeNull();
    await redaction.finish();
    expect(await firstFlags).toEqual([NAME_REDACTED_IN_IMAGE]);
    expect(first.images.every((i) => !i.data.equals(png))).toBe(true);
    expect(copy.images[0]!.data.equals(png)).toBe(true);
    expect(list.reduce((n, e) => n + e.reads, 0)).toBe(2);
    expect(list.map((e) => e.closed)).toEqual([1, 1]);
  });

  it('starts reading a document’s images when it is added, before the batch is finished', async () => {
    const { list } = engines(1);
    const redaction = new BatchImageRedaction({ roster: null, secret: 'batch-secret', redactor: new ImageRedactor({ ocr: list }) });
    redaction.add({ file: 'ana-lopez.jpg', hash: 'h', doc: { text: 'Name: Ana Lopez', images: [page()] } });
    // Bounded: 5 s at most; a redaction that waits for finish() never gets there.
    for (let i = 0; i < 500 && list[0]!.reads === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(list[0]!.reads).toBe(1);
    await redaction.finish();
  });

  it('ends the OCR workers once the last image of a sealed batch is read, before finish', async () => {
    const { list } = engines(2);
    const redaction = new BatchImageRedaction({ roster: null, secret: 'batch-secret', redactor: new ImageRedactor({ ocr: list }) });
    const done = redaction.add({ file: 'ana-lopez.jpg', hash: 'h', doc: { text: 'Name: Ana Lopez', images: [page(), page()] } });
    redaction.seal();
    expect(list.map((e) => e.closed)).toEqual([0, 0]);
    await done;
    // Bounded: 5 s at most.
    for (let i = 0; i < 500 && list.some((e) => e.closed === 0); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(list.map((e) => e.closed)).toEqual([1, 1]);
  });

  it('throws ABORTED when stopped and leaves the images not yet begun unread', async () => {
    const { list } = engines(1, 60);
    const redactor = new ImageRedactor({ ocr: list });
    const stop = new AbortController();
    const redaction = new BatchImageRedaction({ roster: null, secret: 'batch-secret', signal: stop.signal, redactor });
    redaction.add({ file: 'a.jpg', hash: 'a', doc: { text: 'Name: Ana Lopez', images: [page()] } });
    redaction.add({ file: 'b.jpg', hash: 'b', doc: { text: 'Name: Ana Lopez', images: [page()] } });
    setTimeout(() => stop.abort(), 20);
    await expect(redaction.finish()).rejects.toMatchObject({ code: 'ABORTED' });
    expect(list[0]!.reads).toBe(1);
    expect(list[0]!.closed).toBe(1);
    // Added after the stop: nothing is read.
    redaction.add({ file: 'c.jpg', hash: 'c', doc: { text: 'Name: Ana Lopez', images: [page()] } });
    expect(list[0]!.reads).toBe(1);
  });

  it('holds back the one image OCR could not read, keeps the others painted, and flags the document', async () => {
    let calls = 0;
    const flaky = {
      words: async (): Promise<OcrWord[]> => {
        calls += 1;
        if (calls === 2) throw new Error('the OCR thread stopped');
        return NAME_WORDS;
      },
      close: async () => {},
    };
    const redaction = new BatchImageRedaction({ roster: null, secret: 'batch-secret', redactor: new ImageRedactor({ ocr: flaky }) });
    const doc = { text: 'Name: Ana Lopez', images: [page(), page()] };
    const flags = await redaction.add({ file: 'ana-lopez.jpg', hash: 'h', doc });
    await redaction.finish();
    expect(flags).toEqual([NAME_REDACTED_IN_IMAGE, NAME_REDACTION_FAILED]);
    expect(heldReason(doc.images[0]!)).toBeNull();
    expect(doc.images[0]!.data.equals(png)).toBe(false);
    expect(heldReason(doc.images[1]!)).toMatchObject({ code: 'OCR_FAILED' });
    expect(doc.images[1]!.data.equals(png)).toBe(true);
  });
});
