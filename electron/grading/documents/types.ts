/**
 * What document ingestion hands to grading: the readable text of a submission, the images a
 * vision model should see, and the review signals found on the way. Plain data only, so it
 * crosses the worker boundary by structured clone.
 */
import type { InjectionScan } from '../prompt/injection.ts';

/** Decided from the bytes, never from the extension (see `detectKind`). */
export type DocumentKind = 'pdf' | 'docx' | 'text' | 'image';

export interface PageImage {
  mime: 'image/jpeg' | 'image/png';
  data: Buffer;
  width: number;
  height: number;
  /** 1-based page number for a rendered PDF page; absent for photos. */
  page?: number;
}

/**
 * Review signals. `no_text_layer`: some content exists only as pixels (a scanned PDF page, a
 * DOCX that is only pasted photos), so the grade rests on a vision model reading it.
 * `hidden_text`: the document contains text a reader cannot see: DOCX runs that are white, tiny
 * or `w:vanish`; PDF text that is white on white paper, invisible (render mode 3/7 or fully
 * transparent), under 1 pt, or outside the page box. The text itself is in `hiddenText`.
 */
export type DocumentFlag = 'no_text_layer' | 'hidden_text';

export interface ExtractedDocument {
  kind: DocumentKind;
  /** Hex SHA-256 of the file's bytes: duplicate submissions have the same one. */
  sha256: string;
  bytes: number;
  /**
   * Everything readable, pages joined with a blank line. A DOCX's body comes first, then its
   * footnotes, endnotes, headers and footers, and comments in labelled sections (README.md).
   */
  text: string;
  /** One per PDF page (index 0-based); one entry for the other kinds. */
  pages: Array<{ index: number; text: string }>;
  /** Photos (downscaled) and PDF pages without a text layer, rendered for a vision model. */
  images: PageImage[];
  /**
   * Text a reader cannot see (see `hidden_text`), one string per hidden stretch, for the
   * prompt-injection check. Never part of `text`, except PDF text that could not be matched to
   * pdfjs' text items exactly (then it is in both; see README.md).
   */
  hiddenText: string[];
  flags: DocumentFlag[];
  /**
   * Bytes of the images as found in the file and as sent on, to measure what downscaling saves.
   * Rendered PDF pages have no input image: they add to `imageBytesOut` only.
   */
  imageBytesIn: number;
  imageBytesOut: number;
  /**
   * The prompt-injection scan of `text` and `hiddenText`, done where the file was read (in the
   * extraction worker for all but short text and photos), so no caller scans on its own thread.
   */
  injection: InjectionScan;
}

/**
 * Per-file limits. Each one turns a hostile or absurd input into a coded error instead of an
 * exhausted machine; the defaults are far above any real homework.
 */
export interface ExtractLimits {
  /** Checked with `stat` before reading anything. Default 50 MiB. → FILE_TOO_LARGE */
  maxFileBytes: number;
  /** Default 300. → TOO_MANY_PAGES */
  maxPages: number;
  /** Pixels of one input image, read from its header before decoding (decompression bombs). Default 100e6. → IMAGE_TOO_LARGE */
  maxPixels: number;
  /** Sum of the sizes a DOCX's zip directory declares, checked before inflating. Default 200 MiB. → ARCHIVE_TOO_LARGE */
  maxDocxUncompressedBytes: number;
  /** Uncompressed/compressed ratio above which an entry of 1 MiB or more is a zip bomb. Default 100. → ARCHIVE_TOO_LARGE */
  maxCompressionRatio: number;
  /** Wall time for one file, worker start-up included; the worker is terminated when it runs out. Default 30 s. → EXTRACTION_TIMEOUT */
  timeoutMs: number;
  /** Long edge of every image handed on (photos are downscaled, PDF pages rendered to fit). Default 2048. */
  imageMaxEdge: number;
  /** Characters of text; no essay comes near it. Default 2e6. → FILE_TOO_LARGE */
  maxTextChars: number;
}

export const DEFAULT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxFileBytes: 50 * 1024 * 1024,
  maxPages: 300,
  maxPixels: 100e6,
  maxDocxUncompressedBytes: 200 * 1024 * 1024,
  maxCompressionRatio: 100,
  timeoutMs: 30_000,
  imageMaxEdge: 2048,
  maxTextChars: 2_000_000,
});

/** Defaults overlaid with the caller's values; a missing, non-finite or non-positive value keeps the default. */
export function resolveLimits(partial: Partial<ExtractLimits> | undefined): ExtractLimits {
  const limits: ExtractLimits = { ...DEFAULT_LIMITS };
  if (!partial) return limits;
  for (const key of Object.keys(limits) as Array<keyof ExtractLimits>) {
    const value = partial[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/**
 * What a kind-specific extractor produces; `extractDocument` adds the hash, joins the text and
 * applies the checks common to every kind (empty, too much text).
 */
export interface PartialExtraction {
  pages: Array<{ index: number; text: string }>;
  images: PageImage[];
  hiddenText: string[];
  flags: DocumentFlag[];
  imageBytesIn: number;
  imageBytesOut: number;
}

/** A page with fewer visible characters than this counts as having no text layer. */
export const MIN_TEXT_LAYER_CHARS = 20;
