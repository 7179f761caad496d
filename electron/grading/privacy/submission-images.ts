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

export async function redactSubmissionImages(redactor: ImageRedactor, images: readonly PageImage[], names: readonly string[]): Promise<RedactedImages> {
  const out: PageImage[] = [];
  let boxes = 0;
  let failed = false;
  for (const image of images) {
    const result = await redactor.redact(image, names).catch(() => null);
    if (result === null || !result.ok) {
      failed = true;
      out.push(image);
      continue;
    }
    boxes += result.data.boxes.length;
    out.push(result.data.boxes.length === 0 ? image : { ...image, data: result.data.image.data });
  }
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
 * Paints names over in the images of every document of a batch that has any, in place
 * (`doc.images` is replaced), and returns the flags per document. The names are those the text
 * path hides for the same submission: its student, names written at its top, the roster. One
 * OCR worker serves the whole batch and is ended before this returns.
 */
export async function redactNamesInBatchImages(
  documents: readonly BatchDocument[],
  options: { roster: readonly RosterEntry[] | null; secret: string; signal?: AbortSignal; redactor?: ImageRedactor },
): Promise<Map<object, string[]>> {
  const flags = new Map<object, string[]>();
  const hashes = new Set<string>();
  const todo = documents.filter((d) => {
    if (d.doc === null || hashes.has(d.hash)) return false;
    hashes.add(d.hash);
    return d.doc.images.length > 0;
  });
  if (todo.length === 0) return flags;
  const redactor = options.redactor ?? new ImageRedactor();
  try {
    for (const { file, doc } of todo) {
      if (options.signal?.aborted) throw new AppError('ABORTED', 'Stopped before the batch was created.');
      if (doc === null) continue;
      const names = privacyForSubmission({ fileName: basename(file), text: doc.text, roster: options.roster, secret: options.secret }).names.map((n) => n.name);
      const redacted = await redactSubmissionImages(redactor, doc.images, names);
      doc.images = redacted.images;
      if (redacted.flags.length > 0) flags.set(doc, redacted.flags);
    }
  } finally {
    await redactor.close();
  }
  return flags;
}
