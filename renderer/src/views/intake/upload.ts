/**
 * Sending one file's bytes to the main process: begin (name and size: too large is refused
 * there, before a byte is sent), chunks of UPLOAD_CHUNK_BYTES in order, finish. A failure
 * cancels the upload so nothing half-written is left behind.
 */
import type { AppErrorData } from '../../../../shared/errors.ts';
import type { GradeDeskApi } from '../../../../shared/ipc/contract.ts';
import { UPLOAD_CHUNK_BYTES, type StagedItem } from '../../../../shared/ipc/intake.ts';
import type { DroppedFile } from './dropped-files.ts';

export type UploadOutcome =
  | { state: 'added'; item: StagedItem }
  /** A file GradeDesk leaves out (hidden, system, Office lock file): nothing to show. */
  | { state: 'skipped' }
  /** Refused, but listed by the main process with its problem (too large): nothing more to say. */
  | { state: 'listed' }
  | { state: 'failed'; error: AppErrorData };

/** Base64 of bytes, in slices so no argument list gets too long. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

async function readSlice(file: File, start: number, end: number): Promise<Uint8Array | AppErrorData> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch (thrown) {
    // The file was moved or deleted after it was dropped, or the system refused to read it.
    return { code: 'FILE_NOT_FOUND', message: `"${file.name}" could not be read: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
  }
}

export async function uploadFile(api: GradeDeskApi, dropped: DroppedFile): Promise<UploadOutcome> {
  const begun = await api.beginUpload({ file: dropped.path, sizeBytes: dropped.file.size });
  if (!begun.ok) return begun.error.code === 'FILE_TOO_LARGE' ? { state: 'listed' } : { state: 'failed', error: begun.error };
  const uploadId = begun.data.uploadId;
  if (uploadId === null) return { state: 'skipped' };
  const fail = async (error: AppErrorData): Promise<UploadOutcome> => {
    await api.cancelUpload({ uploadId });
    return { state: 'failed', error };
  };
  for (let offset = 0; offset < dropped.file.size; offset += UPLOAD_CHUNK_BYTES) {
    const bytes = await readSlice(dropped.file, offset, offset + UPLOAD_CHUNK_BYTES);
    if (!(bytes instanceof Uint8Array)) return fail(bytes);
    const sent = await api.uploadChunk({ uploadId, offset, data: toBase64(bytes) });
    if (!sent.ok) return fail(sent.error);
  }
  const finished = await api.finishUpload({ uploadId });
  if (!finished.ok) return fail(finished.error);
  return { state: 'added', item: finished.data };
}
