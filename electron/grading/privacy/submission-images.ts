/**
 * Name redaction for the images of one submission, as the pipeline holds them after
 * downscaling (before they are stored, estimated and sent), and the flags that tell the
 * teacher what happened:
 * - `name_redacted_in_image`: OCR found a name in at least one image and it was painted over;
 * - `name_redaction_failed`: OCR failed or ran out of time on at least one image. Privacy
 *   fails closed: such an image is held back ({@link heldReason}), and its submission waits
 *   for the teacher to send it as it is or skip it (batch/held-images.ts);
 * - `name_may_be_visible_in_image`: the teacher chose to send such an image as it was.
 * Neither flag when OCR ran and found no name: a handwritten name OCR cannot read is still
 * possible (README, privacy).
 */
import { basename } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { PageImage } from '../documents/types.ts';
import { ImageRedactor } from './image-redaction.ts';
import type { PersonRef } from './pseudonymizer.ts';
import type { RosterEntry } from './roster.ts';
import { privacyForSubmission } from './submission.ts';

export const NAME_REDACTED_IN_IMAGE = 'name_redacted_in_image';
export const NAME_MAY_BE_VISIBLE_IN_IMAGE = 'name_may_be_visible_in_image';
export const NAME_REDACTION_FAILED = 'name_redaction_failed';

/** A page image whose names could not be painted over, and why: it must not be sent. */
type HeldImage = PageImage & { redactionError: { code: string; message: string } };

/** Why an image is held back (its redaction failed), or null for an image that may be sent. */
export function heldReason(image: PageImage): { code: string; message: string } | null {
  return 'redactionError' in image ? (image as HeldImage).redactionError : null;
}

/**
 * `privacy.ocr_timeout_ms` of a config: the wall time OCR gets for one image (a slow machine
 * may need more than the default); undefined when not set to a positive number.
 */
