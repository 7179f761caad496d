/**
 * A stand-in extraction worker for the pool tests: it misbehaves the way the job's file name
 * says: spins forever, throws, exhausts its heap, or exits.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerRequest } from '../../../electron/grading/documents/protocol.ts';

const port = parentPort;
if (!port) throw new Error('must run in a worker thread');
port.postMessage({ ready: true });

port.on('message', (request: WorkerRequest) => {
  const { file } = request.job;
  if (file === 'hang') {
    for (;;) {
      // CPU-bound and never yields: only termination stops this.
    }
  }
  if (file === 'throw') throw new Error('parser bug');
  if (file === 'oom') {
    const hoard: number[][] = [];
    for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => i));
  }
  if (file === 'exit') process.exit(3);
  port.postMessage({ id: request.id, ok: true, data: { pages: [{ index: 0, text: `echo ${file}` }], images: [], rawImages: [], hiddenText: [], flags: [], imageBytesIn: 0, imageBytesOut: 0 } });
});
