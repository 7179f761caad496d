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
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeExtractionWorkers } from '../electron/grading/documents/index.ts';
import { spawnSimulator, type LedgerReport, type ReceivedRequest, type RemoteSimulatorHandle } from '../electron/simulator/index.ts';
import { REPO_ROOT, runCliChild, type CliRunResult } from './pipeline-cli.ts';
import { writeClassSet, type GeneratedFile } from './pipeline-inputs.ts';
import { extractionAlone, jobsDone, readDb, type CliReport, type DbTimes, type ExtractionAlone } from './pipeline-readback.ts';
import { micro, type PipelineResult } from './pipeline-report.ts';
import { pipelineBounds, pipelineScenario, simCatalog, simProfile, teacherConfig, type PipelineBounds, type PipelineScenario } from './pipeline-scenario.ts';
import { CORE_SOURCE_DIRS, fmt, log, machineInfo, machineLine, sourceFingerprint, type MachineInfo, type SourceFingerprint } from './stats.ts';

const RUBRIC = path.join(REPO_ROOT, 'demo', 'rubric.json');

const countBy = (values: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

const mb = (kb: number | null): number | null => (kb === null ? null : Math.round((kb / 1024) * 10) / 10);

/** The class set in a folder of `temp`, and the CLI built as it ships (before anything is timed). */
async function prepareInputs(s: PipelineScenario, temp: string): Promise<{ dir: string; files: GeneratedFile[] }> {
  const dir = path.join(temp, 'class 10B essays');
  mkdirSync(dir);
  log(`  generating ${s.submissions} submissions (${Object.entries(s.mix).map(([k, v]) => `${v} ${k}`).join(', ')}) in ${dir}`);
  const genStarted = performance.now();
  const files = await writeClassSet(dir, s.submissions, s.seed, log);
  log(`  generated in ${fmt((performance.now() - genStarted) / 1000, 1)} s`);
  log('  building the CLI as it ships (node scripts/build.mjs)');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, files };
}

interface CliInvocation {
  configPath: string;
  dbPath: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

/** The config file, database, arguments and environment a teacher's shell would give the CLI. */
function cliInvocation(s: PipelineScenario, temp: string, dir: string, baseUrl: string): CliInvocation {
  const configPath = path.join(temp, 'config.json');
  writeFileSync(configPath, JSON.stringify(teacherConfig(s, baseUrl), null, 2));
  const dbPath = path.join(temp, 'gradedesk.sqlite');
  const argv = ['grade', dir, '--rubric', RUBRIC, '--config', configPath, '--db', dbPath, '--json', '--concurrency', String(s.concurrency)];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...Object.fromEntries(s.models.map((m) => [m.keyEnv, m.key])) };
  delete env.GRADEDESK_DB;
  delete env.GRADEDESK_CONFIG;
  return { configPath, dbPath, argv, env };
}

/** Runs the CLI to its end and parses its --json report; throws if it was stopped, crashed or printed no JSON. */
async function gradeWithCli(s: PipelineScenario, cli: CliInvocation, stop: AbortSignal): Promise<{ run: CliRunResult; report: CliReport }> {
  log(`  running the CLI (cap ${s.capMs / 1000} s)`);
  const run = await runCliChild(cli.argv, cli.env, s.capMs, stop, (elapsed, sample) => {
    const jobs = jobsDone(cli.dbPath);
    log(
      `  ${fmt(elapsed, 0)} s: ${jobs ? `${jobs.done ?? 0} graded, ${jobs.failed ?? 0} failed` : 'extracting (no batch yet)'}` +
        `${sample?.vmRssKb != null ? `, CLI RSS ${fmt(sample.vmRssKb / 1024, 0)} MB` : ''}${sample?.cpuSeconds != null ? `, CPU ${fmt(sample.cpuSeconds, 1)} s` : ''}`,
    );
  });
  if (stop.aborted) throw new Error('interrupted');
  if (run.stoppedAtCap) throw new Error(`the CLI did not finish within ${s.capMs / 1000} s. stderr:\n${run.stderrTail}`);
  log(`  CLI exited with ${run.code ?? run.signal} after ${fmt(run.wallSeconds, 2)} s`);
  if (run.code !== 0 && run.code !== 1) throw new Error(`the CLI exited with ${run.code ?? run.signal} (0 or 1 expected). stderr:\n${run.stderrTail}`);
  try {
    return { run, report: JSON.parse(run.stdout) as CliReport };
  } catch (error) {
    throw new Error(`the CLI's --json output did not parse (${String(error)}): ${run.stdout.slice(0, 500)}\nstderr:\n${run.stderrTail}`);
  }
}

