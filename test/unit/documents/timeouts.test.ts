import { afterAll, describe, expect, it } from 'vitest';
import { closeExtractionWorkers, DEFAULT_LIMITS, extractDocument } from '../../../electron/grading/documents/index.ts';
import { ExtractionPool } from '../../../electron/grading/documents/pool.ts';
import type { WorkerJob } from '../../../electron/grading/documents/protocol.ts';
import { AppError } from '../../../shared/errors.ts';
import { buildPdf } from './builders.ts';

const MISBEHAVING = new URL('./misbehaving-worker.ts', import.meta.url);
const job = (file: string): WorkerJob => ({ kind: 'pdf', file, bytes: new Uint8Array(8), limits: { ...DEFAULT_LIMITS } });

afterAll(() => closeExtractionWorkers());

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

/** Counts event-loop turns while `promise` runs: a blocked loop would count none. */
async function loopTicksDuring<T>(promise: Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  const interval = setInterval(() => (ticks += 1), 20);
  try {
    return { value: await promise, ticks };
  } finally {
    clearInterval(interval);
  }
}

/** A page of 100 000 strokes and no text: pdfjs needs ~20 s to render it, a CPU-bound stall. */
function slowPdf(): Uint8Array {
  let operators = '';
  for (let i = 0; i < 100_000; i += 1) operators += `${i % 600} ${(i * 7) % 780} m ${(i * 13) % 600} ${(i * 3) % 780} l S\n`;
  return buildPdf([{ operators }]);
}

describe('the worker pool', () => {
  it('terminates a worker spinning in a loop at the deadline, without blocking this thread', async () => {
    const pool = new ExtractionPool({ workerUrl: MISBEHAVING, size: 1 });
    try {
      expect((await pool.run(job('fine'), { timeoutMs: 10_000 })).pages[0]?.text).toBe('echo fine');
      const started = Date.now();
      const { value: error, ticks } = await loopTicksDuring(failure(pool.run(job('hang'), { timeoutMs: 800 })));
      const elapsed = Date.now() - started;
      expect(error.code).toBe('EXTRACTION_TIMEOUT');
      expect(error.message).toContain('"hang"');
      expect(elapsed).toBeGreaterThanOrEqual(750);
      expect(elapsed).toBeLessThan(3000);
      expect(ticks).toBeGreaterThan(10);
      expect(pool.workers).toBe(0);
      // The next job gets a fresh worker.
      expect((await pool.run(job('after'), { timeoutMs: 10_000 })).pages[0]?.text).toBe('echo after');
    } finally {
      await pool.close();
    }
  });

  it('a queued job waits for a worker, and its deadline starts when it gets one', async () => {
    const pool = new ExtractionPool({ workerUrl: MISBEHAVING, size: 1 });
    try {
      const first = failure(pool.run(job('hang'), { timeoutMs: 4000 }));
      const started = Date.now();
      const second = await pool.run(job('queued'), { timeoutMs: 3500 }); // would expire while waiting if the clock ran
      expect(second.pages[0]?.text).toBe('echo queued');
      expect(Date.now() - started).toBeGreaterThanOrEqual(3900);
      expect((await first).code).toBe('EXTRACTION_TIMEOUT');
    } finally {
      await pool.close();
    }
  });

  it('a worker that throws, exits or runs out of memory fails the job as UNREADABLE_DOCUMENT, and the pool carries on', async () => {
    const pool = new ExtractionPool({ workerUrl: MISBEHAVING, size: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    try {
      for (const file of ['throw', 'exit', 'oom']) {
        const error = await failure(pool.run(job(file), { timeoutMs: 15_000 }));
        expect(error.code, file).toBe('UNREADABLE_DOCUMENT');
        expect(error.message).toContain(`"${file}"`);
      }
      expect((await pool.run(job('still fine'), { timeoutMs: 10_000 })).pages[0]?.text).toBe('echo still fine');
    } finally {
      await pool.close();
    }
  });

  it('close() fails running and waiting jobs with INTERNAL_ERROR and leaves no worker behind', async () => {
    const pool = new ExtractionPool({ workerUrl: MISBEHAVING, size: 1 });
    const running = failure(pool.run(job('hang'), { timeoutMs: 60_000 }));
    const waiting = failure(pool.run(job('waiting'), { timeoutMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pool.close();
    expect((await running).code).toBe('INTERNAL_ERROR');
    expect((await waiting).code).toBe('INTERNAL_ERROR');
    expect(pool.workers).toBe(0);
    expect((await failure(pool.run(job('late'), { timeoutMs: 1000 }))).code).toBe('INTERNAL_ERROR');
  });

  it('a worker that cannot start is INTERNAL_ERROR, not blamed on the file', async () => {
    const pool = new ExtractionPool({ workerUrl: new URL('./no-such-worker.ts', import.meta.url), size: 1 });
    try {
      const error = await failure(pool.run(job('essay.pdf'), { timeoutMs: 10_000 }));
      expect(error.code).toBe('INTERNAL_ERROR');
      expect(error.message).toContain('essay.pdf');
    } finally {
      await pool.close();
    }
  });

  it('abort stops a running job and a waiting one', async () => {
    const pool = new ExtractionPool({ workerUrl: MISBEHAVING, size: 1 });
    try {
      const controller = new AbortController();
      const running = failure(pool.run(job('hang'), { timeoutMs: 60_000, signal: controller.signal }));
      const waiting = failure(pool.run(job('waiting'), { timeoutMs: 60_000, signal: controller.signal }));
      setTimeout(() => controller.abort(), 300);
      expect((await running).code).toBe('ABORTED');
      expect((await waiting).code).toBe('ABORTED');
      expect(pool.workers).toBe(0);
    } finally {
      await pool.close();
    }
  });
});

describe('extractDocument time limits', () => {
  it('a PDF that takes too long to render is EXTRACTION_TIMEOUT within the limit, and the next file still works', async () => {
    const quick = buildPdf([{ lines: ['Warm-up page with enough text to be a text layer.'] }]);
    expect((await extractDocument({ bytes: quick, name: 'warm.pdf' })).ok).toBe(true); // the worker is started
    const started = Date.now();
    const { value: result, ticks } = await loopTicksDuring(extractDocument({ bytes: slowPdf(), name: 'slow.pdf' }, { limits: { timeoutMs: 1500 } }));
    const elapsed = Date.now() - started;
    expect(result.ok ? 'ok' : result.error.code).toBe('EXTRACTION_TIMEOUT');
    if (!result.ok) expect(result.error.message).toMatch(/"slow\.pdf" took longer than 2 s/);
    expect(elapsed).toBeLessThan(1500 + 1500);
    expect(ticks).toBeGreaterThan(20);
    const after = await extractDocument({ bytes: quick, name: 'after.pdf' });
    expect(after.ok && after.data.text).toContain('Warm-up page');
  });

  it('an AbortSignal cancels a running extraction promptly; an aborted one never starts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 400);
    const result = await extractDocument({ bytes: slowPdf(), name: 'slow.pdf' }, { signal: controller.signal });
    expect(result.ok ? 'ok' : result.error.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2500);
    const pre = await extractDocument({ bytes: new TextEncoder().encode('text'), name: 'a.txt' }, { signal: AbortSignal.abort() });
    expect(pre.ok ? 'ok' : pre.error.code).toBe('ABORTED');
  });
});
