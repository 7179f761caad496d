/**
 * The teacher's gradebook file, received in parts (one request is at most 256 KiB). Parts are
 * kept in memory under the upload id the renderer chose, bounded in number of uploads and in
 * size, and taken (and forgotten) once by the export that uses them.
 */
import { AppError } from '../../shared/errors.ts';

interface Upload {
  parts: Array<string | undefined>;
  at: number;
}

/** Uploads kept at once; the oldest is dropped first. */
const MAX_UPLOADS = 8;

export interface GradebookStaging {
  put(uploadId: string, index: number, count: number, text: string): number;
  /** The whole file; GRADEBOOK_REQUIRED when a part is missing (or the upload was never made). */
  take(uploadId: string): string;
  clear(): void;
}

export function gradebookStaging(now: () => number = Date.now): GradebookStaging {
  const uploads = new Map<string, Upload>();
  return {
    put(uploadId, index, count, text) {
      let upload = uploads.get(uploadId);
      if (upload && upload.parts.length !== count) throw new AppError('INVALID_INPUT', 'The parts of the gradebook file do not agree on how many there are. Choose the file again.');
      if (index >= count) throw new AppError('INVALID_INPUT', 'A part of the gradebook file is out of range. Choose the file again.');
      if (!upload) {
        upload = { parts: new Array<string | undefined>(count).fill(undefined), at: now() };
        uploads.set(uploadId, upload);
        while (uploads.size > MAX_UPLOADS) {
          const oldest = [...uploads.entries()].sort((a, b) => a[1].at - b[1].at)[0];
          if (oldest) uploads.delete(oldest[0]);
        }
      }
      upload.parts[index] = text;
      return upload.parts.filter((p) => p !== undefined).length;
    },
    take(uploadId) {
      const upload = uploads.get(uploadId);
      if (!upload || upload.parts.some((p) => p === undefined)) {
        throw new AppError('GRADEBOOK_REQUIRED', 'The gradebook file did not arrive whole. Choose the file again, then export.');
      }
      uploads.delete(uploadId);
      return upload.parts.join('');
    },
    clear: () => uploads.clear(),
  };
}
