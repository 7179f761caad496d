/**
 * Grading a set of files, start to finish, on an open core: the one sequence behind
 * `gradedesk grade` (and `resume`, from the run on) and the app's own grading routes, so the
 * CLI and the app cannot drift apart. Plan → prepareBatch → the estimate against the budget →
 * runBatch → the DESIGN §6 report. Reading rubric and roster files, printing and exit codes
 * stay with the callers.
 */
import { pricesOf } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import { setBatchStatus, type BatchStatus } from '../store/index.ts';
import { combineWith } from './batch/combine.ts';
import { continuePreparation } from './batch/continue-preparation.ts';
import { gradingKit, type PreparedPseudonymizers } from './batch/kit.ts';
import { startPendingRedactions } from './batch/pending-images.ts';
import { newPseudonymSecret, type BatchPlan } from './batch/plan.ts';
import { prepareBatch, type ImagesInRedaction, type PrepareResult } from './batch/prepare.ts';
import { batchReport, type BatchReport } from './batch/report.ts';
import { runBatch, type RunControl, type RunReport } from './batch/run-batch.ts';
import type { GradingCore } from './core.ts';
import { estimateBatchCost, familyOfModel } from './estimate/index.ts';
import type { RosterEntry } from './privacy/index.ts';
import type { GradingSettingsInput } from './prompt/settings.ts';
import type { Rubric } from './rubric/index.ts';

export interface BatchProgress {
  done: number;
  failed: number;
  total: number;
}

export interface RunPlannedOptions {
  /** Calls in flight across all models. */
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  /** A new batch's images still being redacted; without it, `pending` submissions are read again. */
  images?: ImagesInRedaction;
  /** A new batch's pseudonymizers, built when it was prepared; without them, built again from the store. */
  pseudonymizers?: PreparedPseudonymizers;
  /** The app's pause, cancel, sample and per-job progress; none for the CLI. */
  control?: RunControl;
}

export interface RunPlannedResult {
  status: BatchStatus;
  report: BatchReport | null;
  /** Requests in flight when an earlier run stopped, sent again (each may have been paid twice). */
  retriedInDoubt: number;
}

/**
 * Every model the batch may use lacks its key: a setup error (exit 2), found before any job is
 * touched, so the batch stays as it was and can be resumed once the key is there.
 */
async function requireKeys(core: GradingCore, pool: readonly string[]): Promise<void> {
  const { ready, missingKeys } = await core.calls.keyCheck(pool);
  if (ready.length > 0 || missingKeys.length === 0) return;
  const names = [...new Set(missingKeys.map((m) => m.keyEnv))].join(', ');
  throw new AppError(
    'MISSING_API_KEY',
    `No API key for ${missingKeys.map((m) => m.modelId).join(', ')}: set ${names} or add the key in Settings (a batch graded with --demo is resumed with --demo). Nothing was sent.`,
  );
}

/**
 * Why no model of the batch can be asked any more, once a job failed for a setup cause: every
 * model's key refused or missing, or its account out of credits. Null while some model can be.
 * The message names the models and the key variables, and says how to carry on.
 */
async function everyModelRefused(core: GradingCore, pool: readonly string[]): Promise<{ code: string; message: string } | null> {
  const { ready, missingKeys, refused } = await core.calls.keyCheck(pool);
  if (ready.length > 0 || (refused.length === 0 && missingKeys.length === 0)) return null;
  const codes = new Set<string>([...refused.map((r) => r.code), ...(missingKeys.length > 0 ? ['MISSING_API_KEY'] : [])]);
  const code = ['INVALID_API_KEY', 'OUT_OF_CREDITS', 'MISSING_API_KEY'].find((c) => codes.has(c)) ?? [...codes][0] ?? 'NO_MODEL_AVAILABLE';
  const models = [...refused.map((r) => r.modelId), ...missingKeys.map((m) => m.modelId)].join(', ');
  const keys = [...new Set([...refused.map((r) => r.keyEnv), ...missingKeys.map((m) => m.keyEnv)].filter((k): k is string => k !== null))].join(', ');
  const keyWords = keys ? ` (the key in ${keys})` : '';
  const what =
    code === 'OUT_OF_CREDITS'
      ? `The provider account${keyWords} is out of credits for ${models}: add credits`
      : code === 'MISSING_API_KEY'
        ? `No API key for ${models}: set ${keys || 'the key'} or add the key in Settings`
        : code === 'INVALID_API_KEY'
          ? `The provider refused the API key${keyWords} for ${models}: set the right key`
          : `The provider refused ${models} (${code}): check the config`;
  return { code, message: `${what}, then resume the batch. Grading stopped; the submissions not graded wait in the queue.` };
}

/**
 * Works a prepared (or resumed) batch's queue, then reports the whole batch. A resumed batch
 * whose files were not all read reads the rest first (continue-preparation.ts). Submissions
 * whose images are still being redacted join the queue as they are done, while the rest is graded.
 */
