/**
 * Bench 1 — what the call manager adds on top of one plain HTTP call.
 *
 * The simulator runs in its own process with zero latency and one model, answering JSON (no
 * streaming, no schema), so both sides do the same work on the wire. In one run, the same
 * number of calls goes through
 *   - raw: undici `request()` on a keep-alive Agent, the body the core would send, the answer
 *     read and JSON.parse'd;
 *   - core: `CallManager.execute` (strategy, breaker, pacer, retry bookkeeping, cost) with the
 *     monitor's attempt recorder writing audit rows to a real SQLite file in a temp dir;
 * sequentially (the sides taking turns call by call) and at concurrency 64 (in alternating
 * blocks), so drift on a noisy machine hits both equally.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { CallManager } from '../electron/api/call-manager.ts';
import { modelEntry } from '../electron/api/routing/model-registry.ts';
import type { AttemptSink } from '../electron/api/ports.ts';
import { buildRequestBody } from '../electron/api/client/request-body.ts';
import type { AttemptTarget, ChatRequest } from '../electron/api/client/types.ts';
import { spawnSimulator } from '../electron/simulator/index.ts';
import type { RemoteSimulatorHandle } from '../electron/simulator/index.ts';
import type { ApiCallRow, WritableDB } from '../electron/store/index.ts';
import { closeDatabase, openDatabase, queryOne, sql } from '../electron/store/index.ts';
import type * as MonitorModule from '../electron/monitor/index.ts';
import { fmt, log, machineInfo, machineLine, markdownTable, pool, summarize, type LatencySummary, type MachineInfo, sourceFingerprint, type SourceFingerprint } from './stats.ts';

const API_KEY = 'sk-bench-overhead';
const SLUG = 'sim/fast';
const CONCURRENCY = 64;
const BLOCKS = 10;
const GOAL_P50_MS = 0.1;
const GOAL_P99_MS = 0.5;

const REQUEST: ChatRequest = {
  system: 'You grade student work against a rubric.',
  parts: [{ type: 'text', text: 'The essay argues that homework should be optional, because rest helps learning.' }],
  maxTokens: 300,
};

/** The wire body the core sends for REQUEST (DESIGN §7, plain OpenAI dialect, no stream). */
function rawBody(): Record<string, unknown> {
  return {
    model: SLUG,
    messages: [
      { role: 'system', content: REQUEST.system },
      { role: 'user', content: REQUEST.parts },
    ],
    max_tokens: REQUEST.maxTokens,
  };
}

type SideName = 'raw' | 'core' | 'coreMemorySink';

interface Caller {
  name: SideName;
  call: () => Promise<boolean>;
}

