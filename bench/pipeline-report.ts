/**
 * Bench 3's result: its JSON shape, the markdown table printed after a run, and the check that
 * fails the run (the CLI's cost against the simulator's ledger).
 */
import type { ExtractionAlone } from './pipeline-readback.ts';
import type { InputKind } from './pipeline-inputs.ts';
import type { PipelineBounds, PipelineScenario } from './pipeline-scenario.ts';
import { fmt, machineLine, markdownTable, type LatencySummary, type MachineInfo, type SourceFingerprint } from './stats.ts';

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

/** Dollars as whole micro-dollars, the precision the CLI's JSON and the ledger must agree to. */
export const micro = (usd: number): number => Math.round(usd * 1e6);

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
