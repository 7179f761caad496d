/**
 * Bench 3's CLI child: the `gradedesk` bundle run exactly as a teacher starts it, with its peak
 * RSS and CPU time read from /proc/<pid> until it exits, and a cap after which it is stopped.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { log } from './stats.ts';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The `gradedesk` command as package.json's "bin" names it: the bundle, not the sources. */
const CLI_BUNDLE = path.join(REPO_ROOT, 'dist-electron', 'cli.mjs');
const POLL_MS = 100;
const PROGRESS_EVERY_MS = 5000;
/** After SIGTERM (cap reached or the bench interrupted) the CLI gets this long before SIGKILL. */
const STOP_GRACE_MS = 5000;

export interface ProcSample {
  vmHwmKb: number | null;
  vmRssKb: number | null;
  cpuSeconds: number | null;
  threads: number | null;
}

const clockTicks = ((): number => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** VmHWM (peak RSS), VmRSS, threads and CPU time of a live process; nulls where /proc is unavailable. */
function sampleProc(pid: number): ProcSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number | null => {
      const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
      return m ? Number(m[1]) : null;
    };
    let cpuSeconds: number | null = null;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start at field 3; utime and stime are fields 14 and 15.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuSeconds = (Number(rest[11]) + Number(rest[12])) / clockTicks;
    } catch {
      cpuSeconds = null;
    }
    return { vmHwmKb: field('VmHWM'), vmRssKb: field('VmRSS'), cpuSeconds, threads: field('Threads') };
  } catch {
    return null;
  }
}

export interface CliRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderrTail: string;
  spawnedAt: number;
  exitedAt: number;
  wallSeconds: number;
  /** The last /proc sample taken before the process exited (VmHWM only grows). */
  lastSample: ProcSample | null;
  samples: number;
  stoppedAtCap: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the CLI to the end (or the cap, or `stop`), sampling /proc/<pid> every {@link POLL_MS}.
 * The loop is bounded by the cap; the child is always gone when this returns or throws.
 */
export async function runCliChild(
  argv: string[],
  env: NodeJS.ProcessEnv,
  capMs: number,
  stop: AbortSignal,
  onProgress: (elapsedS: number, sample: ProcSample | null) => void,
): Promise<CliRunResult> {
  const spawnedAt = Date.now();
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_BUNDLE, ...argv], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderrTail = '';
  child.stdout.on('data', (d: Buffer) => stdout.push(d));
  child.stderr.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString('utf8')).slice(-16_000);
  });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let exitedAt = 0;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedAt = Date.now();
      exitInfo = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      stderrTail += `\nspawn error: ${error.message}`;
      exitedAt = Date.now();
      exitInfo ??= { code: null, signal: null };
      resolve();
    });
  });
  let lastSample: ProcSample | null = null;
  let samples = 0;
  let stoppedAtCap = false;
  let nextProgress = PROGRESS_EVERY_MS;
  const deadline = started + capMs;
  try {
    while (exitInfo === null && performance.now() < deadline && !stop.aborted) {
      const sample = child.pid !== undefined ? sampleProc(child.pid) : null;
      // A sample after exit reads a zombie (no VmHWM) or nothing: keep the last real one.
      if (sample?.vmHwmKb != null && exitInfo === null) {
        lastSample = sample;
        samples += 1;
      }
      const elapsed = performance.now() - started;
      if (elapsed >= nextProgress) {
        nextProgress += PROGRESS_EVERY_MS;
        onProgress(elapsed / 1000, lastSample);
      }
      await Promise.race([exited, sleep(POLL_MS)]);
    }
    if (exitInfo === null) {
      stoppedAtCap = !stop.aborted;
      log(stop.aborted ? '  interrupted: stopping the CLI' : `  the CLI passed the cap of ${capMs / 1000} s: stopping it`);
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(grace);
    }
  } finally {
    // Whatever went wrong above, no CLI is left running.
    if (exitInfo === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  const info = exitInfo as { code: number | null; signal: NodeJS.Signals | null } | null;
  return {
    code: info?.code ?? null,
    signal: info?.signal ?? null,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderrTail,
    spawnedAt,
    exitedAt,
    wallSeconds: (exitedAt - spawnedAt) / 1000,
    lastSample,
    samples,
    stoppedAtCap,
  };
}
