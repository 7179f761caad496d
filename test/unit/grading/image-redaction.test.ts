import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as WorkerThreads from 'node:worker_threads';
import { ImageRedactor } from '../../../electron/grading/privacy/image-redaction.ts';
import { namePartsToHide, wordMatchesName } from '../../../electron/grading/privacy/name-words.ts';
import { OcrEngine, OcrError, workerOptions } from '../../../electron/grading/privacy/ocr.ts';
import { heldReason, NAME_REDACTED_IN_IMAGE, NAME_REDACTION_FAILED, redactSubmissionImages } from '../../../electron/grading/privacy/submission-images.ts';
import type { PageImage } from '../../../electron/grading/documents/types.ts';

/** 1200×600, white, "Name: Ana Lopez" at the top, four lines of printed essay (README there). */
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'images', 'essay-ana-lopez-1200x600.png');
const png = readFileSync(FIXTURE);
/** The name's words in the fixture ("Ana" x 205–278, "Lopez" x 298–410, y 61–98) and the essay below. */
const NAME_BAND = { left: 200, top: 40, right: 430, bottom: 110 };
const ESSAY_TOP = 180;

/**
 * No network, in this process and in tesseract.js' worker thread: every worker thread this
 * file starts runs a guard first that replaces fetch, sockets, DNS and http(s) by functions that
 * log the attempt and throw. (tesseract.js takes `Worker` from worker_threads when it is first
 * loaded, which ocr.ts does lazily, so patching it here, before any OCR, covers every worker.)
 */
const guardDir = mkdtempSync(join(tmpdir(), 'gd-ocr-guard-'));
const GUARD_LOG = join(guardDir, 'log.jsonl');
const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
const RealWorker = workerThreads.Worker;
const guardSource = (script: string): string => `
const fs = require('fs');
const log = (what) => fs.appendFileSync(${JSON.stringify(GUARD_LOG)}, JSON.stringify({ what }) + '\\n');
const blocked = (what) => function () { log(what); throw new Error('network blocked by the test: ' + what); };
globalThis.fetch = blocked('fetch');
const net = require('net');
net.connect = net.createConnection = blocked('net.connect');
net.Socket.prototype.connect = blocked('socket.connect');
require('dns').lookup = blocked('dns.lookup');
for (const m of ['http', 'https']) { require(m).request = blocked(m + '.request'); require(m).get = blocked(m + '.get'); }
log('guard installed');
require(${JSON.stringify(script)});
`;
class GuardedWorker extends RealWorker {
  constructor(script: string | URL, options?: WorkerThreads.WorkerOptions) {
    super(guardSource(String(script)), { ...options, eval: true });
  }
}
const guardLog = (): string[] => (existsSync(GUARD_LOG) ? readFileSync(GUARD_LOG, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { what: string }).what) : []);

const mainThreadAttempts: string[] = [];
const ocr = new OcrEngine();
const redactor = new ImageRedactor({ ocr });

