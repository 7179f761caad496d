/**
 * Entry of the extraction worker thread: one job at a time, each answered with a Result.
 * The calling side terminates this thread when a job runs out of time or is cancelled, which
 * stops even a parser stuck in a loop. Bundled for Electron as dist-electron/documents-worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, toErrorData } from './jobs.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

/** A copy in its own ArrayBuffer, safe to transfer (Buffers may share a pooled one). */
const own = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

const port = parentPort;
if (!port) throw new Error('documents worker: must run in a worker thread');

// A stray rejection from a parser's leftovers must not kill the thread (and fail the next,
// innocent file); it goes to stderr, which the pool keeps for diagnostics.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`documents worker: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`);
});

port.postMessage({ ready: true });

port.on('message', (request: WorkerRequest) => {
  void (async () => {
    let reply: WorkerReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const output = await runJob(request.job);
      output.images = output.images.map((image) => ({ ...image, data: own(image.data) }));
      output.rawImages = output.rawImages.map(own);
      for (const image of output.images) transfer.push(image.data.buffer as ArrayBuffer);
      for (const raw of output.rawImages) transfer.push(raw.buffer as ArrayBuffer);
      reply = { id: request.id, ok: true, data: output };
    } catch (error) {
      reply = { id: request.id, ok: false, error: toErrorData(request.job, error) };
    }
    port.postMessage(reply, transfer);
  })();
});
