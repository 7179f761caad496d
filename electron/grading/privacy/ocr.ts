/**
 * Local OCR for image redaction: one tesseract.js worker (a worker thread running Tesseract
 * compiled to WebAssembly), started on first use and reused until {@link OcrEngine.close}.
 *
 * Nothing is fetched from the network. tesseract.js loads its core (JS + wasm) with `require`
 * from `tesseract.js-core` in Node, and reads the language data from `langPath`: a URL is
 * fetched, a local folder is read with `fs` (src/worker-script/index.js, `loadLanguage`). By
 * default `langPath` is the jsDelivr CDN, so it is always set here to the folder of
 * `@tesseract.js-data/eng` in node_modules. `cacheMethod: 'none'` turns off its cache, which
 * would otherwise read and write `eng.traineddata` in the current directory. Images are
 * passed as bytes, never as a URL or path.
 *
 * Failure modes become values: tesseract.js throws a worker-side error from a message
 * handler unless an `errorHandler` is given (an uncaught exception), never settles
 * `createWorker` when the language data cannot be loaded, and cannot cancel a recognition.
 * So start-up and each recognition race a timeout, the worker's death and the caller's signal,
 * and a worker that lost such a race is terminated (which stops its thread midway); the next
 * image starts a fresh one.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type Tesseract from 'tesseract.js';

export interface OcrWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

export type OcrErrorCode = 'OCR_TIMEOUT' | 'OCR_FAILED' | 'ABORTED';

export class OcrError extends Error {
  constructor(
    readonly code: OcrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OcrError';
  }
}

/**
 * The LSTM-only "best_int" English model (what tesseract.js itself would download for the
 * default engine), 2.9 MB gzipped; the package's other folder adds the legacy engine's data.
 */
export const ENG_DATA_FOLDER = '4.0.0_best_int';

/** In a packaged app, files electron-builder unpacked live beside the archive. */
const unpacked = (path: string): string => path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);

/** Where the English traineddata is: a local folder, never a URL. */
export function localLangPath(): string {
  const require = createRequire(import.meta.url);
  return unpacked(join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), ENG_DATA_FOLDER));
}

/** The worker options used: exported so tests can check that nothing points to the network. */
export function workerOptions(errorHandler: (error: unknown) => void): Partial<Tesseract.WorkerOptions> {
  const langPath = localLangPath();
  return {
    langPath,
    // Unused with cacheMethod 'none'; set so no default ('.') is ever involved.
    cachePath: langPath,
    cacheMethod: 'none',
    gzip: true,
    errorHandler,
    logger: () => {},
  };
}

/**
 * Photos and scans rarely say their resolution; without one Tesseract guesses and prints a
 * warning to stderr for every image. A 2048 px page photo is about 150–250 dpi.
 */
const PARAMETERS: Partial<Tesseract.WorkerParams> = { user_defined_dpi: '200' };

export interface OcrEngineOptions {
  /** Wall time for starting the worker (loading the model). Default 30 s. */
  startTimeoutMs?: number;
}

interface Running {
  worker: Tesseract.Worker;
  /** Rejects when the worker reports an error or its thread dies. */
  failed: Promise<never>;
  fail: (error: OcrError) => void;
}

function deferredFailure(): { promise: Promise<never>; reject: (error: OcrError) => void } {
  let reject: (error: OcrError) => void = () => {};
  const promise = new Promise<never>((_, r) => {
    reject = r;
  });
  promise.catch(() => {});
  return { promise, reject };
}

async function race<T>(work: Promise<T>, failed: Promise<never>, timeoutMs: number, what: string, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OcrError('OCR_TIMEOUT', `${what} took longer than ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    onAbort = () => reject(new OcrError('ABORTED', `${what} was stopped.`));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, failed, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class OcrEngine {
  private running: Promise<Running> | null = null;
  /** Set when the worker could not start: not tried again for every image of the batch. */
  private startError: OcrError | null = null;
  private readonly startTimeoutMs: number;

  constructor(options: OcrEngineOptions = {}) {
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
  }

  /**
   * Words with their boxes, in the image's pixel coordinates. Throws {@link OcrError}: ABORTED
   * as soon as `signal` fires, even in the middle of the image (its worker is ended).
   */
  async words(image: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<OcrWord[]> {
    if (signal?.aborted) throw new OcrError('ABORTED', 'Reading the image was stopped.');
    const running = await this.start();
    try {
      const result = await race(running.worker.recognize(image, {}, { blocks: true, text: false }), running.failed, timeoutMs, 'Reading the image', signal);
      const words: OcrWord[] = [];
      for (const block of result.data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            for (const word of line.words) words.push({ text: word.text, confidence: word.confidence, bbox: { ...word.bbox } });
          }
        }
      }
      return words;
    } catch (error) {
      // A worker still busy with (or broken by) this image is no use for the next one.
      await this.close();
      throw error instanceof OcrError ? error : new OcrError('OCR_FAILED', `OCR failed: ${messageOf(error)}`);
    }
  }

  /** Ends the worker thread, if one was started; a later call starts a new one. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running === null) return;
    const started = await running.catch(() => null);
    if (started !== null) await started.worker.terminate().catch(() => {});
  }

  private start(): Promise<Running> {
    if (this.startError !== null) return Promise.reject(this.startError);
    if (this.running === null) {
      const starting = this.create();
      this.running = starting;
      starting.catch((error: unknown) => {
        if (this.running !== starting) return;
        this.running = null;
        this.startError = error instanceof OcrError ? error : new OcrError('OCR_FAILED', `OCR could not start: ${messageOf(error)}`);
      });
    }
    return this.running;
  }

  private async create(): Promise<Running> {
    const failure = deferredFailure();
    const fail = (error: OcrError): void => failure.reject(error);
    // Loaded on first use: a batch without images never pays for it.
    const { default: tesseract } = await import('tesseract.js');
    const creating = tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, workerOptions((error) => fail(new OcrError('OCR_FAILED', `OCR failed: ${messageOf(error)}`))));
    let worker: Tesseract.Worker;
    try {
      worker = await race(creating, failure.promise, this.startTimeoutMs, 'Starting OCR');
    } catch (error) {
      // If it starts after all, end it.
      void creating.then((late) => late.terminate()).catch(() => {});
      throw error instanceof OcrError ? error : new OcrError('OCR_FAILED', `OCR could not start: ${messageOf(error)}`);
    }
    // tesseract.js sets `onerror` on a Node Worker, which is not an event there: without a
    // listener, a crash of the thread would be an uncaught 'error' event.
    const thread = (worker as unknown as { worker?: NodeJS.EventEmitter | null }).worker;
    thread?.on('error', (error: unknown) => fail(new OcrError('OCR_FAILED', `The OCR thread failed: ${messageOf(error)}`)));
    thread?.on('exit', () => fail(new OcrError('OCR_FAILED', 'The OCR thread stopped.')));
    await race(worker.setParameters(PARAMETERS), failure.promise, this.startTimeoutMs, 'Starting OCR').catch(async (error: unknown) => {
      await worker.terminate().catch(() => {});
      throw error instanceof OcrError ? error : new OcrError('OCR_FAILED', `OCR could not start: ${messageOf(error)}`);
    });
    return { worker, failed: failure.promise, fail };
  }
}
