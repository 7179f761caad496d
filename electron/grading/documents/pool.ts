/**
 * Worker threads for the parsers that can hang. A job gets a worker (idle, new, or after a
 * wait), a deadline and the caller's AbortSignal; when either fires, the worker is terminated,
 * which stops even a parser spinning in a loop, and the next job gets a fresh one. Workers are
 * reused between jobs (starting one costs more than parsing a short essay), unref'd while idle so
 * they never keep the process alive, and retired after a while idle or after many jobs (pdfjs
 * keeps caches).
 *
 * Where the worker code lives:
 * - from source (tsx, vitest): `worker.ts` next to this file, loaded through tsx's ESM API
 *   registered inside the worker (Node 20 workers do not inherit the parent's loader hooks);
 * - bundled for Electron: `documents-worker.js` next to the bundle (dist-electron/), built by
 *   scripts/build.mjs from `worker.ts`.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors.ts';
import { spawnWorker, workerUrlBeside } from '../../workers/spawn-worker.ts';
import { documentErrors } from './messages.ts';
import { WORKER_KIND_NAMES, type WorkerJob, type WorkerOutput, type WorkerReply, type WorkerRequest } from './protocol.ts';

/** The bundle's worker file name; scripts/build.mjs writes it next to dist-electron/main.js. */
export const BUNDLED_WORKER_FILE = 'documents-worker.js';

export interface PoolOptions {
  /** Workers running at once; further jobs wait. Default: cores − 1, between 1 and 4. */
  size?: number;
  /** The worker script; defaults to this package's worker (see above). Tests pass their own. */
  workerUrl?: URL;
  /** An idle worker is terminated after this long. Default 30 s. */
  idleMs?: number;
  /** A worker is retired after this many jobs. Default 50. */
  maxJobsPerWorker?: number;
  /** V8 heap of each worker: a document needing more fails alone instead of taking the app down. */
  resourceLimits?: ResourceLimits;
}

export interface RunOptions {
  /** Counted from when a worker is assigned (its start-up included), not from the call. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called when the job leaves the queue and gets a worker. */
  onAssigned?: () => void;
}

interface Slot {
  worker: Worker;
  jobs: number;
  ready: boolean;
  stderr: string;
  idleTimer: NodeJS.Timeout | null;
  gone: boolean;
  /** Settles the job in flight when the worker dies. */
  onDeath: ((death: Death) => void) | null;
  /** Fails the job in flight and terminates the worker (pool shutdown). */
  cancel: ((error: AppError) => void) | null;
  /** A job waiting for the worker to finish starting; sent the moment it says it is ready. */
  pendingPost: (() => void) | null;
}

