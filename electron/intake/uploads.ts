/**
 * Files arriving from the renderer in chunks. Each upload writes into a folder of its own under
 * the staging folder, strictly in order: a chunk at any offset but the one reached so far is
 * refused (UPLOAD_OUT_OF_ORDER) and changes nothing, so the sender can carry on from `received`.
 * The size declared up front is a promise: no byte past it (or past the size limit) is written.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { documentErrors } from '../grading/documents/messages.ts';
import type { DroppedName } from './dropped-path.ts';

/** An upload nobody finishes is dropped after this long without a chunk. */
const IDLE_MS = 10 * 60_000;
/** Uploads open at once; the renderer sends a couple at a time. */
const MAX_OPEN = 16;

export interface FinishedUpload {
  id: string;
  name: DroppedName;
  /** The file on disk, inside `folder`. */
  path: string;
  /** The item's own folder: removing the item removes it. */
  folder: string;
  sizeBytes: number;
  sha256: string;
  /** Order of `begin`: the list keeps it, and the first of identical files is the original. */
  sequence: number;
}

interface Upload {
  id: string;
  name: DroppedName;
  folder: string;
  path: string;
  sizeBytes: number;
  sequence: number;
  received: number;
  hash: Hash;
  handle: FileHandle | null;
  busy: boolean;
  idle: NodeJS.Timeout;
}

export class Uploads {
  private readonly open = new Map<string, Upload>();
  private sequence = 0;

  constructor(
    private readonly stagingDir: string,
    private readonly maxFileBytes: number,
  ) {}

  /** Next in the order items are listed; also taken by items that never upload (too large). */
  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** FILE_TOO_LARGE before anything is written when the declared size is over the limit. */
  async begin(name: DroppedName, sizeBytes: number): Promise<string> {
    if (sizeBytes > this.maxFileBytes) throw documentErrors.fileTooLarge(name.file, sizeBytes, this.maxFileBytes);
    if (this.open.size >= MAX_OPEN) throw new AppError('TOO_MANY_FILES', 'Too many files are being added at once. Wait for them to finish, then add the rest.');
    const id = `s_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const folder = join(this.stagingDir, id);
    const path = join(folder, ...name.segments);
    await mkdir(join(path, '..'), { recursive: true });
    const handle = await open(path, 'wx');
    const upload: Upload = {
      id,
      name,
      folder,
      path,
      sizeBytes,
      sequence: this.nextSequence(),
      received: 0,
      hash: createHash('sha256'),
      handle,
      busy: false,
      idle: this.idleTimer(id),
    };
    this.open.set(id, upload);
    return id;
  }

  async chunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<number> {
    const upload = this.get(uploadId);
    if (upload.busy || offset !== upload.received) {
      throw new AppError(
        'UPLOAD_OUT_OF_ORDER',
        `"${upload.name.file}": a chunk at byte ${offset} arrived, but ${upload.received} bytes have been received${upload.busy ? ' and another chunk is still being written' : ''}. Send the chunk at byte ${upload.received}.`,
      );
    }
    if (upload.received + bytes.length > upload.sizeBytes) {
      throw new AppError('INVALID_INPUT', `"${upload.name.file}" is longer than the ${upload.sizeBytes} bytes announced. Add it again.`);
    }
    upload.busy = true;
    try {
      await upload.handle?.write(bytes, 0, bytes.length, offset);
      upload.hash.update(bytes);
      upload.received += bytes.length;
    } finally {
      upload.busy = false;
      upload.idle.refresh();
    }
    return upload.received;
  }

  /** UPLOAD_INCOMPLETE (the upload stays open) until every announced byte has arrived. */
  async finish(uploadId: string): Promise<FinishedUpload> {
    const upload = this.get(uploadId);
    if (upload.busy || upload.received !== upload.sizeBytes) {
      throw new AppError('UPLOAD_INCOMPLETE', `"${upload.name.file}": ${upload.received} of ${upload.sizeBytes} bytes have arrived. Send the rest from byte ${upload.received}.`);
    }
    this.open.delete(uploadId);
    clearTimeout(upload.idle);
    await upload.handle?.close();
    upload.handle = null;
    const { id, name, path, folder, sizeBytes, sequence } = upload;
    return { id, name, path, folder, sizeBytes, sequence, sha256: upload.hash.digest('hex') };
  }

  async cancel(uploadId: string): Promise<void> {
    const upload = this.open.get(uploadId);
    if (!upload) return;
    this.open.delete(uploadId);
    clearTimeout(upload.idle);
    await upload.handle?.close().catch(() => undefined);
    upload.handle = null;
    await rm(upload.folder, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.cancel(id)));
  }

  private get(uploadId: string): Upload {
    const upload = this.open.get(uploadId);
    if (!upload) throw new AppError('UPLOAD_NOT_FOUND', 'This upload is not open any more (finished, cancelled, or idle too long). Add the file again.');
    return upload;
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => void this.cancel(id), IDLE_MS);
    timer.unref();
    return timer;
  }
}
