import { writeFileSync } from 'node:fs';
import type { Config } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import { createApp, type GradeDeskApp } from '../app/create-app.ts';
import {
  closeExtractionWorkers,
  createGradingService,
  findBatchToResume,
  openGradingRecords,
  readGradebookFile,
  readRosterFile,
  readRubricFile,
  type BatchReport,
  type RunPlannedResult,
} from '../grading/service.ts';
import { makeDataFolder, resolveDataFiles } from '../app/data-files.ts';
import { createEnvSecretStore } from '../secrets/secret-store.ts';
import { parseCliArgs, UsageError, USAGE, type CliArgs } from './args.ts';
import { counted, dollars } from './format.ts';

/** DESIGN §6 exit codes. */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, budget: 3, interrupted: 130 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

const exitFor = (status: string, report: BatchReport | null): number => {
  if (status === 'interrupted') return EXIT.interrupted;
  if (status === 'budget_stopped') return EXIT.budget;
  // Every model refused its key or has no credits: a setup error, and the batch is resumable.
  if (status === 'stopped') return EXIT.usage;
  if (report && report.submissions.some((s) => s.status !== 'graded' && s.status !== 'duplicate')) return EXIT.someFailed;
  return EXIT.ok;
};

async function openCore(args: CliArgs, io: CliIo, configValue?: Config): Promise<GradeDeskApp> {
  const files = resolveDataFiles({ ...io.env, ...(args.db ? { GRADEDESK_DB: args.db } : {}), ...(args.config ? { GRADEDESK_CONFIG: args.config } : {}) });
  makeDataFolder(files);
  return createApp({
    configPath: files.configPath,
    ...(configValue && !args.config ? { configValue } : {}),
    dbPath: files.dbPath,
    demo: args.demo,
    mode: 'browser',
    secrets: createEnvSecretStore(io.env),
    log: (level, message, details) => {
      // Config problems are reported by the commands that need a config; the rest stays quiet.
      if (level === 'error') io.stderr(`[${level}] ${message}${details ? ` ${JSON.stringify(details)}` : ''}\n`);
    },
  });
}

/**
 * The records alone, for the commands that only read what was recorded (history, costs,
 * export): no monitor, audit thread or HTTP pool to start and stop.
 */
function openRecords(args: CliArgs, io: CliIo): ReturnType<typeof openGradingRecords> {
  const files = resolveDataFiles({ ...io.env, ...(args.db ? { GRADEDESK_DB: args.db } : {}) });
  makeDataFolder(files);
  return openGradingRecords(files.dbPath);
}

