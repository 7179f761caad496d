/**
 * Messages between `extractDocument` (calling thread) and the extraction worker. Plain data
 * only: it crosses the thread boundary by structured clone, image bytes by transfer.
 */
import type { AppErrorData } from '../../../shared/errors.ts';
import type { InjectionScan } from '../prompt/injection.ts';
import type { DocumentFlag, ExtractLimits } from './types.ts';

/** `text`: a long plain-text file, decoded and scanned here rather than on the calling thread. */
export type WorkerJobKind = 'pdf' | 'docx' | 'heic' | 'text';

/** Each kind as a teacher would name it, for messages. */
export const WORKER_KIND_NAMES: Readonly<Record<WorkerJobKind, string>> = { pdf: 'a PDF', docx: 'a Word document', heic: 'a HEIC photo', text: 'a text file' };

export interface WorkerJob {
  kind: WorkerJobKind;
  /** The file as the teacher knows it, for messages. */
  file: string;
  bytes: Uint8Array;
  limits: ExtractLimits;
}

export interface WorkerImage {
  mime: 'image/jpeg' | 'image/png';
  data: Uint8Array;
  width: number;
  height: number;
  page?: number;
}

export interface WorkerOutput {
  pages: Array<{ index: number; text: string }>;
  /** Finished images (rendered PDF pages). */
  images: WorkerImage[];
  /** Still-encoded pictures for the calling thread to downscale with sharp (DOCX pictures, HEIC as JPEG). */
  rawImages: Uint8Array[];
  hiddenText: string[];
  flags: DocumentFlag[];
  imageBytesIn: number;
  imageBytesOut: number;
  /**
   * The prompt-injection scan of the text and hidden text, done in the worker within the
   * file's deadline; null when not done there (too much text, or extracted on the calling thread).
   */
  injection: InjectionScan | null;
}

export interface WorkerRequest {
  id: number;
  job: WorkerJob;
}

export type WorkerReply = { id: number; ok: true; data: WorkerOutput } | { id: number; ok: false; error: AppErrorData };