function rawCaller(endpoint: string, agent: Agent): Caller {
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${API_KEY}` };
  return {
    name: 'raw',
    call: async () => {
      const res = await request(endpoint, { method: 'POST', headers, body: JSON.stringify(rawBody()), dispatcher: agent });
      const json = JSON.parse(await res.body.text()) as { choices?: Array<{ message?: { content?: unknown } }> };
      return res.statusCode === 200 && typeof json.choices?.[0]?.message?.content === 'string';
    },
  };
}

function coreCaller(manager: CallManager, name: SideName = 'core'): Caller {
  return {
    name,
    call: async () => (await manager.execute(REQUEST, { purpose: 'bench' })).ok,
  };
}

interface PhaseSamples {
  latencies: number[];
  wallMs: number;
  calls: number;
  failures: number;
}

const emptyPhase = (): PhaseSamples => ({ latencies: [], wallMs: 0, calls: 0, failures: 0 });

/** One call, timed; a throw counts as a failure. */
async function timedCall(caller: Caller): Promise<{ ms: number; ok: boolean }> {
  const t0 = performance.now();
  let ok = false;
  try {
    ok = await caller.call();
  } catch {
    ok = false;
  }
  return { ms: performance.now() - t0, ok };
}

/** Runs `count` calls, `concurrency` at a time, adding per-call latency and wall time to `into`. */
async function runBlock(caller: Caller, count: number, concurrency: number, into: PhaseSamples): Promise<void> {
  const latencies = new Float64Array(count);
  let failures = 0;
  const started = performance.now();
  const one = async (i: number): Promise<void> => {
    const { ms, ok } = await timedCall(caller);
    latencies[i] = ms;
    if (!ok) failures += 1;
  };
  if (concurrency <= 1) {
    for (let i = 0; i < count; i += 1) await one(i);
  } else {
    await pool(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      one,
    );
  }
  into.wallMs += performance.now() - started;
  into.calls += count;
  into.failures += failures;
  for (const v of latencies) into.latencies.push(v);
}

/**
 * Sequential calls, the sides taking turns call by call (the first side rotating), so a noisy
 * moment of the machine lands on every side alike instead of on one side's block.
 */
async function runInterleaved(callers: readonly Caller[], count: number, into: Record<SideName, PhaseSamples>): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    for (let k = 0; k < callers.length; k += 1) {
      const caller = callers[(i + k) % callers.length] as Caller;
      const { ms, ok } = await timedCall(caller);
      const phase = into[caller.name];
      phase.latencies.push(ms);
      phase.wallMs += ms;
      phase.calls += 1;
      if (!ok) phase.failures += 1;
    }
  }
}

export interface SideResult {
  calls: number;
  failures: number;
  latency: LatencySummary;
  throughputPerSec: number;
}

export interface ModeResult {
  mode: 'sequential' | 'concurrent';
  concurrency: number;
  raw: SideResult;
  core: SideResult;
  /** Diagnostic: the same core with rows pushed to an array instead of the monitor (SQLite). */
  coreMemorySink: SideResult | null;
  addedP50Ms: number;
  addedP95Ms: number;
  addedP99Ms: number;
}

export interface OverheadResult {
  bench: 'overhead';
  machine: MachineInfo;
  source: SourceFingerprint;
  /** 1/5/15-minute load averages when the run ended. */
  loadAverageAtEnd: number[];
  quick: boolean;
  callsPerSide: number;
  blocks: number;
  warmupPerSide: number;
  sink: string;
  simulator: string;
  modes: ModeResult[];
  goal: { addedP50Ms: number; addedP99Ms: number; mode: 'sequential'; met: boolean; p50Met: boolean; p99Met: boolean };
  auditRowsWritten: number;
  notes: string[];
}

function side(samples: PhaseSamples): SideResult {
  return {
    calls: samples.calls,
    failures: samples.failures,
    latency: summarize(samples.latencies),
    throughputPerSec: samples.calls / (samples.wallMs / 1000),
  };
}

async function runMode(
  mode: ModeResult['mode'],
  concurrency: number,
  callers: readonly Caller[],
  n: number,
  sim: RemoteSimulatorHandle,
): Promise<ModeResult> {
  const perBlock = Math.max(1, Math.floor(n / BLOCKS));
  const samples: Record<SideName, PhaseSamples> = { raw: emptyPhase(), core: emptyPhase(), coreMemorySink: emptyPhase() };
  for (let b = 0; b < BLOCKS; b += 1) {
    // Rotate who goes first (and reverse every other block), so a trend during the run favours no side.
    const rotated = callers.map((_, i) => callers[(i + b) % callers.length] as Caller);
    const order = b % 2 === 0 ? rotated : rotated.reverse();
    if (concurrency <= 1) await runInterleaved(order, perBlock, samples);
    else {
      for (const caller of order) {
        await runBlock(caller, perBlock, concurrency, samples[caller.name]);
      }
    }
    // Keep the simulator's request log and ledger small; not timed.
    await sim.reset();
    log(`  ${mode} block ${b + 1}/${BLOCKS} done`);
  }
  const rawSide = side(samples.raw);
  const coreSide = side(samples.core);
  return {
    mode,
    concurrency,
    raw: rawSide,
    core: coreSide,
    coreMemorySink: samples.coreMemorySink.calls > 0 ? side(samples.coreMemorySink) : null,
    addedP50Ms: coreSide.latency.p50Ms - rawSide.latency.p50Ms,
    addedP95Ms: coreSide.latency.p95Ms - rawSide.latency.p95Ms,
    addedP99Ms: coreSide.latency.p99Ms - rawSide.latency.p99Ms,
  };
}

/**
 * Rows go into an array (emptied every `cap` rows so memory stays flat): the fallback when the
 * monitor is not available, and the diagnostic side that shows what the SQLite recorder costs.
 */
class ArraySink implements AttemptSink {
  private rows: ApiCallRow[] = [];
  count = 0;
  constructor(private readonly cap = 10_000) {}
  record(row: ApiCallRow): void {
    if (this.rows.length >= this.cap) this.rows = [];
    this.rows.push(row);
    this.count += 1;
  }
}

interface SinkSetup {
  sink: AttemptSink;
  description: string;
  rowsWritten: () => number;
  close: () => void;
}

/** The monitor's recorder on a real SQLite file when the monitor module provides one. */
async function makeSink(dir: string): Promise<SinkSetup> {
  let monitorModule: typeof MonitorModule | null = null;
  try {
    monitorModule = await import('../electron/monitor/index.ts');
  } catch (error) {
    log(`monitor module not loadable (${String(error)}); using an in-memory sink`);
  }
  if (monitorModule && typeof monitorModule.createMonitor === 'function') {
    const file = path.join(dir, 'bench.sqlite');
    const db: WritableDB = openDatabase(file);
    // As the app composes it: the audit trail on its own thread and connection (synchronous=NORMAL).
    const monitor = monitorModule.createMonitor({ db, auditThread: { dbPath: file }, config: null, idleTickMs: 0, onError: (error, source) => log(`monitor ${source} error: ${String(error)}`) });
    monitor.flush(); // the audit thread has started before anything is timed
    return {
      sink: monitor.recorder,
      description: 'createMonitor(...).recorder (live metrics + alert engine on the main thread; audit rows written to a SQLite file in a temp dir by the audit thread, WAL, synchronous=NORMAL, as the app composes it)',
      rowsWritten: () => {
        monitor.flush();
        return queryOne<{ n: number }>(db, sql`SELECT count(*) AS n FROM api_calls`)?.n ?? 0;
      },
      close: () => {
        monitor.close();
        closeDatabase(db);
      },
    };
  }
  const sink = new ArraySink();
  return { sink, description: 'in-memory array sink (monitor recorder not available)', rowsWritten: () => sink.count, close: () => undefined };
}

export async function runOverhead(options: { quick: boolean; calls?: number; diagnostic?: boolean }): Promise<OverheadResult> {
  const n = options.calls ?? (options.quick ? 2_000 : 20_000);
  const warmup = 500;
  const machine = machineInfo();
  // Taken before the run: the code that was loaded, not whatever is on disk at the end.
  const source = sourceFingerprint();
  log(`bench overhead: ${n} calls per side per mode, machine: ${machineLine(machine)}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradedesk-bench-'));
  let sim: RemoteSimulatorHandle | null = null;
  let sinkSetup: SinkSetup | null = null;
  const rawAgent = new Agent({ keepAliveTimeout: 60_000 });
  const coreAgent = new Agent({ keepAliveTimeout: 60_000 });
  const memoryAgent = new Agent({ keepAliveTimeout: 60_000 });
  try {
    sim = await spawnSimulator({ seed: 1, profile: { latencyMs: 0, ttftMs: 0 } });
    const endpoint = `${sim.baseUrl}/chat/completions`;
    sinkSetup = await makeSink(dir);
    const entry = modelEntry('sim-fast', {
      endpoint,
      model: SLUG,
      api: 'openai',
      api_key_env: 'BENCH_KEY',
      structured_output: true,
      input_cost_per_token: 1e-7,
      output_cost_per_token: 4e-7,
      max_concurrency: CONCURRENCY,
    });
    // The bodies must be byte-identical, or the comparison is not fair.
    const target: AttemptTarget = {
      modelId: entry.id,
      endpoint,
      slug: entry.slug,
      dialect: entry.dialect,
      apiKey: API_KEY,
      prices: entry.prices,
      structuredOutput: entry.structuredOutput,
      dataCollection: null,
    };
    if (JSON.stringify(buildRequestBody(target, REQUEST, false)) !== JSON.stringify(rawBody())) {
      throw new Error('raw body differs from the body the core sends');
    }
    const manager = new CallManager({
      models: [entry],
      keys: async (name) => (name === 'BENCH_KEY' ? API_KEY : null),
      sink: sinkSetup.sink,
      dispatcher: coreAgent,
      settings: { stream: false, maxConcurrency: CONCURRENCY, strategy: 'performance' },
    });
    const memorySink = new ArraySink();
    const managerMemorySink = new CallManager({
      models: [entry],
      keys: async (name) => (name === 'BENCH_KEY' ? API_KEY : null),
      sink: memorySink,
      dispatcher: memoryAgent,
      settings: { stream: false, maxConcurrency: CONCURRENCY, strategy: 'performance' },
    });
    const callers = [rawCaller(endpoint, rawAgent), coreCaller(manager)];
    if (options.diagnostic) callers.push(coreCaller(managerMemorySink, 'coreMemorySink'));

    log('  warm-up');
    for (const caller of callers) {
      const sink = emptyPhase();
      await runBlock(caller, warmup, 1, sink);
      await runBlock(caller, warmup, CONCURRENCY, sink);
      if (sink.failures > 0) throw new Error(`${caller.name} failed ${sink.failures} warm-up calls`);
    }
    await sim.reset();

    const modes: ModeResult[] = [];
    modes.push(await runMode('sequential', 1, callers, n, sim));
    modes.push(await runMode('concurrent', CONCURRENCY, callers, n, sim));
    const rowsWritten = sinkSetup.rowsWritten();

    const seq = modes[0] as ModeResult;
    const p50Met = seq.addedP50Ms <= GOAL_P50_MS;
    const p99Met = seq.addedP99Ms <= GOAL_P99_MS;
    return {
      bench: 'overhead',
      machine,
      source,
      loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
      quick: options.quick,
      callsPerSide: n,
      blocks: BLOCKS,
      warmupPerSide: warmup * 2,
      sink: sinkSetup.description,
      simulator: 'spawnSimulator (own process), latency 0, TTFT 0, one model (sim/fast), JSON answers, no schema',
      modes,
      goal: { addedP50Ms: GOAL_P50_MS, addedP99Ms: GOAL_P99_MS, mode: 'sequential', met: p50Met && p99Met, p50Met, p99Met },
      auditRowsWritten: rowsWritten,
      notes: [
        'Latency is per call, from before the call to after the parsed answer (raw) or the CallOutcome (core).',
        `Sequential: the sides take turns call by call (who goes first rotates), in ${BLOCKS} blocks; throughput is calls over the summed call time. Concurrency ${CONCURRENCY}: the sides alternate in ${BLOCKS} blocks (who goes first rotates). The simulator is reset between blocks (not timed).`,
        'Both sides use their own undici Agent with the same options (keep-alive 60 s, no connection cap).',
        'Added latency = core percentile − raw percentile (not a paired difference).',
        'The diagnostic row (--diagnostic) is the same core with audit rows pushed to an array instead of the monitor, to show what the SQLite recorder costs; the goal is judged on the row with the monitor.',
      ],
    };
  } finally {
    sinkSetup?.close();
    await Promise.allSettled([rawAgent.close(), coreAgent.close(), memoryAgent.close()]);
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function overheadTable(result: OverheadResult): string {
  const rows: string[][] = [];
  for (const m of result.modes) {
    for (const s of ['raw', 'core', 'coreMemorySink'] as const) {
      const r = m[s];
      if (r === null) continue;
      rows.push([
        m.mode === 'sequential' ? 'sequential' : `concurrency ${m.concurrency}`,
        s === 'raw' ? 'raw undici' : s === 'core' ? 'GradeDesk core' : '(diagnostic) core, in-memory sink',
        String(r.calls),
        String(r.failures),
        fmt(r.latency.p50Ms),
        fmt(r.latency.p95Ms),
        fmt(r.latency.p99Ms),
        fmt(r.throughputPerSec, 0),
      ]);
    }
    rows.push([m.mode === 'sequential' ? 'sequential' : `concurrency ${m.concurrency}`, '**added (core − raw)**', '', '', fmt(m.addedP50Ms), fmt(m.addedP95Ms), fmt(m.addedP99Ms), '']);
  }
  const g = result.goal;
  const verdict = `Goal (sequential): added p50 ≤ ${g.addedP50Ms} ms — ${g.p50Met ? 'met' : 'NOT met'}; added p99 ≤ ${g.addedP99Ms} ms — ${g.p99Met ? 'met' : 'NOT met'}.`;
  return [
    `### Bench 1 — overhead (${result.callsPerSide} calls per side per mode${result.quick ? ', quick' : ''})`,
    '',
    `Machine: ${machineLine(result.machine)}`,
    `Core source: sha256 ${result.source.sha256} over ${result.source.files} files (git ${result.source.gitHead ?? '?'} + ${result.source.uncommitted ?? '?'} uncommitted)`,
    `Sink: ${result.sink}; audit rows written: ${result.auditRowsWritten}`,
    '',
    markdownTable(['mode', 'path', 'calls', 'failures', 'p50 ms', 'p95 ms', 'p99 ms', 'calls/s'], rows),
    '',
    verdict,
  ].join('\n');
}