function progressPrinter(io: CliIo): (p: { done: number; failed: number; total: number }) => void {
  if (!io.isTTY) return () => {};
  return ({ done, failed, total }) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round(((done + failed) / total) * width);
    io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done + failed}/${total}${failed ? ` (${failed} failed)` : ''}`);
  };
}

function printReport(report: BatchReport, args: CliArgs, io: CliIo): void {
  if (args.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (io.isTTY) io.stderr('\n');
  for (const s of report.submissions) {
    const what = s.status === 'graded' ? `${s.score}/${s.max_score}${s.flags?.length ? `  [${s.flags.join(', ')}]` : ''}` : s.status === 'failed' ? `failed: ${s.error?.code} ${s.error?.message}` : s.status;
    io.stdout(`${s.file}\t${s.student ?? ''}\t${what}\n`);
  }
  const cost = dollars(report.total_cost_usd, 'unknown (a model without a price)') + costCaveats(report);
  io.stdout(`batch ${report.batch_id}: ${report.status}, ${counted(report.api_calls, 'API call')}, cost ${cost}` + (report.possible_duplicate_paid_calls ? `, ${counted(report.possible_duplicate_paid_calls, 'call')} may have been paid twice` : '') + '\n');
}

/** What a total does not hold exactly: calls we estimated, calls of unknown cost it leaves out. */
function costCaveats(totals: { estimated_calls: number; unpriced_calls: number }): string {
  const notes = [
    ...(totals.estimated_calls > 0 ? [`${counted(totals.estimated_calls, 'call')} estimated`] : []),
    ...(totals.unpriced_calls > 0 ? [`${counted(totals.unpriced_calls, 'call')} of unknown cost not included`] : []),
  ];
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

/** Prints what a run ended with and answers its exit code. */
function finishRun(result: RunPlannedResult, args: CliArgs, io: CliIo): number {
  if (result.report) printReport(result.report, args, io);
  if (result.report?.error) io.stderr(`${result.report.error.code}: ${result.report.error.message}\n`);
  if (result.retriedInDoubt > 0) io.stderr(`${result.retriedInDoubt} request(s) in flight when the last run stopped were sent again; each may have been paid twice.\n`);
  return exitFor(result.status, result.report);
}

async function grade(args: CliArgs, io: CliIo): Promise<number> {
  if (!args.rubric) throw new UsageError('grade needs --rubric <file>.');
  if (args.positionals.length === 0) throw new UsageError('grade needs at least one file or folder.');
  const rubric = await readRubricFile(args.rubric);
  const roster = args.roster ? readRosterFile(args.roster) : null;
  const app = await openCore(args, io);
  try {
    const outcome = await createGradingService(app).grade({
      paths: args.positionals,
      rubric,
      roster,
      models: args.models,
      compare: args.compare,
      budgetUsd: args.budget,
      concurrency: args.concurrency ?? 4,
      source: 'cli',
      signal: io.signal,
      onProgress: progressPrinter(io),
    });
    if (outcome.kind === 'over_budget') {
      io.stderr(`The estimated cost ${dollars(outcome.estimateUsd)} is over the budget $${outcome.budgetUsd}; nothing was sent. Raise --budget or grade fewer files.\n`);
      if (outcome.report) printReport(outcome.report, args, io);
      return EXIT.budget;
    }
    return finishRun(outcome, args, io);
  } finally {
    await app.close();
  }
}

async function resume(args: CliArgs, io: CliIo): Promise<number> {
  // Find the batch first (a read-only look), so the core starts with the config stored with it,
  // unless --config says otherwise.
  const { dbPath } = resolveDataFiles({ ...io.env, ...(args.db ? { GRADEDESK_DB: args.db } : {}) });
  const batch = findBatchToResume(dbPath, args.positionals[0]);
  // The stored plan's settings, even with a new --config: one batch, one system prompt.
  const app = await openCore(args, io, batch.plan.config as Config);
  try {
    const result = await createGradingService(app).resume(batch, { budgetUsd: args.budget, concurrency: args.concurrency ?? 4, signal: io.signal, onProgress: progressPrinter(io) });
    return finishRun(result, args, io);
  } finally {
    await app.close();
  }
}

async function history(args: CliArgs, io: CliIo): Promise<number> {
  const records = openRecords(args, io);
  try {
    if (args.positionals[0]) {
      const report = records.report(args.positionals[0]);
      if (report) printReport(report, args, io);
      return EXIT.ok;
    }
    const all = records.history();
    if (args.json) io.stdout(`${JSON.stringify(all, null, 2)}\n`);
    else for (const b of all.batches) io.stdout(`${b.batch_id}\t${b.created_at}\t${b.status}\t${b.rubric}\t${b.graded}/${b.submissions} graded\t${dollars(b.total_cost_usd, 'cost unknown')}\n`);
    return EXIT.ok;
  } finally {
    records.close();
  }
}

async function costs(args: CliArgs, io: CliIo): Promise<number> {
  const records = openRecords(args, io);
  try {
    const out = records.costSummary();
    if (args.json) io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else {
      for (const m of out.by_model) io.stdout(`${m.model}\t${counted(m.calls, 'call')}\t${dollars(m.cost_usd)}\n`);
      io.stdout(`total\t${dollars(out.total_usd)}${costCaveats(out)}\n`);
      // Demo calls apart, so a teacher never reads made-up spend as real.
      for (const m of out.simulated?.by_model ?? []) io.stdout(`${m.model}\t${counted(m.calls, 'call')}\t${dollars(m.cost_usd)} (simulated, not charged)\n`);
    }
    return EXIT.ok;
  } finally {
    records.close();
  }
}

async function exportCommand(args: CliArgs, io: CliIo): Promise<number> {
  const id = args.positionals[0];
  if (!id || !args.format) throw new UsageError('export needs a batch id and --format csv|canvas|moodle.');
  const records = openRecords(args, io);
  try {
    const gradebook = args.gradebook === undefined ? undefined : { text: readGradebookFile(args.gradebook), ...(args.assignment ? { assignment: args.assignment } : {}) };
    const { text, unmatched } = records.exportBatch(id, args.format, gradebook);
    if (args.out) {
      try {
        // Grades and names: a new export file is the owner's alone, like the database.
        writeFileSync(args.out, text, { mode: 0o600 });
      } catch (error) {
        throw new AppError('INVALID_INPUT', `The export could not be written to ${args.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check that its folder exists and can be written.`);
      }
    }
    else io.stdout(text);
    if (unmatched.length === 0) return EXIT.ok;
    // Written, but not whole: these grades must be entered by hand (or the names corrected).
    io.stderr(`Not in the gradebook, so not filled in (${unmatched.length}): ${unmatched.join(', ')}. Enter their grades by hand, or correct the names and export again.\n`);
    return EXIT.someFailed;
  } finally {
    records.close();
  }
}

/** How the provider's model list resolved a model, for the `models` listing. */
function catalogNote(catalog: { status: string; requested: string; catalogId: string | null; message: string | null } | undefined): string {
  if (!catalog) return '';
  if (catalog.status === 'resolved') return `\tresolved from "${catalog.requested}" by the provider's model list`;
  return catalog.message ? `\t${catalog.message}` : '';
}

