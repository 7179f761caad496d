import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../electron/store/index.ts';
import { cli, PHOTO, ROOT, RUBRIC, simulatorForSuite, writeConfig, writeEssays, writeVisionConfig } from './helpers.ts';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function count(dbPath: string, query: string): number {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return (db.prepare(query).get() as { n: number }).n;
  } finally {
    closeDatabase(db);
  }
}

/** Starts `gradedesk` in its own process and SIGKILLs it once `ready` says so (or it ends). */
async function runAndKill(args: string[], env: NodeJS.ProcessEnv, ready: () => boolean): Promise<{ killed: boolean; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, join(ROOT, 'electron', 'cli.ts'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => void (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let killed = false;
  while (Date.now() < deadline && child.exitCode === null) {
    let now = false;
    try {
      now = ready();
    } catch {
      // the database may not exist yet
    }
    if (now) {
      child.kill('SIGKILL');
      killed = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  if (child.exitCode === null && !killed) child.kill('SIGKILL');
  await exited;
  return { killed, stderr };
}

describe('SIGKILL during a batch, then resume', () => {
  const suite = simulatorForSuite({ keys: { 'sk-sim': {} }, profile: { latencyMs: { min: 150, max: 300 }, ttftMs: 50 } });

  it('loses nothing, asks nothing twice that has a result, and reports the possibly duplicated calls', async () => {
    const { sim, dir } = suite;
    const essays = writeEssays(dir, 24);
    const config = writeConfig(dir, sim.baseUrl);
    const db = join(dir, 'gd.db');
    const env = { SIM_KEY: 'sk-sim', GRADEDESK_CONFIG: config };
    const done = () => count(db, "SELECT count(*) AS n FROM jobs WHERE status = 'done'");

    // Kill 1: while the first calls are in flight. Kill 2: about half way.
    const first = await runAndKill(['grade', essays, '--rubric', RUBRIC, '--db', db, '--concurrency', '4'], env, () => count(db, 'SELECT count(*) AS n FROM jobs WHERE sent_at IS NOT NULL') >= 2);
    expect(first, first.stderr).toMatchObject({ killed: true });
    let inFlightAtKills = count(db, "SELECT count(*) AS n FROM jobs WHERE status = 'running' AND sent_at IS NOT NULL");
    expect(inFlightAtKills).toBeLessThanOrEqual(4);
    const check = openDatabase(db, { readonly: true });
    expect(check.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    closeDatabase(check);

    const second = await runAndKill(['resume', '--db', db, '--concurrency', '4'], env, () => done() >= 10);
    expect(second, second.stderr).toMatchObject({ killed: true });
    const inFlightSecond = count(db, "SELECT count(*) AS n FROM jobs WHERE status = 'running' AND sent_at IS NOT NULL");
    expect(inFlightSecond).toBeLessThanOrEqual(4);
    inFlightAtKills += inFlightSecond;
    const gradedBefore = done();

    // Resume to the end, in this process.
    const requestsBefore = sim.requests().length;
    const final = await cli(['resume', '--db', db, '--json'], env);
    expect(final.code).toBe(0);
    const report = JSON.parse(final.stdout) as { status: string; submissions: Array<{ status: string }>; possible_duplicate_paid_calls: number };
    expect(report.status).toBe('completed');
    expect(report.submissions).toHaveLength(24);
    expect(report.submissions.every((s) => s.status === 'graded')).toBe(true);
    // exactly one stored result per submission
    expect(count(db, 'SELECT count(*) AS n FROM gradings')).toBe(24);
    expect(count(db, 'SELECT count(*) AS n FROM (SELECT submission_id FROM gradings GROUP BY submission_id HAVING count(*) > 1)')).toBe(0);
    // nothing with a stored result was asked again: the last run sent only the missing ones
    expect(sim.requests().length - requestsBefore).toBe(24 - gradedBefore);
    // duplicates reported, and never more than were in flight at the kills
    expect(report.possible_duplicate_paid_calls).toBeLessThanOrEqual(inFlightAtKills);
    expect(report.possible_duplicate_paid_calls).toBe(count(db, 'SELECT possible_duplicates AS n FROM batches'));
  }, 120_000);
});

describe('SIGKILL while a photo\'s names are being painted over, then resume', () => {
  const suite = simulatorForSuite();

  it('stores nothing of the photo before it is redacted, and resume reads it again and grades it', async () => {
    const { sim, dir } = suite;
    const essays = writeEssays(dir, 3);
    copyFileSync(PHOTO, join(essays, 'Ana Lopez - essay.png'));
    const config = writeVisionConfig(dir, sim.baseUrl);
    const db = join(dir, 'photo.db');
    const env = { SIM_KEY: 'sk-sim', GRADEDESK_CONFIG: config };
    // OCR takes a second or more (its worker starts first): the batch is recorded well before.
    const killed = await runAndKill(['grade', essays, '--rubric', RUBRIC, '--db', db, '--concurrency', '2'], env, () => count(db, "SELECT count(*) AS n FROM submissions WHERE status = 'pending'") === 1);
    expect(killed, killed.stderr).toMatchObject({ killed: true });
    expect(count(db, "SELECT count(*) AS n FROM submissions WHERE status = 'pending'")).toBe(1);
    expect(count(db, "SELECT count(*) AS n FROM submission_pages")).toBe(0);
    expect(count(db, "SELECT count(*) AS n FROM jobs j JOIN submissions s ON s.id = j.submission_id WHERE s.status = 'pending'")).toBe(0);

    sim.reset();
    const final = await cli(['resume', '--db', db, '--json'], env);
    expect(final.code, final.stderr).toBe(0);
    const report = JSON.parse(final.stdout) as { status: string; submissions: Array<{ file: string; status: string; flags?: string[] }> };
    expect(report.status).toBe('completed');
    expect(report.submissions.map((s) => s.status)).toEqual(['graded', 'graded', 'graded', 'graded']);
    expect(report.submissions.find((s) => s.file.endsWith('.png'))?.flags).toContain('name_redacted_in_image');
    expect(count(db, 'SELECT count(*) AS n FROM gradings')).toBe(4);
    expect(sim.requests().filter((r) => JSON.stringify(r.body).includes('data:image/'))).toHaveLength(1);
  }, 120_000);
});

describe('Ctrl-C during a batch', () => {
  const suite = simulatorForSuite({ keys: { 'sk-sim': {} }, profile: { latencyMs: 1500, ttftMs: 50 } });

  it('stops dispatching, cancels the calls in flight, exits 130, and the batch resumes to the end', async () => {
    const { sim, dir } = suite;
    const essays = writeEssays(dir, 12);
    const config = writeConfig(dir, sim.baseUrl);
    const db = join(dir, 'gd.db');
    const env = { SIM_KEY: 'sk-sim', GRADEDESK_CONFIG: config };
    const child = spawn(process.execPath, ['--import', tsx, join(ROOT, 'electron', 'cli.ts'), 'grade', essays, '--rubric', RUBRIC, '--db', db, '--concurrency', '3'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => void (stderr += d.toString()));
    const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Interrupt once calls are on the wire: the first request on the key goes alone, then three
    // at once (--concurrency 3); each takes 1.5 s at the simulator, so a fifth cannot start
    // before the interrupt.
    const deadline = Date.now() + 60_000;
    const doneJobs = (): number => count(db, "SELECT count(*) AS n FROM jobs WHERE status = 'done'");
    while (Date.now() < deadline && (sim.requests().length < 4 || doneJobs() < 1) && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    const sentAtInterrupt = sim.requests().length;
    expect(sentAtInterrupt).toBe(4);
    const doneAtInterrupt = doneJobs();
    expect(doneAtInterrupt).toBe(1);
    child.kill('SIGINT');
    expect(await exitCode, stderr).toBe(130);
    expect(stderr).toContain('The batch can be resumed');
    // Nothing new was sent after the interrupt, and nothing more was graded: the calls were cancelled.
    expect(sim.requests().length).toBe(sentAtInterrupt);
    expect(doneJobs()).toBe(doneAtInterrupt);
    expect(count(db, "SELECT count(*) AS n FROM batches WHERE status = 'interrupted'")).toBe(1);

    const resumed = await cli(['resume', '--db', db, '--json'], env);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout) as { status: string; submissions: Array<{ status: string }> };
    expect(report.status).toBe('completed');
    expect(report.submissions.filter((s) => s.status === 'graded')).toHaveLength(12);
    expect(count(db, 'SELECT count(*) AS n FROM gradings')).toBe(12);
  }, 120_000);
});

describe('SIGKILL while the files of a new batch are being read, then resume', () => {
  const suite = simulatorForSuite({ keys: { 'sk-sim': {} }, profile: { latencyMs: { min: 5, max: 20 }, ttftMs: 5 } });
  const FILES = 128;

  it('keeps the chunks recorded, and resume reads the rest and grades every file exactly once', async () => {
    const { sim, dir } = suite;
    // Essays long enough that reading them takes a while after the first chunk of 16 is recorded.
    const essays = join(dir, 'class');
    mkdirSync(essays);
    for (let i = 0; i < FILES; i++) {
      writeFileSync(join(essays, `Student ${String(i + 1).padStart(3, '0')} - essay.txt`), `Essay ${i + 1}. ${'Homework should be optional, because evenings matter too. '.repeat(200)}Reason ${i}.\n`);
    }
    const config = writeConfig(dir, sim.baseUrl);
    const db = join(dir, 'reading.db');
    const env = { SIM_KEY: 'sk-sim', GRADEDESK_CONFIG: config };
    const recorded = () => count(db, 'SELECT count(*) AS n FROM submissions');

    const killed = await runAndKill(['grade', essays, '--rubric', RUBRIC, '--db', db], env, () => recorded() >= 16);
    expect(killed, killed.stderr).toMatchObject({ killed: true });
    const atKill = recorded();
    // Killed between chunks: some recorded, the rest still on the batch's list, nothing sent.
    expect(atKill).toBeGreaterThanOrEqual(16);
    expect(atKill).toBeLessThan(FILES);
    expect(atKill % 16).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM batch_files_to_read')).toBe(FILES - atKill);
    expect(sim.requests()).toHaveLength(0);

    // What the teacher sees meanwhile: resumable, never finished, every file counted.
    const history = await cli(['history', '--db', db, '--json'], env);
    expect(JSON.parse(history.stdout)).toMatchObject({ batches: [{ status: 'interrupted', submissions: FILES, graded: 0 }] });

    const final = await cli(['resume', '--db', db, '--json', '--concurrency', '8'], env);
    expect(final.code, final.stderr).toBe(0);
    const report = JSON.parse(final.stdout) as { status: string; submissions: Array<{ file: string; status: string }> };
    expect(report.status).toBe('completed');
    expect(report.submissions).toHaveLength(FILES);
    expect(new Set(report.submissions.map((s) => s.file)).size).toBe(FILES);
    expect(report.submissions.every((s) => s.status === 'graded')).toBe(true);
    expect(count(db, 'SELECT count(*) AS n FROM submissions')).toBe(FILES);
    expect(count(db, 'SELECT count(*) AS n FROM gradings')).toBe(FILES);
    expect(count(db, 'SELECT count(*) AS n FROM (SELECT submission_id FROM gradings GROUP BY submission_id HAVING count(*) > 1)')).toBe(0);
    // Each file asked for once.
    expect(sim.requests()).toHaveLength(FILES);
  }, 180_000);
});