/** Why a worker died: `internal` when it never started (our fault, not the file's). */
interface Death {
  reason: string;
  internal: boolean;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (error: AppError) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

const STDERR_TAIL = 2000;

/** The worker beside the running module: `worker.ts` from source, the bundled file from a bundle. */
export function workerUrlFor(moduleUrl: string): URL {
  return workerUrlBeside(moduleUrl, './worker.ts', BUNDLED_WORKER_FILE);
}

/** pdfjs loads in a fraction of a second before tsx's hooks are registered, in seconds after. */
const PRELOAD_BEFORE_TSX = ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs'];

function startWorker(url: URL, resourceLimits: ResourceLimits): Worker {
  return spawnWorker(url, { resourceLimits, stdout: true, stderr: true, execArgv: [] }, PRELOAD_BEFORE_TSX);
}

export class ExtractionPool {
  private readonly size: number;
  private readonly workerUrl: URL;
  private readonly idleMs: number;
  private readonly maxJobsPerWorker: number;
  private readonly resourceLimits: ResourceLimits;
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  private readonly waiters: Waiter[] = [];
  private live = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1))));
    this.workerUrl = options.workerUrl ?? workerUrlFor(import.meta.url);
    this.idleMs = options.idleMs ?? 30_000;
    this.maxJobsPerWorker = options.maxJobsPerWorker ?? 50;
    this.resourceLimits = options.resourceLimits ?? { maxOldGenerationSizeMb: 1536 };
  }

  /** Workers alive (busy or idle). */
  get workers(): number {
    return this.live;
  }

  /**
   * Runs `job` in a worker. Resolves with its output; rejects with an AppError: the job's own
   * (e.g. UNREADABLE_DOCUMENT), EXTRACTION_TIMEOUT, ABORTED, or UNREADABLE_DOCUMENT when the
   * worker died on the file (out of memory). The deadline counts from when a worker is
   * assigned, its start-up included; waiting for a free one does not count.
   */
  async run(job: WorkerJob, options: RunOptions): Promise<WorkerOutput> {
    if (this.closed) throw new AppError('INTERNAL_ERROR', 'The document reader has been shut down.');
    if (options.signal?.aborted) throw documentErrors.aborted(job.file);
    const slot = await this.acquire(job.file, options.signal);
    if (options.signal?.aborted) {
      this.release(slot, false);
      throw documentErrors.aborted(job.file);
    }
    options.onAssigned?.();
    const id = this.nextId++;
    const bytes = new Uint8Array(job.bytes); // our own copy, transferred: the caller's buffer stays intact
    return await new Promise<WorkerOutput>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: { output: WorkerOutput } | { error: AppError }, keepWorker: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        slot.worker.off('message', onMessage);
        slot.onDeath = null;
        slot.cancel = null;
        slot.pendingPost = null;
        this.busy.delete(slot);
        if (keepWorker) this.release(slot, true);
        else void this.kill(slot);
        if ('output' in outcome) resolve(outcome.output);
        else reject(outcome.error);
      };
      const onMessage = (message: WorkerReply | { ready: true }) => {
        if ('ready' in message) return;
        if (message.id !== id) return;
        if (message.ok) finish({ output: message.data }, true);
        else finish({ error: new AppError(message.error.code, message.error.message) }, true);
      };
      const onAbort = () => finish({ error: documentErrors.aborted(job.file) }, false);
      const timer = setTimeout(() => finish({ error: documentErrors.timeout(job.file, job.limits.timeoutMs) }, false), options.timeoutMs);
      slot.onDeath = (death) =>
        finish(
          {
            error: death.internal
              ? new AppError('INTERNAL_ERROR', `The document reader could not start, so "${job.file}" was not read: ${death.reason}`)
              : documentErrors.unreadable(job.file, WORKER_KIND_NAMES[job.kind], death.reason),
          },
          false,
        );
      slot.cancel = (error) => finish({ error }, false);
      this.busy.add(slot);
      slot.worker.on('message', onMessage);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const request: WorkerRequest = { id, job: { ...job, bytes } };
      // The file goes to the worker only once it has started: a worker that dies before that is
      // our fault (INTERNAL_ERROR), one that dies after is the file's (UNREADABLE_DOCUMENT).
      const post = () => slot.worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
      if (slot.ready) post();
      else slot.pendingPost = post;
    });
  }

  /** Terminates every worker and refuses further jobs; jobs running or waiting fail with INTERNAL_ERROR. */
  async close(): Promise<void> {
    this.closed = true;
    const shutDown = () => new AppError('INTERNAL_ERROR', 'The document reader was shut down before the file was read.');
    for (const waiter of this.waiters.splice(0)) waiter.reject(shutDown());
    const running = [...this.busy].map((slot) => {
      slot.cancel?.(shutDown()); // settles the job first, so the exit that follows is not blamed on the file
      return slot.worker.terminate().catch(() => undefined);
    });
    await Promise.all([...running, ...this.idle.splice(0).map((slot) => this.kill(slot))]);
  }

  private acquire(file: string, signal: AbortSignal | undefined): Promise<Slot> {
    const slot = this.idle.pop();
    if (slot) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker.ref();
      return Promise.resolve(slot);
    }
    if (this.live < this.size) return Promise.resolve(this.spawn());
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(documentErrors.aborted(file));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private spawn(): Slot {
    const worker = startWorker(this.workerUrl, this.resourceLimits);
    this.live += 1;
    const slot: Slot = { worker, jobs: 0, ready: false, stderr: '', idleTimer: null, gone: false, onDeath: null, cancel: null, pendingPost: null };
    worker.stdout.resume(); // pdfjs and friends may print; never onto our stdout
    worker.stderr.setEncoding('utf8');
    worker.stderr.on('data', (chunk: string) => {
      slot.stderr = (slot.stderr + chunk).slice(-STDERR_TAIL);
    });
    worker.on('message', (message: { ready?: true }) => {
      if (message && message.ready) {
        slot.ready = true;
        const post = slot.pendingPost;
        slot.pendingPost = null;
        post?.();
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      slot.onDeath?.({ reason: outOfMemory ? 'it needs more memory than a document may use' : error.message, internal: !slot.ready && !outOfMemory });
    });
    worker.once('exit', () => {
      slot.onDeath?.({ reason: `the reader stopped unexpectedly${slot.stderr ? `: ${slot.stderr.trim().slice(-200)}` : ''}`, internal: !slot.ready });
      this.forget(slot);
    });
    return slot;
  }

  /** Hands a worker on to a waiting job or parks it idle; `used` counts a finished job against its retirement. */
  private release(slot: Slot, used: boolean): void {
    if (used) slot.jobs += 1;
    if (this.closed || slot.jobs >= this.maxJobsPerWorker) {
      void this.kill(slot);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(slot);
      return;
    }
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      const at = this.idle.indexOf(slot);
      if (at >= 0) this.idle.splice(at, 1);
      void this.kill(slot);
    }, this.idleMs);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  private kill(slot: Slot): Promise<void> {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.onDeath = null;
    this.forget(slot);
    return slot.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  /** Counts a worker as gone (once) and hands its place to a waiting job. */
  private forget(slot: Slot): void {
    if (slot.gone) return;
    slot.gone = true;
    this.live -= 1;
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.spawn());
    }
  }
}

let shared: ExtractionPool | null = null;

/** The pool `extractDocument` uses. */
export function sharedPool(): ExtractionPool {
  shared ??= new ExtractionPool();
  return shared;
}

/** Terminates the extraction workers (app quit, end of a test file). The next extraction starts new ones. */
export async function closeExtractionWorkers(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
