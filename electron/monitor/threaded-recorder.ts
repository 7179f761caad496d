/**
 * The audit trail written on its own thread. The call path only sanitizes a row, feeds the live
 * windows and appends it to a small buffer; the buffer goes to the audit thread every few
 * milliseconds as one message, and SQLite's work happens there. On a 2-core laptop this takes
 * the 1–3 ms of each batched commit off the thread that answers calls and the renderer.
 *
 * `flush()` and `close()` stay synchronous, as the monitor's reads need: they send what is
 * buffered and wait (Atomics.wait, bounded) until the thread says it has written it.
 *
 * Rows stay here until the thread has opened the database. If it cannot start (a missing worker
 * file, a database it cannot open) or dies, the recorder falls back to writing inline on its
 * own connection, so nothing is lost for a thread that never started; rows a running thread
 * held when it died are reported as dropped.
 */
import type { Worker } from 'node:worker_threads';
import { closeDatabase, openDatabase, type ApiCallRow, type WritableDB } from '../store/index.ts';
import { spawnWorker, workerUrlBeside } from '../workers/spawn-worker.ts';
import { AttemptRecorder, sanitizeAttemptRow, type AuditRecorder, type RecorderErrorContext } from './attempt-recorder.ts';
import { AUDIT_SHARED_SLOTS, CLEAN, DONE, FAILED, PENDING, READY, STARTING, STATE, type AuditThreadData, type FromAuditThread, type ToAuditThread } from './audit-thread-protocol.ts';

/** The bundle's worker file name; scripts/build.mjs writes it next to dist-electron/main.js. */
export const BUNDLED_AUDIT_WORKER_FILE = 'audit-worker.js';

export interface ThreadedRecorderOptions {
  /** The database file; the thread opens its own connection to it. */
  dbPath: string;
  /** How long a row may wait on this thread before it is sent over, ms. */
  sendMs?: number;
  /** How long a row may wait on the audit thread before it is written, ms. */
  flushMs?: number;
  /**
   * Rows that are sent over in the next turn of the event loop without waiting for the timer.
   * Small: cloning a message costs the sending thread a few µs a row, and many small costs hurt
   * a call's latency less than an occasional large one.
   */
  maxBuffer?: number;
  /** How long flush() waits for the thread, ms; the first wait also covers its start-up. */
  flushTimeoutMs?: number;
  onRecord?: (row: ApiCallRow) => void;
  onError?: (error: unknown, context: RecorderErrorContext) => void;
  /** The thread's script; tests may pass their own. */
  workerUrl?: URL;
}

