/**
 * SIGKILL in the middle of writing: after each kill the database opens, passes
 * integrity_check, and every committed transaction is whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkIntegrity, closeDatabase, openDatabase } from '../../../electron/store/index.ts';
import { makeTempDir } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const writerScript = path.join(here, 'fixtures', 'crash-writer.ts');
const ROWS_PER_TX = 5;
const READY_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;

let tmp: ReturnType<typeof makeTempDir>;
let dbPath: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  tmp = makeTempDir();
  dbPath = path.join(tmp.dir, 'crash.db');
});

afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

afterAll(() => tmp.cleanup());

function startWriter(tag: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', writerScript, dbPath, tag, String(ROWS_PER_TX)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`writer not ready after ${READY_TIMEOUT_MS} ms: ${stderr}`)), READY_TIMEOUT_MS);
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
}

function killAndWait(proc: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('writer did not die')), EXIT_TIMEOUT_MS);
    proc.once('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
    proc.kill('SIGKILL');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGKILL while writing', () => {
  // Different moments: right after the first commit, shortly after, and well into the run.
  const delays = [0, 40, 300];
  let previousBatches = 0;

  it.each(delays.map((delay, i) => ({ delay, round: String(i + 1) })))(
    'round $round (kill $delay ms after the first commit) leaves a whole, healthy database',
    async ({ delay, round }) => {
      const proc = await startWriter(`r${round}`);
      await sleep(delay);
      expect(await killAndWait(proc)).toBe('SIGKILL');

      const db = openDatabase(dbPath);
      try {
        expect(checkIntegrity(db)).toEqual(['ok']);
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(() =>
          db.prepare("INSERT INTO submissions_fts (submissions_fts, rank) VALUES ('integrity-check', 1)").run(),
        ).not.toThrow();

        const batches = (db.prepare('SELECT count(*) AS n FROM batches').get() as { n: number }).n;
        expect(batches).toBeGreaterThan(previousBatches); // this round committed something
        previousBatches = batches;

        // every committed transaction is whole: K rows per batch, and no row without its batch
        const torn = db
          .prepare(
            `SELECT b.id, count(c.id) AS n FROM batches AS b
             LEFT JOIN api_calls AS c ON c.batch_id = b.id
             GROUP BY b.id HAVING n <> ?`,
          )
          .all(ROWS_PER_TX);
        expect(torn).toEqual([]);
        const orphans = db
          .prepare('SELECT count(*) AS n FROM api_calls WHERE batch_id NOT IN (SELECT id FROM batches)')
          .get() as { n: number };
        expect(orphans.n).toBe(0);
        const calls = (db.prepare('SELECT count(*) AS n FROM api_calls').get() as { n: number }).n;
        expect(calls).toBe(batches * ROWS_PER_TX);
      } finally {
        closeDatabase(db);
      }
    },
  );
});
