/**
 * Document ingestion: whatever students handed in → text and images for a grading model, or a
 * coded error a teacher can act on (shared/errors.ts). Never a crash, never a hang.
 *
 * - `collectFiles` expands dropped files and folders;
 * - `detectKind` tells PDF, DOCX, text and images apart from the bytes;
 * - `extractDocument` reads one file within the limits of {@link DEFAULT_LIMITS};
 * - `closeExtractionWorkers` stops the parser threads (app quit, end of tests).
 */
export { collectFiles, isSkippedName, type CollectedFile, type CollectOptions, type CollectResult } from './collect.ts';
export { detectKind } from './detect.ts';
export { extractDocument, type ExtractInput, type ExtractOptions } from './extract.ts';
export { closeExtractionWorkers, BUNDLED_WORKER_FILE } from './pool.ts';
export {
  DEFAULT_LIMITS,
  resolveLimits,
  type DocumentFlag,
  type DocumentKind,
  type ExtractedDocument,
  type ExtractLimits,
  type PageImage,
} from './types.ts';
