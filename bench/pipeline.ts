/**
 * Bench 3 — a 100-submission batch end to end, the way a teacher runs it.
 *
 * A class set is generated in a temp dir (bench/pipeline-inputs.ts: .txt/.md essays, DOCX, text
 * PDFs, phone photos), the provider simulator runs in its own process (three models on their
 * own keys, realistic latency, rpm limits, a few faults), and the real CLI, built as it ships
 * (`node scripts/build.mjs`, before anything is timed), runs in a child process exactly as a
 * teacher would start it:
 *
 *   node dist-electron/cli.mjs grade <dir> --rubric demo/rubric.json --config <cfg> --db <tmp> --json --concurrency 8
 *
 * Measured: wall time from spawn to exit, split into phases with the timestamps the CLI wrote
 * to its database (batch created = extraction done; first call started; last job finished),
 * extraction alone (the same files through the documents module, in this process, after the
 * run), outcomes, calls, the cost in the CLI's JSON against the simulator's ledger (must be
 * equal to the micro-dollar, or the bench fails), peak RSS and CPU time of the CLI process (read
 * from /proc/<pid> until it exits) and the lower bounds the rate limits and concurrency set.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { closeExtractionWorkers, extractDocument } from '../electron/grading/documents/index.ts';
import { spawnSimulator, type FaultProfile, type RemoteSimulatorHandle, type SimModel } from '../electron/simulator/index.ts';
import { closeDatabase, openDatabase } from '../electron/store/index.ts';
import { mixFor, writeClassSet, type GeneratedFile, type InputKind, type Mix } from './pipeline-inputs.ts';
import { CORE_SOURCE_DIRS, fmt, log, machineInfo, machineLine, markdownTable, sourceFingerprint, summarize, type LatencySummary, type MachineInfo, type SourceFingerprint } from './stats.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The `gradedesk` command as package.json's "bin" names it: the bundle, not the sources. */
const CLI_BUNDLE = path.join(REPO_ROOT, 'dist-electron', 'cli.mjs');
const RUBRIC = path.join(REPO_ROOT, 'demo', 'rubric.json');
const POLL_MS = 100;
const PROGRESS_EVERY_MS = 5000;
/** After SIGTERM (cap reached or the bench interrupted) the CLI gets this long before SIGKILL. */
const STOP_GRACE_MS = 5000;

// ---------------------------------------------------------------------------------------------
// Scenario

export interface PipelineModel {
  /** Id in the GradeDesk config. */
  id: string;
  /** Model slug on the wire (the simulator's catalog). */
  slug: string;
  key: string;
  keyEnv: string;
  rpm: number;
  maxConcurrency: number;
  vision: boolean;
  inputCostPerToken: number;
  outputCostPerToken: number;
  cachedInputCostPerToken?: number;
}

export interface PipelineScenario {
  submissions: number;
  mix: Mix;
  seed: number;
  concurrency: number;
  latency: { mean: number; sd: number };
  ttftMs: number;
  windowMs: number;
  models: PipelineModel[];
  faults: Record<string, { rate: number; retryAfterMs?: number }>;
  retry: { max_attempts: number };
  routing: string;
  /** The CLI is stopped (SIGTERM, then SIGKILL) and the bench fails if it runs longer. */
  capMs: number;
}

const MODELS: PipelineModel[] = [
  { id: 'mini', slug: 'gd/mini', key: 'sk-gd-mini', keyEnv: 'GD_BENCH_MINI_KEY', rpm: 40, maxConcurrency: 4, vision: false, inputCostPerToken: 1.5e-7, outputCostPerToken: 6e-7, cachedInputCostPerToken: 7.5e-8 },
  { id: 'standard', slug: 'gd/standard', key: 'sk-gd-standard', keyEnv: 'GD_BENCH_STANDARD_KEY', rpm: 30, maxConcurrency: 4, vision: false, inputCostPerToken: 4e-7, outputCostPerToken: 1.6e-6 },
  { id: 'vision', slug: 'gd/vision', key: 'sk-gd-vision', keyEnv: 'GD_BENCH_VISION_KEY', rpm: 20, maxConcurrency: 4, vision: true, inputCostPerToken: 1.25e-6, outputCostPerToken: 5e-6 },
];

