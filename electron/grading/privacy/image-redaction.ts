/**
 * Student names in images (DESIGN §6, privacy): the text path replaces names by pseudonyms,
 * but a photo of a handwritten page or a scanned page rendered to an image shows the name as
 * pixels. Before such an image is stored for sending, it is read with local OCR
 * ({@link OcrEngine}) and every word that is a part of a name to hide ({@link wordMatchesName})
 * is painted over with a solid black rectangle, with a small margin.
 *
 * This is best effort: OCR reads print well and handwriting poorly, so a handwritten name can
 * survive. What happened is reported per image (boxes painted, or an error value when OCR
 * failed or ran out of time: the image is then held back for the teacher, see
 * submission-images.ts), never thrown, so one bad image cannot stop a batch. One redactor serves a batch: its OCR workers start when first needed
 * and end with {@link ImageRedactor.close}.
 */
import { availableParallelism, totalmem } from 'node:os';
import sharp from 'sharp';
import { JPEG_QUALITY } from '../documents/image.ts';
import { namePartsToHide, wordMatchesName } from './name-words.ts';
import { OcrEngine, OcrError, type OcrWord } from './ocr.ts';

export interface RedactableImage {
  mime: 'image/jpeg' | 'image/png';
  data: Buffer;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type RedactionErrorCode = 'OCR_TIMEOUT' | 'OCR_FAILED' | 'UNREADABLE_IMAGE' | 'ABORTED';

export type RedactionResult =
  | { ok: true; data: { image: RedactableImage; boxes: Box[] } }
  | { ok: false; error: { code: RedactionErrorCode; message: string } };

type Ocr = Pick<OcrEngine, 'words' | 'close'>;

export interface ImageRedactorOptions {
  /** Wall time for reading one image; after it the image is OCR_TIMEOUT (held back, never sent as it was). Default 20 s. */
  timeoutMs?: number;
  /**
   * The OCR engines (tests): images are read in parallel, one at a time per engine. Default:
   * {@link defaultOcrEngineCount} tesseract.js workers, each started when first needed.
   */
  ocr?: Ocr | readonly Ocr[];
}

/**
 * One tesseract worker reads on one core, and a batch of photos spends most of its local work
 * in OCR. A second worker nearly halves that on two cores or more, for about 100 MB while it
 * runs: not worth it on a machine with little memory. More would crowd out the app and the
 * extraction workers on a teacher's laptop.
 */
export function defaultOcrEngineCount(machine: { cores: number; memoryBytes: number } = { cores: availableParallelism(), memoryBytes: totalmem() }): number {
  return machine.cores >= 2 && machine.memoryBytes >= 4 * 1024 ** 3 ? 2 : 1;
}

export const DEFAULT_REDACTION_TIMEOUT_MS = 20_000;
/** Margin around a word box, as a share of its height (at least 3 px): ascenders, descenders, pen strokes. */
const MARGIN_SHARE = 0.25;
const MIN_MARGIN_PX = 3;

/** The word boxes to paint, grown by the margin and clipped to the image. */
export function boxesFor(words: readonly OcrWord[], names: readonly string[], size: { width: number; height: number }): Box[] {
  const parts = namePartsToHide(names);
  const boxes: Box[] = [];
  for (const word of words) {
    if (!wordMatchesName(word.text, parts)) continue;
    const { x0, y0, x1, y1 } = word.bbox;
    const margin = Math.max(MIN_MARGIN_PX, Math.round((y1 - y0) * MARGIN_SHARE));
    const left = Math.max(0, Math.floor(x0 - margin));
    const top = Math.max(0, Math.floor(y0 - margin));
    const right = Math.min(size.width, Math.ceil(x1 + margin));
    const bottom = Math.min(size.height, Math.ceil(y1 + margin));
    if (right > left && bottom > top) boxes.push({ left, top, width: right - left, height: bottom - top });
  }
  return boxes;
}

/** `image` with solid black rectangles over `boxes`, in its own format. */
export async function paintBoxes(image: RedactableImage, boxes: readonly Box[]): Promise<RedactableImage> {
  const black = { r: 0, g: 0, b: 0 };
  const painted = sharp(image.data).composite(
    boxes.map((box) => ({ input: { create: { width: box.width, height: box.height, channels: 3 as const, background: black } }, left: box.left, top: box.top })),
  );
  const data = image.mime === 'image/png' ? await painted.png().toBuffer() : await painted.jpeg({ quality: JPEG_QUALITY }).toBuffer();
  return { mime: image.mime, data };
}

/** One OCR engine and the images waiting for it: a worker reads one image at a time anyway. */
interface Lane {
  ocr: Ocr;
  queue: Promise<unknown>;
  waiting: number;
}

export class ImageRedactor {
  private readonly lanes: Lane[];
  private readonly timeoutMs: number;

