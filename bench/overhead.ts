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
import { Agent, request } from 'undici';
import { CallManager } from '../electron/api/call-manager.ts';
import { modelEntry, type ModelEntry } from '../electron/api/routing/model-registry.ts';
import type { AttemptSink } from '../electron/api/ports.ts';
import { buildRequestBody } from '../electron/api/client/request-body.ts';
import type { AttemptTarget, ChatRequest } from '../electron/api/client/types.ts';
import { spawnSimulator } from '../electron/simulator/index.ts';
import type { RemoteSimulatorHandle } from '../electron/simulator/index.ts';
import { ArraySink, makeSink, type SinkSetup } from './overhead-sink.ts';
import { BLOCKS, emptyPhase, runBlock, runMode, type Caller, type ModeResult, type SideName } from './overhead-timing.ts';
import { fmt, log, machineInfo, machineLine, markdownTable, type MachineInfo, sourceFingerprint, type SourceFingerprint } from './stats.ts';

const API_KEY = 'sk-bench-overhead';
const SLUG = 'sim/fast';
const CONCURRENCY = 64;
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

/** The one simulated model, as a teacher's config would declare it. */
function benchModel(endpoint: string): ModelEntry {
  return modelEntry('sim-fast', {
    endpoint,
    model: SLUG,
    api: 'openai',
    api_key_env: 'BENCH_KEY',
    structured_output: true,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 4e-7,
    max_concurrency: CONCURRENCY,
  });
}

/** The bodies must be byte-identical, or the comparison is not fair. */
function assertSameBody(entry: ModelEntry, endpoint: string): void {
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
}

function benchManager(entry: ModelEntry, sink: AttemptSink, dispatcher: Agent): CallManager {
  return new CallManager({
    models: [entry],
    keys: async (name) => (name === 'BENCH_KEY' ? API_KEY : null),
    sink,
    dispatcher,
    settings: { stream: false, maxConcurrency: CONCURRENCY, strategy: 'performance' },
  });
}

async function warmUp(callers: readonly Caller[], warmup: number): Promise<void> {
  log('  warm-up');
  for (const caller of callers) {
    const sink = emptyPhase();
    await runBlock(caller, warmup, 1, sink);
    await runBlock(caller, warmup, CONCURRENCY, sink);
    if (sink.failures > 0) throw new Error(`${caller.name} failed ${sink.failures} warm-up calls`);
  }
}

interface RunFacts {
  quick: boolean;
  n: number;
  warmup: number;
  machine: MachineInfo;
  source: SourceFingerprint;
  sink: SinkSetup;
  modes: ModeResult[];
}

function overheadResult({ quick, n, warmup, machine, source, sink, modes }: RunFacts): OverheadResult {
  const rowsWritten = sink.rowsWritten();
  const seq = modes[0] as ModeResult;
  const p50Met = seq.addedP50Ms <= GOAL_P50_MS;
  const p99Met = seq.addedP99Ms <= GOAL_P99_MS;
  return {
    bench: 'overhead',
    machine,
    source,
    loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    quick,
    callsPerSide: n,
    blocks: BLOCKS,
    warmupPerSide: warmup * 2,
    sink: sink.description,
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
    const entry = benchModel(endpoint);
    assertSameBody(entry, endpoint);
    const manager = benchManager(entry, sinkSetup.sink, coreAgent);
    const managerMemorySink = benchManager(entry, new ArraySink(), memoryAgent);
    const callers = [rawCaller(endpoint, rawAgent), coreCaller(manager)];
    if (options.diagnostic) callers.push(coreCaller(managerMemorySink, 'coreMemorySink'));

    await warmUp(callers, warmup);
    await sim.reset();

    const modes: ModeResult[] = [];
    modes.push(await runMode('sequential', 1, callers, n, sim));
    modes.push(await runMode('concurrent', CONCURRENCY, callers, n, sim));
    return overheadResult({ quick: options.quick, n, warmup, machine, source, sink: sinkSetup, modes });
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