async function rgb(data: Buffer): Promise<{ pixels: Buffer; width: number; height: number }> {
  const { data: pixels, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { pixels, width: info.width, height: info.height };
}
const at = (img: { pixels: Buffer; width: number }, x: number, y: number): number => {
  const i = (y * img.width + x) * 3;
  return Math.max(img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!);
};

describe('image redaction (local OCR)', () => {
  beforeAll(() => {
    workerThreads.Worker = GuardedWorker as typeof RealWorker;
    vi.stubGlobal('fetch', (...args: unknown[]) => {
      mainThreadAttempts.push(`fetch ${String(args[0])}`);
      throw new Error('network blocked by the test');
    });
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket) {
      mainThreadAttempts.push('socket.connect');
      throw new Error('network blocked by the test');
    });
  });
  afterAll(async () => {
    await redactor.close();
    workerThreads.Worker = RealWorker;
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    rmSync(guardDir, { recursive: true, force: true });
  });

  it('configures tesseract.js with local language data and no cache, so nothing is downloaded', () => {
    const options = workerOptions(() => {});
    expect(isAbsolute(options.langPath!)).toBe(true);
    expect(options.langPath).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
    expect(statSync(join(options.langPath!, 'eng.traineddata.gz')).size).toBeGreaterThan(1_000_000);
    expect(options.cacheMethod).toBe('none');
    expect(options.corePath).toBeUndefined();
    expect(options.workerPath).toBeUndefined();
  });

  it('paints over the name, leaves the essay alone, and OCR no longer finds it', async () => {
    const result = await redactor.redact({ mime: 'image/png', data: png }, ['Ana Lopez']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.boxes.length).toBe(2);
    expect(result.data.image.mime).toBe('image/png');

    const before = await rgb(png);
    const after = await rgb(result.data.image.data);
    expect([after.width, after.height]).toEqual([before.width, before.height]);
    // Every pixel of ink in the name's words is now black; the words' cores are solid.
    let ink = 0;
    for (let y = NAME_BAND.top; y < NAME_BAND.bottom; y += 1) {
      for (let x = NAME_BAND.left; x < NAME_BAND.right; x += 1) {
        if (at(before, x, y) < 128) {
          ink += 1;
          expect(at(after, x, y)).toBeLessThan(16);
        }
      }
    }
    expect(ink).toBeGreaterThan(500);
    for (const [x0, x1] of [[210, 275], [300, 405]] as const) {
      for (let y = 66; y < 92; y += 2) for (let x = x0; x < x1; x += 2) expect(at(after, x, y)).toBeLessThan(16);
    }
    // "Name:" (x 60–187) and the essay (y ≥ 180) are untouched, byte for byte.
    for (let y = NAME_BAND.top; y < NAME_BAND.bottom; y += 1) for (let x = 0; x < 190; x += 1) expect(at(after, x, y)).toBe(at(before, x, y));
    const row = before.width * 3;
    expect(after.pixels.subarray(ESSAY_TOP * row).equals(before.pixels.subarray(ESSAY_TOP * row))).toBe(true);

    const words = (await ocr.words(result.data.image.data, 20_000)).map((w) => w.text);
    expect(words.join(' ')).not.toMatch(/lopez/i);
    expect(words.some((w) => /^ana\b/i.test(w))).toBe(false);
    expect(words).toContain('Homework');
  });

  it('redacts the JPEG the pipeline holds after downscaling, and stays JPEG', async () => {
    const jpeg = await sharp(png).jpeg({ quality: 85 }).toBuffer();
    const result = await redactor.redact({ mime: 'image/jpeg', data: jpeg }, ['Lopez, Ana', 'Wang Wei']);
    expect(result.ok && result.data.boxes.length).toBe(2);
    if (!result.ok) return;
    const meta = await sharp(result.data.image.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1200, 600]);
    expect(at(await rgb(result.data.image.data), 350, 80)).toBeLessThan(16);
  });

  it('finds nothing to paint when the names are not on the page: zero boxes, the same bytes', async () => {
    const result = await redactor.redact({ mime: 'image/png', data: png }, ['María García', 'Liam O’Connor', 'Li', '王小明']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.boxes).toEqual([]);
    expect(result.data.image.data.equals(png)).toBe(true);
  });

  it('turns a corrupt image into a coded error value', async () => {
    const corrupt = Buffer.concat([png.subarray(0, 200), Buffer.alloc(300, 7)]);
    await expect(redactor.redact({ mime: 'image/png', data: corrupt }, ['Ana Lopez'])).resolves.toMatchObject({ ok: false, error: { code: 'UNREADABLE_IMAGE' } });
    await expect(redactor.redact({ mime: 'image/jpeg', data: Buffer.from('not an image') }, ['Ana Lopez'])).resolves.toMatchObject({ ok: false, error: { code: 'UNREADABLE_IMAGE' } });
  });

  it('gives up on an image after its timeout, and the next image gets a fresh worker', async () => {
    const slow = new ImageRedactor({ ocr, timeoutMs: 1 });
    await expect(slow.redact({ mime: 'image/png', data: png }, ['Ana Lopez'])).resolves.toMatchObject({ ok: false, error: { code: 'OCR_TIMEOUT' } });
    const next = await redactor.redact({ mime: 'image/png', data: png }, ['Ana Lopez']);
    expect(next.ok && next.data.boxes.length).toBe(2);
  });

  it('stops the image being read when the signal fires, and the next image gets a fresh worker', async () => {
    let begun: () => void = () => {};
    const reading = new Promise<void>((resolve) => {
      begun = resolve;
    });
    const watched = new ImageRedactor({
      ocr: {
        words: (image, timeoutMs, signal) => {
          const words = ocr.words(image, timeoutMs, signal);
          begun();
          return words;
        },
        close: () => ocr.close(),
      },
    });
    const stop = new AbortController();
    const result = watched.redact({ mime: 'image/png', data: png }, ['Ana Lopez'], stop.signal);
    await reading;
    stop.abort();
    // Left to finish, this read finds both words of the name (the test above).
    await expect(result).resolves.toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    const workersBefore = guardLog().filter((w) => w === 'guard installed').length;
    const next = await redactor.redact({ mime: 'image/png', data: png }, ['Ana Lopez']);
    expect(next.ok && next.data.boxes.length).toBe(2);
    expect(guardLog().filter((w) => w === 'guard installed').length).toBe(workersBefore + 1);
  });

  it('flags a submission: names painted, or an image held back when OCR could not read it', async () => {
    const image: PageImage = { mime: 'image/png', data: png, width: 1200, height: 600 };
    const painted = (await redactSubmissionImages(redactor, [image], ['Ana Lopez']))!;
    expect(painted.flags).toEqual([NAME_REDACTED_IN_IMAGE]);
    expect(painted.images[0]!.data.equals(png)).toBe(false);
    expect(painted.images[0]).toMatchObject({ mime: 'image/png', width: 1200, height: 600 });

    const failing = new ImageRedactor({
      ocr: {
        words: () => Promise.reject(new OcrError('OCR_TIMEOUT', 'Reading the image took longer than 20 s.')),
        close: () => Promise.resolve(),
      },
    });
    const unread = (await redactSubmissionImages(failing, [image, image], ['Ana Lopez']))!;
    expect(unread.flags).toEqual([NAME_REDACTION_FAILED]);
    // Kept as they were for the teacher's decision, and marked so that they are never sent before it.
    expect(unread.images.map((i) => i.data)).toEqual([png, png]);
    expect(unread.images.map(heldReason)).toEqual([
      { code: 'OCR_TIMEOUT', message: 'Reading the image took longer than 20 s.' },
      { code: 'OCR_TIMEOUT', message: 'Reading the image took longer than 20 s.' },
    ]);
    expect(heldReason(painted.images[0]!)).toBeNull();
  });

  it('started OCR without any network attempt, in this thread or in the OCR thread', () => {
    expect(mainThreadAttempts).toEqual([]);
    const log = guardLog();
    expect(log.filter((w) => w === 'guard installed').length).toBeGreaterThanOrEqual(3); // the worker, and its restarts after the timeout and the stop
    expect(log.filter((w) => w !== 'guard installed')).toEqual([]);
  });
});

describe('which OCR words are names', () => {
  const parts = namePartsToHide(['Ana Lopez', 'Liam O’Connor', 'José Núñez-Pérez', 'Will Grace', 'Li Na', 'Ella Moore']);

  it('matches case-insensitively, without punctuation, with one OCR error for long parts', () => {
    for (const word of ['Lopez', 'LOPEZ', 'lopez,', 'Lopez’s', 'Lopcz', 'Lpez', 'Ana', 'ana.', 'Name:Ana', "O'Connor", 'Connor', 'Nunez', 'Perez', 'Núñez-Pérez', 'AnaLopez', 'Will', 'Grace', 'Moore', 'Mocre']) {
      expect(wordMatchesName(word, parts), word).toBe(true);
    }
  });

  it('ignores short parts, other words, and ordinary words written in lower case', () => {
    for (const word of ['Li', 'Na', 'An', 'Anna', 'Lopezzz', 'Analysis', 'will', 'grace', 'homework', 'more', '']) {
      expect(wordMatchesName(word, parts), word).toBe(false);
    }
    expect(namePartsToHide(['Li Na', '王小明'])).toEqual([]);
  });
});
