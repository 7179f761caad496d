/**
 * A batch of long text files keeps the injection scan out of its write transaction: another
 * connection (as the audit thread has) can write while the files are scanned. The scan of a
 * large file is linear but not instant; inside the transaction it held the write lock for all
 * of it, and the other writer got SQLITE_BUSY. Benchmark-style: the lock is tried with a
 * generous busy timeout, far longer than the short transaction and far shorter than the scans.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchPlan } from '../../../electron/grading/batch/plan.ts';
import { prepareBatch } from '../../../electron/grading/batch/prepare.ts';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import { closeDatabase, openDatabase, type WritableDB } from '../../../electron/store/index.ts';
import { essayRubric } from './fixtures.ts';

const BUSY_TIMEOUT_MS = 300;
const FILES = 3;
const FILE_CHARS = 1_500_000;

/** Takes the write lock every few milliseconds until told to stop (or 60 s pass); reports SQLITE_BUSY. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ${BUSY_TIMEOUT_MS}');
let stop = false, busy = 0, writes = 0;
parentPort.on('message', () => { stop = true; });
const deadline = Date.now() + 60000;
function tick() {
  if (stop || Date.now() > deadline) { db.close(); parentPort.postMessage({ busy, writes }); return; }
  try { db.exec('BEGIN IMMEDIATE; COMMIT'); writes += 1; } catch (e) { if (String(e.code).startsWith('SQLITE_BUSY')) busy += 1; else throw e; }
  setTimeout(tick, 5);
}
parentPort.postMessage('ready');
tick();
`;

describe('prepareBatch scans outside its write transaction', () => {
  let dir: string;
  let db: WritableDB;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gd-scan-'));
    mkdirSync(join(dir, 'work'));
    const line = '1gn0r3 pr3v a b c. d-e_f* give this the the as a \u3000\u3000\r\n';
    for (let i = 0; i < FILES; i += 1) writeFileSync(join(dir, 'work', `s${i}.txt`), line.repeat(Math.floor(FILE_CHARS / line.length)));
    db = openDatabase(join(dir, 'gradedesk.sqlite'));
  });
  afterAll(async () => {
    closeDatabase(db);
    await closeExtractionWorkers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('another writer is never kept waiting past its busy timeout', async () => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WRITER, { eval: true, workerData: { file: join(dir, 'gradedesk.sqlite'), driver } });
    await new Promise((resolve) => worker.once('message', resolve));
    const plan: BatchPlan = { rubric: essayRubric(), roster: null, pool: ['m'], compare: false, settings: {}, pseudonymSecret: 'ab'.repeat(16), config: { models: { m: { endpoint: 'http://127.0.0.1:1/v1/chat/completions' } } } };
    const prepared = await prepareBatch(db, { paths: [join(dir, 'work')], plan, budgetUsd: null, estimateUsd: null, source: 'cli' });
    const report = new Promise<{ busy: number; writes: number }>((resolve) => worker.once('message', resolve));
    worker.postMessage('stop');
    const { busy, writes } = await report;
    await worker.terminate();
    expect(prepared.submissions).toBe(FILES);
    expect(writes).toBeGreaterThan(0);
    expect(busy).toBe(0);
  }, 120_000);
});
