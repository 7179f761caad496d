/**
 * The staged files read once for the estimate: what each will send (its text, the sizes of its
 * images) or why it cannot be read. Cached by path, size and modification time, so changing a
 * setting on the new-batch screen does not read a class of PDFs again.
 */
import { stat } from 'node:fs/promises';
import type { AppErrorData } from '../../shared/errors.ts';
import { extractDocument } from '../grading/documents/index.ts';
import type { SubmissionToEstimate } from '../grading/estimate/index.ts';

export type ReadForEstimate = { ok: true; hash: string; send: SubmissionToEstimate } | { ok: false; error: AppErrorData };

/** Enough for a few classes of staged work; the oldest entries go first. */
const MAX_CACHED = 2000;

export class EstimateReader {
  private readonly cache = new Map<string, ReadForEstimate>();

  async read(path: string, signal?: AbortSignal): Promise<ReadForEstimate> {
    let key: string;
    try {
      const info = await stat(path);
      key = `${path}\u0000${info.size}\u0000${info.mtimeMs}`;
    } catch {
      return { ok: false, error: { code: 'FILE_NOT_FOUND', message: 'The file is no longer where it was staged.' } };
    }
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result = await extractDocument({ path }, signal ? { signal } : {});
    const read: ReadForEstimate = result.ok
      ? {
          ok: true,
          hash: result.data.sha256,
          send: {
            text: result.data.text,
            imageCount: result.data.images.length,
            imageSizes: result.data.images.map((image) => ({ width: image.width, height: image.height })),
          },
        }
      : { ok: false, error: result.error };
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, read);
    return read;
  }
}