export function pipelineScenario(quick: boolean): PipelineScenario {
  const submissions = quick ? 20 : 100;
  return {
    submissions,
    mix: mixFor(submissions),
    seed: 20250,
    concurrency: 8,
    latency: { mean: 600, sd: 200 },
    ttftMs: 150,
    windowMs: 60_000,
    models: MODELS,
    faults: {
      rate_limit_429: { rate: 0.02, retryAfterMs: 1000 },
      server_error_500: { rate: 0.02 },
      truncated_stream: { rate: 0.01 },
      schema_invalid: { rate: 0.01 },
    },
    retry: { max_attempts: 5 },
    routing: 'least_busy',
    capMs: quick ? 150_000 : 360_000,
  };
}

function simCatalog(s: PipelineScenario): Record<string, SimModel> {
  return Object.fromEntries(
    s.models.map((m) => [
      m.slug,
      {
        input_cost_per_token: m.inputCostPerToken,
        output_cost_per_token: m.outputCostPerToken,
        ...(m.cachedInputCostPerToken !== undefined ? { cached_input_cost_per_token: m.cachedInputCostPerToken } : {}),
        context_window: 128_000,
        vision: m.vision,
        structured_output: true,
      },
    ]),
  );
}

function simProfile(s: PipelineScenario): FaultProfile {
  return {
    latencyMs: s.latency,
    ttftMs: s.ttftMs,
    faults: s.faults,
    // Own key per model, so each model's rpm is its key's window, as with real providers.
    models: Object.fromEntries(s.models.map((m) => [m.slug, { rateLimit: { rpm: m.rpm, scope: 'key' as const, windowMs: s.windowMs } }])),
  };
}

/** The config file a teacher would write: each model with its price, rpm and concurrency; keys from env vars. */
function teacherConfig(s: PipelineScenario, baseUrl: string): unknown {
  return {
    models: Object.fromEntries(
      s.models.map((m) => [
        m.id,
        {
          endpoint: `${baseUrl}/chat/completions`,
          model: m.slug,
          api: 'openrouter',
          api_key_env: m.keyEnv,
          structured_output: true,
          vision: m.vision,
          context_window: 128_000,
          input_cost_per_token: m.inputCostPerToken,
          output_cost_per_token: m.outputCostPerToken,
          rpm: m.rpm,
          max_concurrency: m.maxConcurrency,
        },
      ]),
    ),
    routing: { strategy: s.routing },
    retry: s.retry,
  };
}

// ---------------------------------------------------------------------------------------------
// Lower bounds

export interface PipelineBounds {
  /** The brief's formula: calls / total rpm capacity + one mean latency (a provider that paces rpm evenly). */
  rateSeconds: number;
  /** What a sliding 60 s window per key allows: the (R+1)-th call waits a whole window; + one latency. */
  windowSeconds: number;
  /** ceil(calls / concurrency) rounds of one mean latency each. */
  concurrencySeconds: number;
  /** max(window, concurrency): no client can grade faster against this simulator. */
  floorSeconds: number;
  explanation: string[];
}

