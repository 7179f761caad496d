/**
 * Messages between the main thread and the audit-trail thread (audit-thread.ts).
 *
 * Rows go over as plain objects (structured clone). A flush is answered through shared memory,
 * so the main thread can wait for it synchronously: `DONE` holds the number of the last
 * finished flush, `CLEAN` whether the thread's buffer was empty afterwards, `PENDING` how many
 * rows it still holds, `STATE` whether it could open the database. Rows are only sent once it
 * has: a thread that cannot start loses nothing.
 */
import type { ApiCallRow } from '../store/index.ts';
import type { RecorderErrorContext } from './attempt-recorder.ts';

export interface AuditThreadData {
  dbPath: string;
  flushMs: number;
  /** Int32Array over a SharedArrayBuffer of AUDIT_SHARED_SLOTS slots. */
  shared: SharedArrayBuffer;
}

export const AUDIT_SHARED_SLOTS = 4;
export const DONE = 0;
export const CLEAN = 1;
export const PENDING = 2;
/** STARTING until the thread has its database open, then READY or FAILED. */
export const STATE = 3;
export const STARTING = 0;
export const READY = 1;
export const FAILED = 2;

export type ToAuditThread =
  | { type: 'rows'; rows: ApiCallRow[] }
  /** Write everything now and answer through shared memory; `close` also ends the thread. */
  | { type: 'flush'; seq: number; close: boolean };

export type FromAuditThread =
  | { type: 'error'; message: string; context: RecorderErrorContext }
  /** The thread could not start (e.g. the database would not open); nothing it got was written. */
  | { type: 'fatal'; message: string };