async function models(args: CliArgs, io: CliIo): Promise<number> {
  const app = await openCore({ ...args, db: args.db ?? ':memory:' }, io);
  try {
    if (!app.config) throw new AppError(app.configError?.code ?? 'CONFIG_NOT_FOUND', app.configError?.message ?? 'No configuration.');
    const list = await app.handlers.listModels({});
    if (args.json) io.stdout(`${JSON.stringify({ models: list.map(({ lastCheck: _l, ...m }) => m) }, null, 2)}\n`);
    else for (const m of list) io.stdout(`${m.id}\t${m.name}\t${m.slug}\t${m.endpoint}\t${m.inputCostPerToken === null ? 'unpriced' : `$${(m.inputCostPerToken * 1e6).toFixed(2)}/M in`}\tkey ${m.keyStatus}${catalogNote(m.catalog)}\n`);
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

/**
 * The teacher's decision on a photo whose names OCR could not paint over (REDACTION_FAILED):
 * send it as it is or skip it; `resume` then grades the submission.
 */
function decide(args: CliArgs, io: CliIo): number {
  const [batchId, file, decision] = args.positionals;
  if (!batchId || !file || (decision !== 'send' && decision !== 'skip')) {
    throw new UsageError('decide needs a batch id, the file as the report shows it, and send or skip.');
  }
  const records = openRecords(args, io);
  try {
    const decided = records.decideHeldImages(batchId, file, decision);
    if (!decided.ok) throw new AppError(decided.error.code, decided.error.message);
    const next = decided.data.status === 'failed' ? 'it has nothing else to grade, so it is marked failed' : `run \`gradedesk resume ${batchId}\` to grade it`;
    io.stdout(`${file}: ${decision === 'send' ? 'its image will be sent as it is' : 'its image will not be sent'}; ${next}.\n`);
    return EXIT.ok;
  } finally {
    records.close();
  }
}

/** Runs one command; never throws: every failure becomes a message on stderr and an exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message ? `${error.message}\n\n` : ''}${USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  try {
    switch (args.command) {
      case 'grade':
        return await grade(args, io);
      case 'resume':
        return await resume(args, io);
      case 'history':
        return await history(args, io);
      case 'costs':
        return await costs(args, io);
      case 'export':
        return await exportCommand(args, io);
      case 'models':
        return await models(args, io);
      case 'decide':
        return decide(args, io);
      case 'help':
        // Asked for: the usage is the answer, on stdout, and nothing went wrong.
        io.stdout(`${USAGE}\n`);
        return EXIT.ok;
      default:
        throw new UsageError(`Unknown command "${args.command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (error instanceof AppError) {
      io.stderr(`${error.code}: ${error.message}\n`);
      if (error.code === 'INTERNAL_ERROR') return EXIT.someFailed;
      return error.code === 'BUDGET_EXCEEDED' ? EXIT.budget : error.code === 'ABORTED' ? EXIT.interrupted : EXIT.usage;
    }
    io.stderr(`INTERNAL_ERROR: ${(error as Error).message}\n`);
    return EXIT.someFailed;
  } finally {
    await closeExtractionWorkers();
  }
}
