/**
 * Bench 1's timing harness: callers taking turns call by call (sequential) or in alternating
 * blocks (concurrent), so drift on a noisy machine hits every side equally.
 */
import { performance } from 'node:perf_hooks';
import type { RemoteSimulatorHandle } from '../electron/simulator/index.ts';
import { log, pool, summarize, type LatencySummary } from './stats.ts';

export const BLOCKS = 10;

export type SideName = 'raw' | 'core' | 'coreMemorySink';

export interface Caller {
  name: SideName;
  call: () => Promise<boolean>;
}

export interface PhaseSamples {
  latencies: number[];
  wallMs: number;
  calls: number;
  failures: number;
}

export const emptyPhase = (): PhaseSamples => ({ latencies: [], wallMs: 0, calls: 0, failures: 0 });

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
export async function runBlock(caller: Caller, count: number, concurrency: number, into: PhaseSamples): Promise<void> {
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

function side(samples: PhaseSamples): SideResult {
  return {
    calls: samples.calls,
    failures: samples.failures,
    latency: summarize(samples.latencies),
    throughputPerSec: samples.calls / (samples.wallMs / 1000),
  };
}

export async function runMode(
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