export async function runPlannedBatch(core: GradingCore, plan: BatchPlan, batchId: string, options: RunPlannedOptions): Promise<RunPlannedResult> {
  let images = options.images;
  try {
    await requireKeys(core, plan.pool);
    // A batch whose files were not all read when it stopped: the rest are read first.
    images ??= (await continuePreparation(core.db, { batchId, plan, signal: options.signal })) ?? undefined;
  } catch (error) {
    await options.images?.stop();
    throw error;
  }
  const pending = startPendingRedactions(core.db, {
    batchId,
    plan,
    ...(images ? { images } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let result: RunReport;
  try {
    result = await runBatch({
      db: core.db,
      calls: core.calls,
      batchId,
      kit: gradingKit(plan, options.pseudonymizers),
      concurrency: options.concurrency,
      pool: plan.pool,
      arrivals: pending.arrivals,
      jobsPerArrival: pending.jobsPerArrival,
      setupProblem: () => everyModelRefused(core, plan.pool),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...options.control,
    });
  } finally {
    // After a stop (cancel, budget) no more images are read; those not done stay `pending`.
    await pending.stop();
  }
  core.monitor.flush();
  return { status: result.status, report: batchReport(core.db, batchId, combineWith(plan.rubric)), retriedInDoubt: result.retriedInDoubt };
}

export interface GradeFilesRequest {
  /** Files and folders, as given; a submission's `file` is built from them. */
  paths: string[];
  rubric: Rubric;
  roster: RosterEntry[] | null;
  /** Limits the pool the router picks from (`--model`); empty = every configured model. */
  models: readonly string[];
  compare: boolean;
  /** Overrides `budget.per_batch_usd`; undefined = the config's (none = no cap). */
  budgetUsd?: number | undefined;
  concurrency: number;
  source: 'cli' | 'app';
  /** File (as in `paths`) → the student's name the teacher gave; wins over the one detected. */
  students?: Readonly<Record<string, string>>;
  /** File (as in `paths`) → the name to record and show for it (the file as the teacher dropped it). */
  displayNames?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** The batch is recorded and about to run: its id and how many jobs it has. */
  onPrepared?: (prepared: PrepareResult) => void;
  onProgress?: (progress: BatchProgress) => void;
  /** Settings chosen for this batch (the app's new-batch screen), over the config's `grading` section. */
  settings?: GradingSettingsInput;
  /** The app's pause, cancel, sample and per-job progress. */
  control?: RunControl;
}

export type GradeFilesOutcome =
  | ({ kind: 'ran'; batchId: string } & RunPlannedResult)
  | {
      /** The estimate alone is over the budget: nothing was sent, the batch is `budget_stopped`. */
      kind: 'over_budget';
      batchId: string;
      estimateUsd: number;
      budgetUsd: number;
      report: BatchReport | null;
    };

/**
 * Grades files as a new batch. Config problems (none loaded, an unknown model, no models) are
 * AppErrors thrown before anything is read or sent; so are the file errors prepareBatch finds.
 */
export async function gradeFiles(core: GradingCore, request: GradeFilesRequest): Promise<GradeFilesOutcome> {
  const config = core.config;
  if (!config) throw new AppError(core.configError?.code ?? 'CONFIG_NOT_FOUND', core.configError?.message ?? 'No configuration.');
  const configured = Object.keys(config.models);
  const unknown = request.models.filter((m) => !configured.includes(m));
  if (unknown.length > 0) throw new AppError('MODEL_NOT_FOUND', `Not in the config: ${unknown.join(', ')}. Configured: ${configured.join(', ')}.`);
  const pool = request.models.length > 0 ? [...request.models] : configured;
  if (pool.length === 0) throw new AppError('CONFIG_INVALID', 'The config has no models.');
  await requireKeys(core, pool);
  // The CLI (DESIGN §6) has no choice of settings: they come from the config's `grading`
  // section, which prepareBatch resolves into the plan under those the app chose, if any.
  const given: BatchPlan = {
    rubric: request.rubric,
    roster: request.roster,
    pool,
    compare: request.compare,
    settings: request.settings ?? {},
    pseudonymSecret: newPseudonymSecret(),
    config,
  };
  const budget = request.budgetUsd ?? config.budget?.per_batch_usd ?? null;
  const prepared = await prepareBatch(core.db, {
    paths: request.paths,
    plan: given,
    budgetUsd: budget,
    estimateUsd: null,
    source: request.source,
    ...(request.students ? { students: request.students } : {}),
    ...(request.displayNames ? { displayNames: request.displayNames } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  // From here on the batch exists and OCR may be reading its photos. Whatever ends this call ends
  // the OCR workers too: runPlannedBatch once it runs, else (over budget, an error) the finally
  // below; photos left `pending` are read again by resume.
  let handedOver = false;
  try {
    const plan = prepared.plan;
    // The estimate, before anything is sent: the models a job may use, priced as configured,
    // with the page images each submission will send (a batch of photos is mostly images).
    const estimate = estimateBatchCost({
      submissions: prepared.toSend,
      rubric: plan.rubric,
      settings: plan.settings,
      models: pool.map((id) => {
        const model = config.models[id];
        return { id, prices: model ? pricesOf(model) : null, family: familyOfModel(id, model), vision: model?.vision ?? false };
      }),
    });
    const expected = request.compare ? estimate.pricedTotalUsd : Math.max(0, ...estimate.perModel.map((m) => m.costUsd ?? 0));
    if (budget !== null && expected > budget) {
      setBatchStatus(core.db, prepared.batchId, 'budget_stopped', Date.now());
      return {
        kind: 'over_budget',
        batchId: prepared.batchId,
        estimateUsd: expected,
        budgetUsd: budget,
        report: batchReport(core.db, prepared.batchId, combineWith(plan.rubric)),
      };
    }
    request.onPrepared?.(prepared);
    handedOver = true;
    const ran = await runPlannedBatch(core, plan, prepared.batchId, {
      concurrency: request.concurrency,
      images: prepared.images,
      pseudonymizers: prepared.pseudonymizers,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.control ? { control: request.control } : {}),
    });
    return { kind: 'ran', batchId: prepared.batchId, ...ran };
  } finally {
    if (!handedOver) await prepared.images.stop();
  }
}