export function ocrTimeoutMs(config: unknown): number | undefined {
  const privacy = typeof config === 'object' && config !== null ? (config as { privacy?: unknown }).privacy : undefined;
  const value = typeof privacy === 'object' && privacy !== null ? (privacy as { ocr_timeout_ms?: unknown }).ocr_timeout_ms : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** `privacy.pseudonymize_names` of a config (on unless set to false). */
export function pseudonymizesNames(config: unknown): boolean {
  if (typeof config !== 'object' || config === null) return true;
  const privacy = (config as { privacy?: unknown }).privacy;
  if (typeof privacy !== 'object' || privacy === null) return true;
  return (privacy as { pseudonymize_names?: unknown }).pseudonymize_names !== false;
}

export interface RedactedImages {
  images: PageImage[];
  flags: string[];
  /** Boxes painted over all images. */
  boxes: number;
}

/**
 * Every image of one submission, read at once: the redactor spreads them over its OCR engines,
 * and their order is kept. Null when `signal` stopped it before every image was read: the
 * images are then not all redacted and must not be stored or sent.
 */
export async function redactSubmissionImages(
  redactor: ImageRedactor,
  images: readonly PageImage[],
  names: readonly string[],
  signal?: AbortSignal,
): Promise<RedactedImages | null> {
  const results = await Promise.all(images.map((image) => redactor.redact(image, names, signal).catch(() => null)));
  if (results.some((r) => r !== null && !r.ok && r.error.code === 'ABORTED')) return null;
  const out: PageImage[] = [];
  let boxes = 0;
  let failed = false;
  images.forEach((image, i) => {
    const result = results[i] ?? null;
    if (result === null || !result.ok) {
      failed = true;
      const redactionError = result?.error ?? { code: 'OCR_FAILED', message: 'OCR failed.' };
      const held: HeldImage = { ...image, redactionError };
      out.push(held);
      return;
    }
    boxes += result.data.boxes.length;
    out.push(result.data.boxes.length === 0 ? image : { ...image, data: result.data.image.data });
  });
  const flags = [...(boxes > 0 ? [NAME_REDACTED_IN_IMAGE] : []), ...(failed ? [NAME_REDACTION_FAILED] : [])];
  return { images: out, flags, boxes };
}

const stoppedBeforeRedaction = (): AppError => new AppError('ABORTED', 'Stopped before the names in this file’s images were painted over.');

export interface BatchDocument {
  /** The file as listed in the batch (its base name decides the student). */
  file: string;
  /** Identical files are graded (and sent) once: only the first is redacted. */
  hash: string;
  /** The extracted document; null when extraction failed. */
  doc: { text: string; images: PageImage[] } | null;
  /** The names the text path hides for it, when already known; else found here from the text. */
  names?: readonly PersonRef[];
}

/**
 * Paints names over in the images of a batch's documents as they are handed in (`add`, while
 * the rest of the batch is still being read), in place: `doc.images` is replaced once all of a
 * document's images are done (an image OCR could not read is marked held, {@link heldReason}),
 * and `add` answers that document's flags then. The names are those
 * the text path hides for the same submission: its student, names written at its top, the
 * roster. Documents are redacted side by side, as many at once as the redactor has OCR engines;
 * its workers start on the first image and end in `finish` or `stop`.
 */
export class BatchImageRedaction {
  private readonly hashes = new Set<string>();
  private readonly running: Array<Promise<unknown>> = [];
  private readonly stopper = new AbortController();
  private readonly signal: AbortSignal;
  private redactor: ImageRedactor | null = null;

  constructor(
    private readonly options: {
      roster: readonly RosterEntry[] | null;
      secret: string;
      signal?: AbortSignal;
      redactor?: ImageRedactor;
      /** Wall time for OCR of one image ({@link ocrTimeoutMs}); the redactor's default when absent. */
      timeoutMs?: number | undefined;
    },
  ) {
    this.signal = options.signal ? AbortSignal.any([options.signal, this.stopper.signal]) : this.stopper.signal;
  }

  /**
   * Starts on a document's images. Null when there is nothing to do: no images, or a copy of a
   * document already added. The promise answers the document's flags once its images are
   * replaced, and rejects with ABORTED (the images left as they were, not to be stored) when
   * the redaction is stopped first.
   */
  add({ file, hash, doc, names: known }: BatchDocument): Promise<string[]> | null {
    if (doc === null || this.hashes.has(hash)) return null;
    this.hashes.add(hash);
    if (doc.images.length === 0) return null;
    if (this.signal.aborted) {
      // Still a promise: images that were not redacted must never look as if they were.
      const stopped = Promise.reject(stoppedBeforeRedaction());
      stopped.catch(() => undefined);
      return stopped;
    }
    this.redactor ??= this.options.redactor ?? new ImageRedactor(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs });
    const redactor = this.redactor;
    const names = (known ?? privacyForSubmission({ fileName: basename(file), text: doc.text, roster: this.options.roster, secret: this.options.secret }).names).map((n) => n.name);
    const done = redactSubmissionImages(redactor, doc.images, names, this.signal).then((redacted) => {
      if (redacted === null) throw stoppedBeforeRedaction();
      doc.images = redacted.images;
      return redacted.flags;
    });
    this.running.push(done.catch(() => undefined));
    return done;
  }

  /**
   * No more documents will be added: the OCR workers end as soon as the last image is read,
   * instead of holding their memory until `finish` or `stop`.
   */
  seal(): void {
    void Promise.all(this.running)
      .then(() => this.redactor?.close())
      .catch(() => undefined);
  }

  /**
   * Every document added, redacted; the OCR workers ended. Throws ABORTED when the batch's
   * signal fired: some images were then left as they were, so nothing of the batch may be stored.
   */
  async finish(): Promise<void> {
    try {
      await Promise.all(this.running);
    } finally {
      await this.redactor?.close();
    }
    if (this.signal.aborted) throw new AppError('ABORTED', 'Stopped before every image was read.');
  }

  /** Reads no further image (the ones being read stop midway) and ends the workers. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.finish().catch(() => undefined);
  }
}
