/**
 * Document ingestion: whatever students handed in → text and images for a grading model, or a
 * coded error a teacher can act on (shared/errors.ts). Never a crash, never a hang.
 *
 * - `collectFiles` expands dropped files and folders;
 * - `detectKind` tells PDF, DOCX, text and images apart from the bytes;
 * - `extractDocument` reads one file within the limits of {@link DEFAULT_LIMITS};
 * - `closeExtractionWorkers` stops the parser threads (app quit, end of tests).
 */
export { collectFiles, isSkippedName } from './collect.ts';
export { detectKind } from './detect.ts';
export { extractDocument } from './extract.ts';
export { closeExtractionWorkers, BUNDLED_WORKER_FILE } from './pool.ts';
export { DEFAULT_LIMITS, type ExtractedDocument, type PageImage } from './types.ts';
