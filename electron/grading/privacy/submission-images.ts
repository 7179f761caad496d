/**
 * Name redaction for the images of one submission, as the pipeline holds them after
 * downscaling (before they are stored, estimated and sent), and the flags that tell the
 * teacher what happened:
 * - `name_redacted_in_image`: OCR found a name in at least one image and it was painted over;
 * - `name_may_be_visible_in_image`: OCR failed or ran out of time on at least one image, which
 *   was then sent as it was.
 * Neither flag when OCR ran and found no name: a handwritten name OCR cannot read is still
 * possible (README, privacy).
 */
import { basename } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { PageImage } from '../documents/types.ts';
import { ImageRedactor } from './image-redaction.ts';
import type { RosterEntry } from './roster.ts';
import { privacyForSubmission } from './submission.ts';

export const NAME_REDACTED_IN_IMAGE = 'name_redacted_in_image';
export const NAME_MAY_BE_VISIBLE_IN_IMAGE = 'name_may_be_visible_in_image';

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

export async function redactSubmissionImages(redactor: ImageRedactor, images: readonly PageImage[], names: readonly string[], signal?: AbortSignal): Promise<RedactedImages> {
  // All pages at once: the redactor spreads them over its OCR engines and keeps their order here.
  const results = await Promise.all(images.map((image) => redactor.redact(image, names, signal).catch(() => null)));
  const out: PageImage[] = [];
  let boxes = 0;
  let failed = false;
  images.forEach((image, i) => {
    const result = results[i] ?? null;
    if (result === null || !result.ok) {
      failed = true;
      out.push(image);
      return;
    }
    boxes += result.data.boxes.length;
    out.push(result.data.boxes.length === 0 ? image : { ...image, data: result.data.image.data });
  });
  const flags = [...(boxes > 0 ? [NAME_REDACTED_IN_IMAGE] : []), ...(failed ? [NAME_MAY_BE_VISIBLE_IN_IMAGE] : [])];
  return { images: out, flags, boxes };
}

export interface BatchDocument {
  /** The file as listed in the batch (its base name decides the student). */
  file: string;
  /** Identical files are graded (and sent) once: only the first is redacted. */
  hash: string;
  /** The extracted document; null when extraction failed. */
  doc: { text: string; images: PageImage[] } | null;
}

/**
 * Paints names over in the images of a batch's documents as they are handed in (`add`, while the
 * rest of the batch is still being read), in place (`doc.images` is replaced); `finish` waits
 * for all of them and returns the flags per document. The names are those the text path hides
 * for the same submission: its student, names written at its top, the roster. Documents are
 * redacted side by side, as many at once as the redactor has OCR engines; its workers start on
 * the first image and end in `finish`.
 */
export class BatchImageRedaction {
  private readonly flags = new Map<object, string[]>();
  private readonly hashes = new Set<string>();
  private readonly running: Array<Promise<void>> = [];
  private redactor: ImageRedactor | null = null;

  constructor(private readonly options: { roster: readonly RosterEntry[] | null; secret: string; signal?: AbortSignal; redactor?: ImageRedactor }) {}

  /** Starts on a document's images, unless it has none or is a copy of one already added. */
  add({ file, hash, doc }: BatchDocument): void {
    if (doc === null || this.hashes.has(hash)) return;
    this.hashes.add(hash);
    if (doc.images.length === 0 || this.options.signal?.aborted) return;
    this.redactor ??= this.options.redactor ?? new ImageRedactor();
    const redactor = this.redactor;
    const names = privacyForSubmission({ fileName: basename(file), text: doc.text, roster: this.options.roster, secret: this.options.secret }).names.map((n) => n.name);
    this.running.push(
      redactSubmissionImages(redactor, doc.images, names, this.options.signal).then((redacted) => {
        doc.images = redacted.images;
        if (redacted.flags.length > 0) this.flags.set(doc, redacted.flags);
      }),
    );
  }

  /**
   * Every document added, redacted; the OCR workers ended. Throws ABORTED when the signal
   * fired: images it stopped before are not redacted, so nothing of the batch may be stored.
   */
  async finish(): Promise<Map<object, string[]>> {
    try {
      await Promise.all(this.running);
    } finally {
      await this.redactor?.close();
    }
    if (this.options.signal?.aborted) throw new AppError('ABORTED', 'Stopped before the batch was created.');
    return this.flags;
  }
}

/** {@link BatchImageRedaction} for documents all read already. */
export async function redactNamesInBatchImages(
  documents: readonly BatchDocument[],
  options: { roster: readonly RosterEntry[] | null; secret: string; signal?: AbortSignal; redactor?: ImageRedactor },
): Promise<Map<object, string[]>> {
  const redaction = new BatchImageRedaction(options);
  for (const d of documents) redaction.add(d);
  return redaction.finish();
}
