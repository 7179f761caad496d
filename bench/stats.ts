/**
 * Small helpers shared by the benchmarks: percentiles, the machine description that goes into
 * every result file, markdown tables and argument parsing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentileOfSorted(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] as number;
}

export function summarize(samples: readonly number[] | Float64Array): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    meanMs: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    p50Ms: percentileOfSorted(sorted, 50),
    p95Ms: percentileOfSorted(sorted, 95),
    p99Ms: percentileOfSorted(sorted, 99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  };
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
  /** 1/5/15-minute load averages when the run started: other work on the machine shows here. */
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export interface SourceFingerprint {
  /** sha256 (first 16 hex) over the core's source files, so a result can be tied to the code it measured. */
  sha256: string;
  files: number;
  dirs: string[];
  gitHead: string | null;
  /** Files git reports as changed or new under those dirs (the tree is edited between commits). */
  uncommitted: number | null;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The core's sources: what benches 1 and 2 measure. */
export const CORE_SOURCE_DIRS: readonly string[] = ['electron/api', 'electron/common', 'electron/monitor', 'electron/store', 'electron/simulator'];

export function sourceFingerprint(dirs: readonly string[] = CORE_SOURCE_DIRS): SourceFingerprint {
  const hash = createHash('sha256');
  let files = 0;
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = (readdirSync(path.join(REPO_ROOT, dir), { recursive: true }) as string[]).filter((n) => n.endsWith('.ts')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      hash.update(`${dir}/${name}\u0000`);
      hash.update(readFileSync(path.join(REPO_ROOT, dir, name)));
      files += 1;
    }
  }
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const status = git(['status', '--porcelain', '--', ...dirs]);
  return {
    sha256: hash.digest('hex').slice(0, 16),
    files,
    dirs: [...dirs],
    gitHead: git(['rev-parse', '--short', 'HEAD']),
    uncommitted: status === null ? null : status.split('\n').filter((l) => l.trim() !== '').length,
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}, ${m.date}, load average at start ${m.loadAverageAtStart.join(' / ')}`;
}

/** A markdown table; every cell is already a string. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Fixed decimals, or '–' for a missing number. */
export function fmt(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Runs `fn` over `items` with at most `limit` at once: a fixed pool of workers. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
}

/** Reads `--name value` from argv; undefined when absent. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