/** Everything a run measured, for the result. */
interface RunFacts {
  s: PipelineScenario;
  quick: boolean;
  machine: MachineInfo;
  source: SourceFingerprint;
  bounds: PipelineBounds;
  dir: string;
  files: readonly GeneratedFile[];
  cli: CliInvocation;
  run: CliRunResult;
  report: CliReport;
  ledger: LedgerReport;
  requests: readonly ReceivedRequest[];
  db: DbTimes;
  alone: ExtractionAlone;
}

type InputsByKind = PipelineResult['scenario']['inputs']['byKind'];

function inputsByKind(files: readonly GeneratedFile[]): InputsByKind {
  const byKind: InputsByKind = {};
  for (const f of files) {
    const k = (byKind[f.kind] ??= { files: 0, bytes: 0, words: 0, pages: 0 });
    k.files += 1;
    k.bytes += f.bytes;
    k.words += f.words;
    k.pages += f.pages ?? 0;
  }
  return byKind;
}

function pipelineNotes({ report, requests, alone }: RunFacts, byKind: InputsByKind, equal: boolean): string[] {
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
  return notes;
}

/** The measures; `equal` is the cost check, judged once by the caller. */
function pipelineResults(f: RunFacts, equal: boolean): PipelineResult['results'] {
  const { run, report, ledger, requests, db, alone, bounds } = f;
  const graded = report.submissions.filter((x) => x.status === 'graded').length;
  const failed = report.submissions.filter((x) => x.status === 'failed');
  const phase = (from: number | null, to: number | null): number | null => (from === null || to === null ? null : (to - from) / 1000);
  const gradingSeconds = phase(db.firstCallStartedAt, db.lastJobFinishedAt);
  const cpu = run.lastSample?.cpuSeconds ?? null;
  const simulatorOutcomes = countBy(requests.map((r) => r.outcome));
  return {
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
  };
}

function pipelineResult(f: RunFacts): PipelineResult {
  const { s, report, ledger, dir, files, cli } = f;
  const equal = report.total_cost_usd !== null && micro(report.total_cost_usd) === micro(ledger.totalUsd);
  const byKind = inputsByKind(files);
  const notes = pipelineNotes(f, byKind, equal);
  return {
    bench: 'pipeline',
    machine: f.machine,
    source: f.source,
    loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    quick: f.quick,
    scenario: {
      ...s,
      simulator: 'spawnSimulator (own process), one key per model, rpm per key (sliding 60 s window)',
      command: `node dist-electron/cli.mjs ${cli.argv.map((a) => (a === dir ? '<dir>' : a === cli.configPath ? '<config>' : a === cli.dbPath ? '<db>' : a === RUBRIC ? 'demo/rubric.json' : a)).join(' ')}`,
      inputs: { bytes: files.reduce((sum, file) => sum + file.bytes, 0), byKind },
    },
    bounds: f.bounds,
    results: pipelineResults(f, equal),
    notes,
  };
}

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
    const { dir, files } = await prepareInputs(s, temp);
    sim = await spawnSimulator({ seed: s.seed, models: simCatalog(s), keys: Object.fromEntries(s.models.map((m) => [m.key, {}])), profile: simProfile(s) });
    const cli = cliInvocation(s, temp, dir, sim.baseUrl);
    const { run, report } = await gradeWithCli(s, cli, stop.signal);

    const [ledger, requests] = await Promise.all([sim.ledger(), sim.requests()]);
    await sim.close();
    sim = null;
    const db = readDb(cli.dbPath, report.batch_id);

    log('  timing extraction alone (same files, this process, one after another)');
    const alone = await extractionAlone(dir, files);

    const result = pipelineResult({ s, quick: options.quick, machine, source, bounds, dir, files, cli, run, report, ledger, requests, db, alone });
    const r = result.results;
    log(
      `  ${r.submissions.graded}/${report.submissions.length} graded, ${report.api_calls} calls, cost CLI $${report.total_cost_usd ?? 'null'} vs ledger $${ledger.totalUsd}` +
        `${r.cost.equalToTheMicroDollar ? '' : '  <-- MISMATCH'}, peak RSS ${r.process.peakRssMb ?? '?'} MB`,
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
