/**
 * The audit-trail thread: the attempt recorder on its own connection, so writing rows never
 * holds up the main thread, where calls are answered and IPC is served. Bundled for the app as
 * dist-electron/audit-worker.js (scripts/build.mjs); see threaded-recorder.ts for the other side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeDatabase, openDatabase, type WritableDB } from '../store/index.ts';
import { AttemptRecorder } from './attempt-recorder.ts';
import { CLEAN, DONE, FAILED, PENDING, READY, STATE, type AuditThreadData, type FromAuditThread, type ToAuditThread } from './audit-thread-protocol.ts';

const port = parentPort;
const data = workerData as AuditThreadData;
const shared = new Int32Array(data.shared);
const send = (message: FromAuditThread): void => port?.postMessage(message);

let db: WritableDB | null = null;
let recorder: AttemptRecorder | null = null;
try {
  db = openDatabase(data.dbPath);
  // No fsync per commit on the audit trail: DESIGN asks FULL only for jobs and the spend ledger.
  db.pragma('synchronous = NORMAL');
  recorder = new AttemptRecorder({
    db,
    flushMs: data.flushMs,
    onError: (error, context) => send({ type: 'error', message: error instanceof Error ? error.message : String(error), context }),
  });
  Atomics.store(shared, STATE, READY);
} catch (error) {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  if (db) closeDatabase(db);
  db = null;
  Atomics.store(shared, STATE, FAILED);
}
Atomics.notify(shared, STATE);

port?.on('message', (message: ToAuditThread) => {
  if (message.type === 'rows') {
    for (const row of message.rows) recorder?.record(row);
    return;
  }
  const clean = message.close ? (recorder?.close() ?? false) : (recorder?.flush() ?? false);
  Atomics.store(shared, CLEAN, clean ? 1 : 0);
  Atomics.store(shared, PENDING, recorder?.pending ?? 0);
  Atomics.store(shared, DONE, message.seq);
  Atomics.notify(shared, DONE);
  if (message.close) {
    if (db) closeDatabase(db);
    db = null;
    port?.close();
  }
});
