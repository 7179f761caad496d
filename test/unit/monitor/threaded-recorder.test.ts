import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_AUDIT_WORKER_FILE, ThreadedAttemptRecorder } from '../../../electron/monitor/threaded-recorder.ts';
import type { RecorderErrorContext } from '../../../electron/monitor/attempt-recorder.ts';
import { listApiCalls, type ApiCallRow } from '../../../electron/store/index.ts';
import { buildWorkerBundle } from '../../support/worker-bundle.ts';
import { attempt, count, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
const recorders: ThreadedAttemptRecorder[] = [];

beforeEach(() => {
  t = tempDb();
});

afterEach(() => {
  for (const r of recorders.splice(0)) r.close();
  t.cleanup();
});

function make(extra: Partial<ConstructorParameters<typeof ThreadedAttemptRecorder>[0]> = {}): {
  recorder: ThreadedAttemptRecorder;
  seen: ApiCallRow[];
  errors: Array<{ error: unknown; context: RecorderErrorContext }>;
} {
  const seen: ApiCallRow[] = [];
  const errors: Array<{ error: unknown; context: RecorderErrorContext }> = [];
  const recorder = new ThreadedAttemptRecorder({
    dbPath: t.file,
    onRecord: (row) => seen.push(row),
    onError: (error, context) => errors.push({ error, context }),
    ...extra,
  });
  recorders.push(recorder);
  return { recorder, seen, errors };
}

describe('ThreadedAttemptRecorder', () => {
  it('writes on its own thread; flush() returns once every row recorded so far is stored', () => {
    const { recorder, seen, errors } = make();
    const rows = Array.from({ length: 150 }, (_, i) => attempt({ startedAt: 1_000 + i }));
    for (const row of rows) recorder.record(row);
    // The live windows see each row at once, on the calling thread.
    expect(seen).toHaveLength(150);
    expect(recorder.flush()).toBe(true);
    expect(recorder.pending).toBe(0);
    expect(count(t.db, 'api_calls')).toBe(150);
    const stored = listApiCalls(t.db, { limit: 1000 }).reverse();
    expect(stored.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(stored[0]).toEqual(rows[0]);
    expect(errors).toEqual([]);
  });

  it('writes without being asked, a few milliseconds later', async () => {
    const { recorder } = make({ sendMs: 5, flushMs: 5 });
    recorder.flush(); // the thread has started
    recorder.record(attempt());
    recorder.record(attempt());
    expect(count(t.db, 'api_calls')).toBe(0);
    const until = Date.now() + 5_000;
    while (count(t.db, 'api_calls') < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(count(t.db, 'api_calls')).toBe(2);
  });

  it('sanitizes on the calling thread, so the live windows and the table see the same row', () => {
    const { recorder, seen, errors } = make();
    recorder.record(attempt({ latencyMs: 12.6, costUsd: -1 }));
    expect(recorder.flush()).toBe(true);
    expect(seen[0]).toMatchObject({ latencyMs: 13, costUsd: null, costSource: 'unpriced' });
    expect(listApiCalls(t.db, { limit: 10 })[0]).toMatchObject({ latencyMs: 13, costUsd: null, costSource: 'unpriced' });
    expect(errors.map((e) => e.context.stage)).toEqual(['sanitize']);
  });

  it('close() writes what is left; a row recorded after close is still written', () => {
    const { recorder } = make({ sendMs: 60_000 });
    recorder.record(attempt());
    expect(recorder.close()).toBe(true);
    expect(count(t.db, 'api_calls')).toBe(1);
    recorder.record(attempt());
    expect(count(t.db, 'api_calls')).toBe(2);
    expect(recorder.close()).toBe(true);
  });

  it('reports a row the thread could not store, and keeps writing the others', async () => {
    const { recorder, errors } = make();
    const good = attempt();
    recorder.record(good);
    recorder.record({ ...attempt(), status: 'bogus' as ApiCallRow['status'] });
    recorder.record(attempt());
    // The bad row fails its flush until it is isolated (third failure) and dropped.
    for (let i = 0; i < 3 && count(t.db, 'api_calls') < 2; i++) recorder.flush();
    expect(count(t.db, 'api_calls')).toBe(2);
    // The thread's reports arrive as messages on this thread's event loop.
    const until = Date.now() + 5_000;
    while (!errors.some((e) => e.context.stage === 'drop') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(errors.some((e) => e.context.stage === 'flush')).toBe(true);
    expect(errors.some((e) => e.context.stage === 'drop' && e.context.dropped === 1)).toBe(true);
  });

  it('falls back to writing inline when its thread cannot start, and loses nothing', () => {
    const missing = new URL('./no-such-audit-thread.js', import.meta.url);
    const { recorder, errors } = make({ workerUrl: missing, flushTimeoutMs: 1_000 });
    recorder.record(attempt());
    recorder.record(attempt());
    // The flush waits for the thread's start-up allowance, gives up on it, and writes inline.
    expect(recorder.flush()).toBe(true);
    expect(count(t.db, 'api_calls')).toBe(2);
    expect(errors.map((e) => String(e.error))).toEqual([expect.stringContaining('did not start')]);
    recorder.record(attempt());
    expect(recorder.close()).toBe(true);
    expect(count(t.db, 'api_calls')).toBe(3);
    // A call still in flight at shutdown is written inline too, though the inline database is closed.
    recorder.record(attempt());
    expect(count(t.db, 'api_calls')).toBe(4);
    expect(recorder.close()).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('reports, and never throws into the call, when the database cannot be opened at all', () => {
    // A path under a regular file: neither the thread nor the inline fallback can open it.
    writeFileSync(`${t.dir}/plain-file`, 'x');
    const { recorder, errors, seen } = make({ dbPath: `${t.dir}/plain-file/audit.db` });
    expect(() => recorder.record(attempt())).not.toThrow();
    expect(seen).toHaveLength(1);
    expect(recorder.flush()).toBe(false);
    expect(errors.map((e) => String(e.error))).toEqual(expect.arrayContaining([expect.stringContaining('could not open the database')]));
  });
});

describe('the bundled audit thread', () => {
  it('is what scripts/build.mjs bundles next to main.js, and writes rows as plain JS', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script = readFileSync(`${root}scripts/build.mjs`, 'utf8');
    expect(script).toContain("entryPoints: ['electron/monitor/audit-thread.ts']");
    expect(script).toContain(`outfile: 'dist-electron/${BUNDLED_AUDIT_WORKER_FILE}'`);
    // Built the same way, next to node_modules so better-sqlite3 resolves as from dist-electron/.
    const workerUrl = await buildWorkerBundle('electron/monitor/audit-thread.ts', 'gradedesk-audit-test', BUNDLED_AUDIT_WORKER_FILE);
    const { recorder, errors } = make({ workerUrl });
    for (let i = 0; i < 5; i++) recorder.record(attempt());
    expect(recorder.flush()).toBe(true);
    expect(count(t.db, 'api_calls')).toBe(5);
    expect(errors).toEqual([]);
  }, 60_000);
});
