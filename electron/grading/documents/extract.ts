/**
 * `extractDocument`: one student file in, readable content or one coded error out. Never
 * throws, never hangs past its time limit, never lets one file take the app down.
 *
 * Where the work happens: size checks, detection, hashing and short plain text here (cheap and
 * linear); PDF, DOCX, HEIC and long plain text in a worker thread that is terminated at the
 * deadline, which also runs the prompt-injection scan of what it read; photo resizing here with
 * sharp (native, off the event loop, bounded by the pixel limit).
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { AppError, isAppError, ok, type Result } from '../../../shared/errors.ts';
import { describeUnknown, detectKind, imageFormat, kindFromName, KIND_NAMES } from './detect.ts';
import { prepareImage } from './image.ts';
import { joinPageText, scanDocument } from './injection-scan.ts';
import { documentErrors } from './messages.ts';
import { sharedPool } from './pool.ts';
import type { WorkerJobKind, WorkerOutput } from './protocol.ts';
import { readPlainText } from './text.ts';
import { resolveLimits, type DocumentKind, type ExtractedDocument, type ExtractLimits, type PageImage } from './types.ts';

export type ExtractInput = { path: string } | { bytes: Uint8Array; name: string };

export interface ExtractOptions {
  limits?: Partial<ExtractLimits>;
  signal?: AbortSignal;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** The file's bytes, with its size checked by `stat` before reading and again while reading. */
async function readInput(input: ExtractInput, file: string, limits: ExtractLimits): Promise<Uint8Array> {
  if ('bytes' in input) {
    if (input.bytes.length > limits.maxFileBytes) throw documentErrors.fileTooLarge(file, input.bytes.length, limits.maxFileBytes);
    return input.bytes;
  }
  let size: number;
  try {
    const stats = await stat(input.path);
    if (!stats.isFile()) throw documentErrors.notAFile(file);
    size = stats.size;
  } catch (error) {
    if (isAppError(error)) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw documentErrors.notFound(file);
    throw new AppError('UNREADABLE_DOCUMENT', `"${file}" could not be opened (${code ?? String(error)}). Check that it is not locked by another program and that GradeDesk may read it.`);
  }
  if (size > limits.maxFileBytes) throw documentErrors.fileTooLarge(file, size, limits.maxFileBytes);
  let handle;
  try {
    handle = await open(input.path, 'r');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') throw documentErrors.notFound(file);
    throw new AppError('UNREADABLE_DOCUMENT', `"${file}" could not be opened (${code ?? String(error)}). Check that it is not locked by another program and that GradeDesk may read it.`);
  }
  try {
    // Read at most one byte more than allowed: a file still growing (a download in progress) is caught too.
    const buffer = Buffer.alloc(Math.min(size, limits.maxFileBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limits.maxFileBytes) throw documentErrors.fileTooLarge(file, length, limits.maxFileBytes);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Rejects with EXTRACTION_TIMEOUT at `deadline` or ABORTED on `signal`; the work itself is bounded and finishes on its own. */
function withinDeadline<T>(work: Promise<T>, file: string, deadline: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(documentErrors.aborted(file));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(documentErrors.timeout(file, timeoutMs))), Math.max(0, deadline - Date.now()));
    const onAbort = () => done(() => reject(documentErrors.aborted(file)));
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function done(settle: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    work.then(
      (value) => done(() => resolve(value)),
      (error: unknown) => done(() => reject(error)),
    );
  });
}

interface Context {
  file: string;
  bytes: Uint8Array;
  limits: ExtractLimits;
  deadline: number;
  signal: AbortSignal | undefined;
}

const emptyOutput = (): WorkerOutput => ({ pages: [], images: [], rawImages: [], hiddenText: [], flags: [], imageBytesIn: 0, imageBytesOut: 0, injection: null });

/** Runs a parse in the worker pool. Time spent waiting for a free worker does not count against the file. */
async function inWorker(ctx: Context, kind: WorkerJobKind): Promise<WorkerOutput> {
  const called = Date.now();
  const timeoutMs = Math.max(1, ctx.deadline - called);
  let assigned = called;
  try {
    return await sharedPool().run(
      { kind, file: ctx.file, bytes: ctx.bytes, limits: ctx.limits },
      { timeoutMs, signal: ctx.signal, onAssigned: () => (assigned = Date.now()) },
    );
  } finally {
    ctx.deadline += assigned - called;
  }
}

async function extractImage(ctx: Context): Promise<WorkerOutput> {
  const output = emptyOutput();
  output.pages.push({ index: 0, text: '' });
  const encoded = imageFormat(ctx.bytes) === 'heic' ? (await inWorker(ctx, 'heic')).rawImages[0] : ctx.bytes;
  if (!encoded) throw documentErrors.unreadable(ctx.file, 'a HEIC photo');
  const image = await withinDeadline(prepareImage(ctx.file, encoded, ctx.limits), ctx.file, ctx.deadline, ctx.limits.timeoutMs, ctx.signal);
  output.images.push(image);
  output.imageBytesIn = ctx.bytes.length;
  output.imageBytesOut = image.data.length;
  return output;
}

