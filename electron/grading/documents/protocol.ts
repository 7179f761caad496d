/**
 * Messages between `extractDocument` (calling thread) and the extraction worker. Plain data
 * only: it crosses the thread boundary by structured clone, image bytes by transfer.
 */
import type { AppErrorData } from '../../../shared/errors.ts';
import type { DocumentFlag, ExtractLimits } from './types.ts';

export type WorkerJobKind = 'pdf' | 'docx' | 'heic';

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
}

export interface WorkerRequest {
  id: number;
  job: WorkerJob;
}

export type WorkerReply = { id: number; ok: true; data: WorkerOutput } | { id: number; ok: false; error: AppErrorData };