export function pipelineBounds(s: PipelineScenario): PipelineBounds {
  const n = s.submissions;
  const rpm = s.models.reduce((sum, m) => sum + m.rpm, 0);
  const latency = s.latency.mean / 1000;
  const window = s.windowMs / 1000;
  const concurrency = Math.min(s.concurrency, s.models.reduce((sum, m) => sum + m.maxConcurrency, 0));
  const rateSeconds = (n / rpm) * 60 + latency;
  const windowSeconds = window * (Math.ceil(n / rpm) - 1) + latency;
  const concurrencySeconds = Math.ceil(n / concurrency) * latency;
  const floorSeconds = Math.max(windowSeconds, concurrencySeconds);
  return {
    rateSeconds,
    windowSeconds,
    concurrencySeconds,
    floorSeconds,
    explanation: [
      `rate bound (paced provider): ${n} calls / (${s.models.map((m) => m.rpm).join(' + ')} = ${rpm} rpm) = ${fmt((n / rpm) * 60, 1)} s + one mean latency ${fmt(latency, 1)} s = ${fmt(rateSeconds, 1)} s.`,
      `sliding-window floor: the simulator and the client's pacer both count a ${window} s window per key, so ${rpm} calls may start at once and call ${rpm + 1} waits a whole window: ` +
        `${window} s × (ceil(${n}/${rpm}) − 1) + ${fmt(latency, 1)} s = ${fmt(windowSeconds, 1)} s.`,
      `concurrency floor: ceil(${n} / ${concurrency} in flight) × ${fmt(latency, 1)} s = ${fmt(concurrencySeconds, 1)} s.`,
      `floor = max(window, concurrency) = ${fmt(floorSeconds, 1)} s; retries (faults) and extraction come on top of it.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The CLI child

interface ProcSample {
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

interface CliRunResult {
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
async function runCliChild(
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

// ---------------------------------------------------------------------------------------------
// What the CLI wrote

interface CliReport {
  batch_id: string;
  status: string;
  submissions: Array<{ file: string; status: string; error?: { code: string }; flags?: string[] }>;
  total_cost_usd: number | null;
  api_calls: number;
  possible_duplicate_paid_calls: number;
}

interface DbTimes {
  batchCreatedAt: number;
  batchFinishedAt: number | null;
  firstCallStartedAt: number | null;
  lastJobFinishedAt: number | null;
  exactCostUsd: number;
  calls: number;
  callsByModel: Record<string, number>;
  callsByOutcome: Record<string, number>;
  okLatency: LatencySummary;
  okTtft: LatencySummary;
}

function readDb(dbPath: string, batchId: string): DbTimes {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const batch = db.prepare('SELECT created_at AS created, finished_at AS finished FROM batches WHERE id = ?').get(batchId) as { created: number; finished: number | null } | undefined;
    if (!batch) throw new Error(`batch ${batchId} is not in ${dbPath}`);
    const calls = db
      .prepare('SELECT min(started_at) AS first, count(*) AS n, total(cost_usd) AS cost FROM api_calls WHERE batch_id = ?')
      .get(batchId) as { first: number | null; n: number; cost: number };
    const lastJob = db.prepare('SELECT max(finished_at) AS last FROM jobs WHERE batch_id = ?').get(batchId) as { last: number | null };
    const byModel = db.prepare('SELECT model_id AS model, count(*) AS n FROM api_calls WHERE batch_id = ? GROUP BY model_id').all(batchId) as Array<{ model: string; n: number }>;
    const byOutcome = db
      .prepare("SELECT CASE WHEN status = 'ok' THEN 'ok' ELSE coalesce(error_code, 'error') END AS outcome, count(*) AS n FROM api_calls WHERE batch_id = ? GROUP BY outcome")
      .all(batchId) as Array<{ outcome: string; n: number }>;
    const ok = db.prepare("SELECT latency_ms AS latency, ttft_ms AS ttft FROM api_calls WHERE batch_id = ? AND status = 'ok'").all(batchId) as Array<{ latency: number | null; ttft: number | null }>;
    return {
      batchCreatedAt: batch.created,
      batchFinishedAt: batch.finished,
      firstCallStartedAt: calls.first,
      lastJobFinishedAt: lastJob.last,
      exactCostUsd: calls.cost,
      calls: calls.n,
      callsByModel: Object.fromEntries(byModel.map((r) => [r.model, r.n])),
      callsByOutcome: Object.fromEntries(byOutcome.map((r) => [r.outcome, r.n])),
      okLatency: summarize(ok.flatMap((r) => (r.latency === null ? [] : [r.latency]))),
      okTtft: summarize(ok.flatMap((r) => (r.ttft === null ? [] : [r.ttft]))),
    };
  } finally {
    closeDatabase(db);
  }
}

/** Jobs done so far, for progress; null while the database is not there yet. */
function jobsDone(dbPath: string): { done: number; failed: number } | null {
  try {
    const db = openDatabase(dbPath, { readonly: true });
    try {
      return db.prepare("SELECT sum(status = 'done') AS done, sum(status = 'failed') AS failed FROM jobs").get() as { done: number; failed: number };
    } finally {
      closeDatabase(db);
    }
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Extraction alone

interface ExtractionAlone {
  totalSeconds: number;
  firstFileMs: number;
  byKind: Record<string, { files: number; seconds: number; maxMs: number }>;
  failures: string[];
}

/** The same files through the documents module, one after another as prepareBatch reads them. */
async function extractionAlone(dir: string, files: readonly GeneratedFile[]): Promise<ExtractionAlone> {
  const byKind: ExtractionAlone['byKind'] = {};
  const failures: string[] = [];
  let first = Number.NaN;
  const started = performance.now();
  try {
    for (const f of files) {
      const t = performance.now();
      const result = await extractDocument({ path: path.join(dir, f.name) });
      const ms = performance.now() - t;
      if (Number.isNaN(first)) first = ms;
      if (!result.ok) failures.push(`${f.name}: ${result.error.code}`);
      const k = (byKind[f.kind] ??= { files: 0, seconds: 0, maxMs: 0 });
      k.files += 1;
      k.seconds += ms / 1000;
      k.maxMs = Math.max(k.maxMs, ms);
    }
  } finally {
    await closeExtractionWorkers();
  }
  return { totalSeconds: (performance.now() - started) / 1000, firstFileMs: first, byKind, failures };
}

// ---------------------------------------------------------------------------------------------
// The bench

export interface PipelineResult {
  bench: 'pipeline';
  machine: MachineInfo;
  source: SourceFingerprint;
  loadAverageAtEnd: number[];
  quick: boolean;
  scenario: PipelineScenario & { simulator: string; command: string; inputs: { bytes: number; byKind: Record<string, { files: number; bytes: number; words: number; pages: number }> } };
  bounds: PipelineBounds;
  results: {
    exitCode: number | null;
    batchStatus: string;
    wallSeconds: number;
    phases: {
      /** spawn → batch recorded: node start-up, opening the database, reading and extracting every file. */
      startupAndExtractionSeconds: number;
      /** batch recorded → first call started: the estimate, claiming the first jobs. */
      estimateAndQueueSeconds: number | null;
      /** first call started → last job finished. */
      gradingSeconds: number | null;
      /** last job finished → process exit: the report, closing the database and workers. */
      reportAndExitSeconds: number | null;
    };
    extractionAlone: ExtractionAlone;
    submissions: { total: number; graded: number; failed: number; other: number; failuresByCode: Record<string, number>; flagged: number };
    calls: {
      cliJson: number;
      cliDb: number;
      simulatorRequests: number;
      billedGenerations: number;
      byModel: Record<string, number>;
      byOutcome: Record<string, number>;
      simulatorOutcomes: Record<string, number>;
      okLatencyMs: LatencySummary;
      okTtftMs: LatencySummary;
    };
    cost: { cliJsonUsd: number | null; cliDbExactUsd: number; ledgerUsd: number; ledgerByModel: Record<string, { calls: number; usd: number }>; equalToTheMicroDollar: boolean };
    process: { peakRssMb: number | null; lastRssMb: number | null; cpuSeconds: number | null; cpuUtilisation: number | null; threadsAtLastSample: number | null; procSamples: number };
    ratios: { gradingToFloor: number | null; wallToFloor: number; wallToRateBound: number; gradingToRateBound: number | null };
    throughputGradedPerMinute: number;
  };
  notes: string[];
}

const countBy = (values: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

const micro = (usd: number): number => Math.round(usd * 1e6);
const mb = (kb: number | null): number | null => (kb === null ? null : Math.round((kb / 1024) * 10) / 10);

export async function runPipeline(options: { quick: boolean }): Promise<PipelineResult> {
  const s = pipelineScenario(options.quick);
  const machine = machineInfo();
  // Bench 3 runs the whole app: grading, documents, privacy and the CLI as well as the core.
  const source = sourceFingerprint([...CORE_SOURCE_DIRS, 'electron/grading', 'electron/cli', 'electron/workers', 'shared']);
  const bounds = pipelineBounds(s);
  log(`bench pipeline: ${s.submissions} submissions, machine: ${machineLine(machine)}`);
  for (const line of bounds.explanation) log(`  bound: ${line}`);

  // Ctrl-C / SIGTERM while the bench runs: stop the CLI, then clean up in the finally blocks.
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const temp = mkdtempSync(path.join(os.tmpdir(), 'gradedesk-bench-pipeline-'));
  let sim: RemoteSimulatorHandle | null = null;
  try {
    const dir = path.join(temp, 'class 10B essays');
    mkdirSync(dir);
    log(`  generating ${s.submissions} submissions (${Object.entries(s.mix).map(([k, v]) => `${v} ${k}`).join(', ')}) in ${dir}`);
    const genStarted = performance.now();
    const files = await writeClassSet(dir, s.submissions, s.seed, log);
    log(`  generated in ${fmt((performance.now() - genStarted) / 1000, 1)} s`);
    log('  building the CLI as it ships (node scripts/build.mjs)');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

    sim = await spawnSimulator({ seed: s.seed, models: simCatalog(s), keys: Object.fromEntries(s.models.map((m) => [m.key, {}])), profile: simProfile(s) });
    const configPath = path.join(temp, 'config.json');
    writeFileSync(configPath, JSON.stringify(teacherConfig(s, sim.baseUrl), null, 2));
    const dbPath = path.join(temp, 'gradedesk.sqlite');
    const argv = ['grade', dir, '--rubric', RUBRIC, '--config', configPath, '--db', dbPath, '--json', '--concurrency', String(s.concurrency)];
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...Object.fromEntries(s.models.map((m) => [m.keyEnv, m.key])) };
    delete env.GRADEDESK_DB;
    delete env.GRADEDESK_CONFIG;

    log(`  running the CLI (cap ${s.capMs / 1000} s)`);
    const run = await runCliChild(argv, env, s.capMs, stop.signal, (elapsed, sample) => {
      const jobs = jobsDone(dbPath);
      log(
        `  ${fmt(elapsed, 0)} s: ${jobs ? `${jobs.done ?? 0} graded, ${jobs.failed ?? 0} failed` : 'extracting (no batch yet)'}` +
          `${sample?.vmRssKb != null ? `, CLI RSS ${fmt(sample.vmRssKb / 1024, 0)} MB` : ''}${sample?.cpuSeconds != null ? `, CPU ${fmt(sample.cpuSeconds, 1)} s` : ''}`,
      );
    });
    if (stop.signal.aborted) throw new Error('interrupted');
    if (run.stoppedAtCap) throw new Error(`the CLI did not finish within ${s.capMs / 1000} s. stderr:\n${run.stderrTail}`);
    log(`  CLI exited with ${run.code ?? run.signal} after ${fmt(run.wallSeconds, 2)} s`);
    if (run.code !== 0 && run.code !== 1) throw new Error(`the CLI exited with ${run.code ?? run.signal} (0 or 1 expected). stderr:\n${run.stderrTail}`);
    let report: CliReport;
    try {
      report = JSON.parse(run.stdout) as CliReport;
    } catch (error) {
      throw new Error(`the CLI's --json output did not parse (${String(error)}): ${run.stdout.slice(0, 500)}\nstderr:\n${run.stderrTail}`);
    }

    const [ledger, requests] = await Promise.all([sim.ledger(), sim.requests()]);
    const simulatorOutcomes = countBy(requests.map((r) => r.outcome));
    await sim.close();
    sim = null;
    const db = readDb(dbPath, report.batch_id);

    log('  timing extraction alone (same files, this process, one after another)');
    const alone = await extractionAlone(dir, files);

    const graded = report.submissions.filter((x) => x.status === 'graded').length;
    const failed = report.submissions.filter((x) => x.status === 'failed');
    const equal = report.total_cost_usd !== null && micro(report.total_cost_usd) === micro(ledger.totalUsd);
    const phase = (from: number | null, to: number | null): number | null => (from === null || to === null ? null : (to - from) / 1000);
    const gradingSeconds = phase(db.firstCallStartedAt, db.lastJobFinishedAt);
    const cpu = run.lastSample?.cpuSeconds ?? null;
    const byKind: PipelineResult['scenario']['inputs']['byKind'] = {};
    for (const f of files) {
      const k = (byKind[f.kind] ??= { files: 0, bytes: 0, words: 0, pages: 0 });
      k.files += 1;
      k.bytes += f.bytes;
      k.words += f.words;
      k.pages += f.pages ?? 0;
    }
    const notes: string[] = [
      'Phases come from the CLI\'s own database: batches.created_at is written once every file has been read and extracted (prepareBatch extracts all files, one after another, before the first call), ' +
        'api_calls.started_at and jobs.finished_at bound the grading. Start-up (node loading the bundled CLI, opening the database) is inside the first phase; ' +
        '"extraction alone" times the same files in the bench process afterwards, so the difference is roughly the start-up.',
      'Peak RSS is VmHWM of the CLI process (worker threads included), read from /proc every 100 ms until it exited; CPU is utime + stime from /proc/<pid>/stat at the last sample.',
      `Cost: the CLI's JSON rounds to 6 decimals; the ledger total is exact; they must agree to the micro-dollar (they ${equal ? 'do' : 'DO NOT'}). The database's exact sum is reported next to them.`,
      'The simulator enforces rpm as a sliding 60 s window per key, like the client\'s pacer: the rate bound of the brief assumes a provider that paces evenly, so the sliding-window floor is the one a run can be held to.',
      `Inputs: ${Object.entries(byKind).map(([k, v]) => `${v.files} ${k} (${fmt(v.bytes / 1024 / 1024, 2)} MB${v.words ? `, ${v.words} words` : ''}${v.pages ? `, ${v.pages} pages` : ''})`).join('; ')}.`,
    ];
    if (alone.failures.length > 0) notes.push(`Extraction alone failed for: ${alone.failures.join(', ')}.`);
    if (report.api_calls !== requests.length) notes.push(`API calls in the CLI JSON (${report.api_calls}) differ from requests the simulator received (${requests.length}).`);

    const result: PipelineResult = {
      bench: 'pipeline',
      machine,
      source,
      loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
      quick: options.quick,
      scenario: {
        ...s,
        simulator: 'spawnSimulator (own process), one key per model, rpm per key (sliding 60 s window)',
        command: `node dist-electron/cli.mjs ${argv.map((a) => (a === dir ? '<dir>' : a === configPath ? '<config>' : a === dbPath ? '<db>' : a === RUBRIC ? 'demo/rubric.json' : a)).join(' ')}`,
        inputs: { bytes: files.reduce((sum, f) => sum + f.bytes, 0), byKind },
      },
      bounds,
      results: {
        exitCode: run.code,
        batchStatus: report.status,
        wallSeconds: run.wallSeconds,
        phases: {
          startupAndExtractionSeconds: (db.batchCreatedAt - run.spawnedAt) / 1000,
          estimateAndQueueSeconds: phase(db.batchCreatedAt, db.firstCallStartedAt),
          gradingSeconds,
          reportAndExitSeconds: phase(db.lastJobFinishedAt, run.exitedAt),
        },
        extractionAlone: alone,
        submissions: {
          total: report.submissions.length,
          graded,
          failed: failed.length,
          other: report.submissions.length - graded - failed.length,
          failuresByCode: countBy(failed.map((x) => x.error?.code ?? 'UNKNOWN')),
          flagged: report.submissions.filter((x) => (x.flags?.length ?? 0) > 0).length,
        },
        calls: {
          cliJson: report.api_calls,
          cliDb: db.calls,
          simulatorRequests: requests.length,
          billedGenerations: ledger.entries.length,
          byModel: db.callsByModel,
          byOutcome: db.callsByOutcome,
          simulatorOutcomes,
          okLatencyMs: db.okLatency,
          okTtftMs: db.okTtft,
        },
        cost: { cliJsonUsd: report.total_cost_usd, cliDbExactUsd: db.exactCostUsd, ledgerUsd: ledger.totalUsd, ledgerByModel: ledger.byModel, equalToTheMicroDollar: equal },
        process: {
          peakRssMb: mb(run.lastSample?.vmHwmKb ?? null),
          lastRssMb: mb(run.lastSample?.vmRssKb ?? null),
          cpuSeconds: cpu,
          cpuUtilisation: cpu === null ? null : cpu / run.wallSeconds,
          threadsAtLastSample: run.lastSample?.threads ?? null,
          procSamples: run.samples,
        },
        ratios: {
          gradingToFloor: gradingSeconds === null ? null : gradingSeconds / bounds.floorSeconds,
          wallToFloor: run.wallSeconds / bounds.floorSeconds,
          wallToRateBound: run.wallSeconds / bounds.rateSeconds,
          gradingToRateBound: gradingSeconds === null ? null : gradingSeconds / bounds.rateSeconds,
        },
        throughputGradedPerMinute: graded / (run.wallSeconds / 60),
      },
      notes,
    };
    log(
      `  ${graded}/${report.submissions.length} graded, ${report.api_calls} calls, cost CLI $${report.total_cost_usd ?? 'null'} vs ledger $${ledger.totalUsd}` +
        `${equal ? '' : '  <-- MISMATCH'}, peak RSS ${result.results.process.peakRssMb ?? '?'} MB`,
    );
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await sim?.close().catch(() => undefined);
    await closeExtractionWorkers().catch(() => undefined);
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Why the run must count as failed (the cost check), or null. */
export function pipelineFailure(result: PipelineResult): string | null {
  const c = result.results.cost;
  if (c.equalToTheMicroDollar) return null;
  return (
    `COST MISMATCH: the CLI's JSON says $${c.cliJsonUsd ?? 'null'} (database, exact: $${c.cliDbExactUsd}), ` +
    `the simulator billed $${c.ledgerUsd}: ${c.cliJsonUsd === null ? 'unknown' : micro(c.cliJsonUsd) - micro(c.ledgerUsd)} micro-dollars apart.`
  );
}

const secs = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '–' : `${fmt(v, digits)} s`);

export function pipelineTable(result: PipelineResult): string {
  const s = result.scenario;
  const r = result.results;
  const b = result.bounds;
  const kinds: InputKind[] = ['txt', 'md', 'docx', 'pdf', 'jpeg'];
  const aloneByKind = kinds
    .filter((k) => r.extractionAlone.byKind[k])
    .map((k) => {
      const v = r.extractionAlone.byKind[k] as { files: number; seconds: number; maxMs: number };
      return `${k} ${fmt(v.seconds, 2)} s (${v.files}, max ${fmt(v.maxMs, 0)} ms)`;
    })
    .join(', ');
  const rows: string[][] = [
    ['submissions', `${r.submissions.total}: ${kinds.map((k) => `${s.mix[k]} ${k}`).join(', ')} (${fmt(s.inputs.bytes / 1024 / 1024, 1)} MB)`],
    ['wall time, spawn → exit', secs(r.wallSeconds, 2)],
    ['  start-up + extraction (→ batch recorded)', secs(r.phases.startupAndExtractionSeconds, 2)],
    ['    extraction alone, same files in-process', `${secs(r.extractionAlone.totalSeconds, 2)}: ${aloneByKind}`],
    ['  estimate + queue (→ first call)', secs(r.phases.estimateAndQueueSeconds, 3)],
    ['  grading (first call → last job done)', secs(r.phases.gradingSeconds, 2)],
    ['  report + exit', secs(r.phases.reportAndExitSeconds, 3)],
    [
      'graded / failed / other',
      `${r.submissions.graded} / ${r.submissions.failed}${Object.keys(r.submissions.failuresByCode).length ? ` (${Object.entries(r.submissions.failuresByCode).map(([c, n]) => `${c}×${n}`).join(', ')})` : ''} / ${r.submissions.other}; exit ${r.exitCode}, batch ${r.batchStatus}`,
    ],
    [
      'API calls: CLI JSON / simulator received / billed',
      `${r.calls.cliJson} / ${r.calls.simulatorRequests} / ${r.calls.billedGenerations}; by model ${Object.entries(r.calls.byModel).map(([m, n]) => `${m} ${n}`).join(', ')}; not ok: ${Object.entries(r.calls.byOutcome).filter(([o]) => o !== 'ok').map(([o, n]) => `${o}×${n}`).join(', ') || '0'}`,
    ],
    ['call latency ok, p50 / p95 / max', `${fmt(r.calls.okLatencyMs.p50Ms, 0)} / ${fmt(r.calls.okLatencyMs.p95Ms, 0)} / ${fmt(r.calls.okLatencyMs.maxMs, 0)} ms`],
    [
      'cost: CLI JSON vs simulator ledger',
      `$${r.cost.cliJsonUsd === null ? 'null' : r.cost.cliJsonUsd.toFixed(6)} vs $${r.cost.ledgerUsd.toFixed(6)} (exact ${r.cost.ledgerUsd}): ${r.cost.equalToTheMicroDollar ? 'equal to the micro-dollar' : '**MISMATCH**'}`,
    ],
    ['CLI peak RSS (VmHWM)', r.process.peakRssMb === null ? '– (no /proc)' : `${fmt(r.process.peakRssMb, 1)} MB`],
    ['CLI CPU time (user + sys)', r.process.cpuSeconds === null ? '–' : `${fmt(r.process.cpuSeconds, 2)} s (${fmt((r.process.cpuUtilisation ?? 0) * 100, 0)} % of one core over the wall time)`],
    ['rate bound (calls / Σrpm + latency)', `${secs(b.rateSeconds)}; wall ÷ bound ${fmt(r.ratios.wallToRateBound, 2)}×, grading ÷ bound ${fmt(r.ratios.gradingToRateBound, 2)}×`],
    [
      'floor (sliding window, concurrency)',
      `${secs(b.floorSeconds)} (window ${secs(b.windowSeconds)}, concurrency ${secs(b.concurrencySeconds)}); grading ÷ floor ${fmt(r.ratios.gradingToFloor, 2)}×, wall ÷ floor ${fmt(r.ratios.wallToFloor, 2)}×`,
    ],
    ['throughput', `${fmt(r.throughputGradedPerMinute, 1)} graded / min (wall)`],
  ];
  return [
    `### Bench 3 — ${r.submissions.total} submissions end to end through the CLI${result.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${machineLine(result.machine)}; load average at end ${result.loadAverageAtEnd.join(' / ')}`,
    `Source (${result.source.dirs.join(", ")}): sha256 ${result.source.sha256} over ${result.source.files} files (git ${result.source.gitHead ?? '?'} + ${result.source.uncommitted ?? '?'} uncommitted)`,
    `Command: \`${s.command}\``,
    `Scenario: ${s.models.map((m) => `${m.id} (${m.rpm} rpm, ${m.maxConcurrency} at once${m.vision ? ', vision' : ''})`).join(', ')}, each on its own key; latency N(${s.latency.mean}, ${s.latency.sd}) ms, TTFT ${s.ttftMs} ms; ` +
      `faults ${Object.entries(s.faults).map(([k, v]) => `${k} ${v.rate * 100}%`).join(', ')}; retry max_attempts ${s.retry.max_attempts}; routing ${s.routing}; seed ${s.seed}.`,
    '',
    markdownTable(['measure', 'value'], rows),
  ].join('\n');
}
