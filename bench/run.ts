/**
 * Entry point of `npm run bench`:
 *
 *   tsx bench/run.ts [overhead|batch|pipeline|history|costs] [--quick] [--calls N] [--diagnostic] [--only NAME] [--seed N | --seeds N,N,...]
 *
 * `costs` (run only when named) grows a database to 100,000 submissions and 1,000,000 attempts and
 * times the costs screen's first open on raw api_calls and on the rollups (JSON in costs.json).
 * Without a bench name all three run: overhead, batch, then pipeline (bench 3, a 100-submission
 * batch end to end through the CLI; 20 with --quick). `--calls` sets bench 1's calls per side,
 * `--diagnostic` adds bench 1's in-memory-sink row, `--only` runs the bench 2 contestants whose
 * name contains NAME (e.g. `--only core`), `--seed` gives bench 2 another fault pattern (the
 * default is 7), `--seeds` runs bench 2 once per pattern and adds a table of the speed-ups on
 * each (JSON in batch-seeds.json). Each prints a markdown table on stdout (progress goes to
 * stderr) and writes its JSON to bench/results/.
 */
import { runBatch, batchTable, seedsTable, type BatchResult } from './batch.ts';
import { costsTable, runCosts } from './costs.ts';
import { historyTable, runHistoryBench } from './history.ts';
import { overheadTable, runOverhead } from './overhead.ts';
import { runPipeline } from './pipeline.ts';
import { pipelineFailure, pipelineTable } from './pipeline-report.ts';
import { argValue, log, writeResult } from './stats.ts';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const names: string[] = argv.filter((a) => a === 'overhead' || a === 'batch' || a === 'pipeline' || a === 'history' || a === 'costs');
  const valued = ['--calls', '--only', '--seed', '--seeds'];
  const unknown = argv.filter((a, i) => !a.startsWith('--') && !names.includes(a) && !valued.includes(argv[i - 1] ?? ''));
  if (unknown.length > 0) {
    log(`unknown argument(s): ${unknown.join(' ')}\nusage: tsx bench/run.ts [overhead|batch|pipeline|history|costs] [--quick] [--calls N] [--diagnostic] [--only NAME] [--seed N | --seeds N,N,...]`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const callsText = argValue(argv, '--calls');
  const calls = callsText === undefined ? undefined : Number(callsText);
  if (calls !== undefined && !(Number.isInteger(calls) && calls > 0)) {
    log('--calls needs a positive integer');
    return 2;
  }
  const seedText = argValue(argv, '--seed');
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
    log('--seed needs a non-negative integer');
    return 2;
  }
  const seedsText = argValue(argv, '--seeds');
  const seeds = seedsText === undefined ? undefined : seedsText.split(',').map(Number);
  if (seeds !== undefined && (seeds.length === 0 || !seeds.every((n) => Number.isInteger(n) && n >= 0))) {
    log('--seeds needs non-negative integers separated by commas, e.g. --seeds 1,2,3,7');
    return 2;
  }
  if (seeds !== undefined && seed !== undefined) {
    log('--seed and --seeds exclude each other');
    return 2;
  }
  const run = names.length === 0 ? ['overhead', 'batch', 'pipeline'] : names;

  if (run.includes('overhead')) {
    const result = await runOverhead({ quick, diagnostic: argv.includes('--diagnostic'), ...(calls !== undefined ? { calls } : {}) });
    const file = writeResult('overhead.json', result);
    process.stdout.write(`${overheadTable(result)}\n\n`);
    log(`wrote ${file}`);
  }
  if (run.includes('batch')) {
    const only = argValue(argv, '--only');
    const results: BatchResult[] = [];
    for (const s of seeds ?? [seed]) {
      const result = await runBatch({ quick, ...(only !== undefined ? { only } : {}), ...(s !== undefined ? { seed: s } : {}) });
      process.stdout.write(`${batchTable(result)}\n\n`);
      results.push(result);
    }
    if (seeds === undefined) {
      log(`wrote ${writeResult('batch.json', results[0])}`);
    } else {
      process.stdout.write(`${seedsTable(results)}\n\n`);
      log(`wrote ${writeResult('batch-seeds.json', { bench: 'batch-seeds', seeds, runs: results })}`);
    }
  }
  if (run.includes('costs')) {
    const result = runCosts({ quick });
    process.stdout.write(`${costsTable(result)}\n\n`);
    log(`wrote ${writeResult('costs.json', result)}`);
  }
  if (run.includes('pipeline')) {
    const result = await runPipeline({ quick });
    const file = writeResult('pipeline.json', result);
    process.stdout.write(`${pipelineTable(result)}\n\n`);
    log(`wrote ${file}`);
    const failure = pipelineFailure(result);
    if (failure !== null) {
      log(`\n!!! bench pipeline FAILED: ${failure}\n`);
      return 1;
    }
  }
  if (run.includes('history')) {
    const result = await runHistoryBench();
    process.stdout.write(`${historyTable(result)}\n\n`);
    log(`wrote ${writeResult('history.json', result)}`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
