/**
 * Bench: how fast the costs screen opens on a grown database (100,000 submissions, 1,000,000
 * attempts over 180 days). "Before" times the monitor routes a costs screen would have called
 * (cost analysis, retry statistics, cost by day, the first attempts page), which scan
 * api_calls; "after" times the costs routes, which read the per-day rollups of migration 012.
 * Both on the same database, in the same run; the median of several runs each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attemptPage } from '../electron/costs/attempts.ts';
import { costsRetries } from '../electron/costs/retries.ts';
import { costsCharts, costsSummary } from '../electron/costs/summary.ts';
import { analyzeCosts } from '../electron/monitor/cost-analysis.ts';
import { closeDatabase, costByDay, listApiCalls, MIGRATIONS, openDatabase, retryStats, type ReadableDB } from '../electron/store/index.ts';
import { growDatabase, type GrownShape } from './costs-data.ts';
import { log, machineInfo, summarize, type LatencySummary, type MachineInfo } from './stats.ts';

const DAY_MS = 86_400_000;

export interface CostsBenchResult {
  bench: 'costs';
  machine: MachineInfo;
  shape: GrownShape;
  rangeDays: number;
  growMs: number;
  /** Migration 012: the rollups back-filled from every stored attempt. */
  backfillMs: number;
  runs: number;
  raw: Record<string, LatencySummary>;
  rollups: Record<string, LatencySummary>;
  /** Sum of the medians of the routes the screen calls on first open. */
  rawOpenMs: number;
  rollupOpenMs: number;
  /** The totals alone: what the screen shows first. */
  rollupFirstPaintMs: number;
  ratios: Record<string, number>;
}

function time(fn: () => unknown, runs: number): LatencySummary {
  fn(); // warm the page cache and the statement cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function timeRoutes(db: ReadableDB, now: number, rangeDays: number, runs: number): Pick<CostsBenchResult, 'raw' | 'rollups'> {
  const from = now - rangeDays * DAY_MS;
  const range = { fromDay: localDay(from), toDay: localDay(now) };
  const name = (id: string): string => id;
  return {
    raw: {
      costAnalysis: time(() => analyzeCosts(db, { range: { from }, now }), runs),
      retryStats: time(() => retryStats(db, { from }), runs),
      costByDay: time(() => costByDay(db, { from }), runs),
      attempts: time(() => listApiCalls(db, { limit: 100 }), runs),
    },
    rollups: {
      summary: time(() => costsSummary(db, range, name), runs),
      charts: time(() => costsCharts(db, range, name), runs),
      retries: time(() => costsRetries(db, range, { now, name }), runs),
      attempts: time(() => attemptPage(db, { limit: 100 }), runs),
    },
  };
}

export function runCosts(options: { quick: boolean }): CostsBenchResult {
  const shape: GrownShape = options.quick ? { submissions: 10_000, attempts: 100_000, days: 180 } : { submissions: 100_000, attempts: 1_000_000, days: 180 };
  const runs = options.quick ? 3 : 5;
  const rangeDays = 90;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradedesk-costs-bench-'));
  const file = path.join(dir, 'grown.db');
  try {
    const now = Date.now();
    const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 12) });
    let t0 = performance.now();
    growDatabase(before, now, shape);
    const growMs = performance.now() - t0;
    closeDatabase(before);
    log(`costs: grew ${shape.submissions} submissions and ${shape.attempts} attempts in ${Math.round(growMs)} ms`);
    t0 = performance.now();
    const db = openDatabase(file);
    const backfillMs = performance.now() - t0;
    log(`costs: migration 012 back-filled the rollups in ${Math.round(backfillMs)} ms`);
    const timed = timeRoutes(db, now, rangeDays, runs);
    closeDatabase(db);
    const med = (r: Record<string, LatencySummary>): number => Object.values(r).reduce((s, v) => s + v.p50Ms, 0);
    const rawOpenMs = med(timed.raw);
    const rollupOpenMs = med(timed.rollups);
    return {
      bench: 'costs',
      machine: machineInfo(),
      shape,
      rangeDays,
      growMs,
      backfillMs,
      runs,
      ...timed,
      rawOpenMs,
      rollupOpenMs,
      rollupFirstPaintMs: timed.rollups['summary']?.p50Ms ?? Number.NaN,
      ratios: {
        open: rawOpenMs / rollupOpenMs,
        costAnalysisVsSummaryAndCharts: (timed.raw['costAnalysis']?.p50Ms ?? 0) / ((timed.rollups['summary']?.p50Ms ?? 0) + (timed.rollups['charts']?.p50Ms ?? 0)),
        retryStats: (timed.raw['retryStats']?.p50Ms ?? 0) / (timed.rollups['retries']?.p50Ms ?? 1),
        costByDayVsCharts: (timed.raw['costByDay']?.p50Ms ?? 0) / (timed.rollups['charts']?.p50Ms ?? 1),
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function costsTable(r: CostsBenchResult): string {
  const row = (name: string, s: LatencySummary | undefined): string => `| ${name} | ${s ? s.p50Ms.toFixed(1) : '-'} | ${s ? s.maxMs.toFixed(1) : '-'} |`;
  return [
    `Costs screen, ${r.shape.submissions} submissions / ${r.shape.attempts} attempts, last ${r.rangeDays} days (back-fill ${Math.round(r.backfillMs)} ms)`,
    '',
    '| route | median ms | max ms |',
    '|---|---|---|',
    ...Object.entries(r.raw).map(([k, v]) => row(`raw ${k}`, v)),
    ...Object.entries(r.rollups).map(([k, v]) => row(`rollups ${k}`, v)),
    '',
    `Open: raw ${r.rawOpenMs.toFixed(1)} ms, rollups ${r.rollupOpenMs.toFixed(1)} ms (${r.ratios['open']?.toFixed(1)}× faster); totals shown after ${r.rollupFirstPaintMs.toFixed(1)} ms.`,
  ].join('\n');
}