/** Pictures of an image-only DOCX; one that cannot be read is skipped unless none can. */
async function preparePictures(ctx: Context, output: WorkerOutput): Promise<void> {
  let firstError: unknown = null;
  for (const raw of output.rawImages) {
    try {
      const image = await withinDeadline(prepareImage(ctx.file, raw, ctx.limits), ctx.file, ctx.deadline, ctx.limits.timeoutMs, ctx.signal);
      output.images.push(image);
      output.imageBytesIn += raw.length;
      output.imageBytesOut += image.data.length;
    } catch (error) {
      if (isAppError(error) && (error.code === 'EXTRACTION_TIMEOUT' || error.code === 'ABORTED')) throw error;
      firstError ??= error;
    }
  }
  output.rawImages = [];
  if (output.images.length > 0) {
    if (!output.flags.includes('no_text_layer')) output.flags.push('no_text_layer');
  } else if (firstError !== null && output.pages.every((page) => page.text.trim().length === 0)) {
    throw firstError;
  }
}

/**
 * Plain text longer than this is decoded and scanned in a worker: its scan would hold the event
 * loop for tens of milliseconds and more. Shorter text is not worth a worker's start-up.
 */
const TEXT_IN_WORKER_BYTES = 64 * 1024;

async function extractKind(ctx: Context, kind: DocumentKind): Promise<WorkerOutput> {
  switch (kind) {
    case 'text': {
      if (ctx.bytes.length > TEXT_IN_WORKER_BYTES) return inWorker(ctx, 'text');
      const output = emptyOutput();
      output.pages.push({ index: 0, text: readPlainText(ctx.file, ctx.bytes) });
      return output;
    }
    case 'image':
      return extractImage(ctx);
    case 'pdf':
      return inWorker(ctx, 'pdf');
    case 'docx': {
      const output = await inWorker(ctx, 'docx');
      if (output.rawImages.length > 0) await preparePictures(ctx, output);
      return output;
    }
  }
}

const asBuffer = (data: Uint8Array): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

function refuseUnknown(file: string, bytes: Uint8Array): never {
  const unknown = describeUnknown(bytes);
  if (unknown.encrypted) throw documentErrors.encrypted(file);
  const claimed = kindFromName(file);
  if (!unknown.what && claimed) throw documentErrors.notWhatItsNameSays(file, KIND_NAMES[claimed]);
  throw documentErrors.unsupported(file, unknown.what, unknown.advice);
}

async function extract(input: ExtractInput, file: string, limits: ExtractLimits, signal: AbortSignal | undefined): Promise<ExtractedDocument> {
  const started = Date.now();
  if (signal?.aborted) throw documentErrors.aborted(file);
  const bytes = await readInput(input, file, limits);
  if (bytes.length === 0) throw documentErrors.emptyFile(file);
  const kind = detectKind(bytes, file);
  if (!kind) refuseUnknown(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const output = await extractKind({ file, bytes, limits, deadline: started + limits.timeoutMs, signal }, kind);

  const pages = output.pages.map((page) => ({ index: page.index, text: page.text }));
  const text = joinPageText(pages);
  if (text.length > limits.maxTextChars) throw documentErrors.tooMuchText(file, limits.maxTextChars);
  const images: PageImage[] = output.images.map((image) => ({
    mime: image.mime,
    data: asBuffer(image.data),
    width: image.width,
    height: image.height,
    ...(image.page !== undefined ? { page: image.page } : {}),
  }));
  if (text.trim().length === 0 && images.length === 0) {
    if (output.hiddenText.length > 0) {
      throw new AppError(
        'EMPTY_DOCUMENT',
        `"${file}" contains no visible text, only hidden text (${output.hiddenText.join(' ').length} characters in white, tiny or hidden type). Open it to check what the student handed in.`,
      );
    }
    throw documentErrors.emptyDocument(file);
  }
  return {
    kind,
    sha256,
    bytes: bytes.length,
    text,
    pages,
    images,
    hiddenText: output.hiddenText,
    flags: [...new Set(output.flags)],
    imageBytesIn: output.imageBytesIn,
    imageBytesOut: output.imageBytesOut,
    // Scanned here only what was read here: short text, photos (no text), a worker that did not.
    injection: output.injection ?? scanDocument(text, output.hiddenText),
  };
}

/**
 * Reads one submitted file: `{ path }` (stat'ed before reading) or `{ bytes, name }` (the name
 * is only used in messages). Resolves with the document or with a coded error whose message
 * names the file; never rejects. Limits default to {@link DEFAULT_LIMITS}; `signal` cancels
 * (ABORTED), stopping a worker mid-parse.
 */
export async function extractDocument(input: ExtractInput, options: ExtractOptions = {}): Promise<Result<ExtractedDocument>> {
  const file = 'path' in input ? input.path : input.name;
  const limits = resolveLimits(options.limits);
  try {
    return ok(await extract(input, file, limits, options.signal));
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.toData() };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'UNREADABLE_DOCUMENT', message: `"${file}" could not be read (${reason}). Ask the student to export or upload it again.` } };
  }
}