export class ThreadedAttemptRecorder implements AuditRecorder {
  private buffer: ApiCallRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private worker: Worker | null;
  private inline: AttemptRecorder | null = null;
  private inlineDb: WritableDB | null = null;
  private readonly shared = new Int32Array(new SharedArrayBuffer(AUDIT_SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private seq = 0;
  /** After this (epoch ms) a thread still starting is given up on. */
  private readonly startDeadline: number;
  /** Rows sent to the thread since it last reported an empty buffer (for `pending` and drops). */
  private unconfirmed = 0;
  private closed = false;
  private readonly sendMs: number;
  private readonly maxBuffer: number;
  private readonly flushTimeoutMs: number;

  constructor(private readonly options: ThreadedRecorderOptions) {
    this.sendMs = options.sendMs ?? 10;
    this.maxBuffer = options.maxBuffer ?? 8;
    this.flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    this.startDeadline = Date.now() + this.flushTimeoutMs;
    const data: AuditThreadData = { dbPath: options.dbPath, flushMs: options.flushMs ?? 50, shared: this.shared.buffer as SharedArrayBuffer };
    let worker: Worker | null = null;
    try {
      const url = options.workerUrl ?? workerUrlBeside(import.meta.url, './audit-thread.ts', BUNDLED_AUDIT_WORKER_FILE);
      worker = spawnWorker(url, { workerData: data, execArgv: [] });
      worker.on('message', (message: FromAuditThread) => this.onThreadMessage(message));
      worker.on('error', (error) => this.onThreadGone(error));
      worker.on('exit', (code) => {
        if (!this.closed) this.onThreadGone(new Error(`The audit-trail thread stopped (exit code ${code}).`));
      });
      // The thread must not keep the CLI alive; close() writes what is left.
      worker.unref();
    } catch (error) {
      this.report(error, 'flush');
      worker = null;
    }
    this.worker = worker;
    if (worker === null) this.goInline();
  }

  get pending(): number {
    return this.buffer.length + (this.inline?.pending ?? 0) + (this.worker ? Atomics.load(this.shared, PENDING) + this.unconfirmed : 0);
  }

  /** Never throws and never waits. */
  record(row: ApiCallRow): void {
    try {
      const clean = sanitizeAttemptRow(row, (error) => this.report(error, 'sanitize'));
      if (this.options.onRecord) {
        try {
          this.options.onRecord(clean);
        } catch (error) {
          this.report(error, 'observe');
        }
      }
      // Closed first: after close the inline recorder's database is closed too.
      if (this.closed) {
        this.writeAfterClose(clean);
        return;
      }
      if (this.inline) {
        this.inline.record(clean);
        return;
      }
      this.buffer.push(clean);
      // Never sent from here: record() runs on the call path, and the caller is waiting.
      if (this.buffer.length >= this.maxBuffer) {
        if (this.immediate === null) {
          this.immediate = setImmediate(() => this.send());
          this.immediate.unref();
        }
      } else if (this.timer === null) {
        this.timer = setTimeout(() => this.send(), this.sendMs);
        this.timer.unref();
      }
    } catch (error) {
      this.report(error, 'observe');
    }
  }

  flush(): boolean {
    if (this.inline) return this.inline.flush();
    return this.roundTrip(false);
  }

  close(): boolean {
    if (this.closed) return true;
    if (this.inline) {
      this.closed = true;
      const ok = this.inline.close();
      this.closeInlineDb();
      return ok;
    }
    const ok = this.roundTrip(true);
    this.closed = true;
    void this.worker?.terminate();
    this.worker = null;
    this.closeInlineDb();
    return ok;
  }

  private send(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.buffer.length === 0) return;
    if (!this.inline && this.worker !== null && !this.threadReady(0)) {
      // Still starting: keep the rows and look again shortly.
      this.timer = setTimeout(() => this.send(), this.sendMs);
      this.timer.unref();
      return;
    }
    const rows = this.buffer;
    this.buffer = [];
    if (this.inline) {
      for (const row of rows) this.inline.record(row);
      return;
    }
    if (this.worker === null) {
      this.report(new Error('The audit trail cannot be written: its database did not open.'), 'drop', rows.length);
      return;
    }
    this.post({ type: 'rows', rows });
    this.unconfirmed += rows.length;
  }

  /**
   * Whether the thread has its database open, waiting up to `waitMs` for it to get there. A
   * thread that failed, or is still starting after its start-up allowance, is given up on.
   */
  private threadReady(waitMs: number): boolean {
    let state = Atomics.load(this.shared, STATE);
    if (state === STARTING && waitMs > 0) {
      Atomics.wait(this.shared, STATE, STARTING, waitMs);
      state = Atomics.load(this.shared, STATE);
    }
    if (state === READY) return true;
    if (state === FAILED || Date.now() >= this.startDeadline) {
      this.onThreadGone(new Error(state === FAILED ? 'The audit-trail thread could not open the database.' : 'The audit-trail thread did not start in time.'));
    }
    return false;
  }

  /** Sends what is buffered plus a flush (or close), and waits for the thread's answer. */
  private roundTrip(close: boolean): boolean {
    if (!this.inline && this.worker !== null) this.threadReady(Math.max(0, this.startDeadline - Date.now()));
    if (this.inline) return close ? this.inline.close() : this.inline.flush();
    this.send();
    if (this.worker === null) return false;
    this.seq += 1;
    const seq = this.seq;
    this.post({ type: 'flush', seq, close });
    const deadline = Date.now() + this.flushTimeoutMs;
    // Bounded: each wait ends by the deadline at the latest.
    for (;;) {
      // One read serves the test and the wait: a second read could see the thread's answer
      // after its notify, and the wait would then sleep out the whole timeout.
      const done = Atomics.load(this.shared, DONE);
      if (done >= seq) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.report(new Error(`The audit-trail thread did not answer within ${this.flushTimeoutMs} ms.`), 'flush');
        return false;
      }
      Atomics.wait(this.shared, DONE, done, left);
    }
    this.unconfirmed = 0;
    return Atomics.load(this.shared, CLEAN) === 1;
  }

  private post(message: ToAuditThread): void {
    try {
      this.worker?.postMessage(message);
    } catch (error) {
      this.onThreadGone(error);
    }
  }

  private onThreadMessage(message: FromAuditThread): void {
    if (message.type === 'error') {
      this.report(new Error(message.message), message.context.stage, message.context.dropped);
      return;
    }
    this.onThreadGone(new Error(`The audit trail could not start on its own thread: ${message.message}`));
  }

  /** The thread failed or stopped: what it held is lost (reported); from now on write inline. */
  private onThreadGone(error: unknown): void {
    if (this.inline || this.closed) return;
    const lost = this.unconfirmed;
    this.unconfirmed = 0;
    this.report(error, 'drop', lost > 0 ? lost : undefined);
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
    const inline = this.goInline();
    const rows = this.buffer;
    this.buffer = [];
    for (const row of rows) inline?.record(row);
  }

  private goInline(): AttemptRecorder | null {
    try {
      this.inlineDb = openDatabase(this.options.dbPath);
      this.inlineDb.pragma('synchronous = NORMAL');
      this.inline = new AttemptRecorder({
        db: this.inlineDb,
        ...(this.options.flushMs !== undefined ? { flushMs: this.options.flushMs } : {}),
        onError: (error, context) => this.report(error, context.stage, context.dropped),
      });
    } catch (error) {
      this.report(error, 'flush');
    }
    return this.inline;
  }

  /** A call still in flight at shutdown: written on a short-lived connection, best effort. */
  private writeAfterClose(row: ApiCallRow): void {
    let db: WritableDB | null = null;
    try {
      db = openDatabase(this.options.dbPath);
      const once = new AttemptRecorder({ db, onError: (error, context) => this.report(error, context.stage, context.dropped) });
      once.record(row);
      once.close();
    } catch (error) {
      this.report(error, 'drop', 1);
    } finally {
      if (db) closeDatabase(db);
    }
  }

  private closeInlineDb(): void {
    if (this.inlineDb) closeDatabase(this.inlineDb);
    this.inlineDb = null;
  }

  private report(error: unknown, stage: RecorderErrorContext['stage'], dropped?: number): void {
    try {
      this.options.onError?.(error, { stage, pending: this.buffer.length, ...(dropped !== undefined ? { dropped } : {}) });
    } catch {
      // the error reporter itself failed; nothing more can be done without throwing into the call
    }
  }
}