  constructor(options: ImageRedactorOptions = {}) {
    const given = options.ocr === undefined ? null : Array.isArray(options.ocr) ? options.ocr : [options.ocr as Ocr];
    const engines = given ?? Array.from({ length: defaultOcrEngineCount() }, () => new OcrEngine());
    if (engines.length === 0) throw new RangeError('An ImageRedactor needs at least one OCR engine.');
    this.lanes = engines.map((ocr) => ({ ocr, queue: Promise.resolve(), waiting: 0 }));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDACTION_TIMEOUT_MS;
  }

  /**
   * Paints over the words of `image` that are parts of `names`. With nothing found the image
   * is returned as given (same bytes). Never throws. Once `signal` fires, an image waiting
   * for its turn is not read and one being read stops midway (its OCR worker is ended): ABORTED.
   */
  redact(image: RedactableImage, names: readonly string[], signal?: AbortSignal): Promise<RedactionResult> {
    // The least loaded engine, the first on a tie: a second worker starts only when two
    // images wait at once, so a batch with one photo never pays for it.
    let lane = this.lanes[0] as Lane;
    for (const l of this.lanes) if (l.waiting < lane.waiting) lane = l;
    lane.waiting += 1;
    const run = lane.queue.then(async (): Promise<RedactionResult> => {
      try {
        if (signal?.aborted) return { ok: false, error: { code: 'ABORTED', message: 'Stopped before this image was read.' } };
        return await this.redactNow(lane.ocr, image, names, signal);
      } finally {
        // Before the caller hears back, so its next image sees this engine free.
        lane.waiting -= 1;
      }
    });
    lane.queue = run.catch(() => {});
    return run;
  }

  /** Ends the OCR workers. The redactor can still be used: the next image starts a new one. */
  async close(): Promise<void> {
    await Promise.all(
      this.lanes.map((lane) => {
        const closing = lane.queue.then(() => lane.ocr.close());
        lane.queue = closing.catch(() => {});
        return closing;
      }),
    );
  }

  private async redactNow(ocr: Ocr, image: RedactableImage, names: readonly string[], signal: AbortSignal | undefined): Promise<RedactionResult> {
    let size: { width: number; height: number; orientation: number };
    try {
      const meta = await sharp(image.data).metadata();
      if (!meta.width || !meta.height) throw new Error('no size in its header');
      size = { width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
      // Decoded once in full: a truncated file would otherwise fail inside the OCR worker,
      // which then has to be restarted.
      await sharp(image.data, { failOn: 'error' }).raw().toBuffer();
    } catch (error) {
      return { ok: false, error: { code: 'UNREADABLE_IMAGE', message: `The image could not be read for name redaction: ${messageOf(error)}` } };
    }
    if (namePartsToHide(names).length === 0) return { ok: true, data: { image, boxes: [] } };
    let words: OcrWord[];
    try {
      // Tesseract applies an EXIF orientation, sharp's composite does not: give OCR the
      // stored pixels so both work in the same frame.
      const forOcr = size.orientation === 1 ? image.data : await sharp(image.data).png({ compressionLevel: 1 }).toBuffer();
      words = await ocr.words(forOcr, this.timeoutMs, signal);
    } catch (error) {
      const code = error instanceof OcrError ? error.code : 'OCR_FAILED';
      return { ok: false, error: { code, message: messageOf(error) } };
    }
    const boxes = boxesFor(words, names, size);
    if (boxes.length === 0) return { ok: true, data: { image, boxes } };
    try {
      return { ok: true, data: { image: await paintBoxes(image, boxes), boxes } };
    } catch (error) {
      return { ok: false, error: { code: 'UNREADABLE_IMAGE', message: `The image could not be painted over: ${messageOf(error)}` } };
    }
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
