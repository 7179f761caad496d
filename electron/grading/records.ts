/**
 * What the store has recorded of grading, read back for the teacher: a stored batch with the
 * plan it was started with, its DESIGN §6 report, the history of batches, a gradebook export,
 * and what the calls cost.
 */
import { AppError } from '../../shared/errors.ts';
import { closeDatabase, costByDay, costByModel, getBatch, latestUnfinishedBatch, openDatabase, sumApiCallCosts, type ReadableDB } from '../store/index.ts';
import { combineWith } from './batch/combine.ts';
import { parseStoredPlan, type BatchPlan } from './batch/plan.ts';
import { batchReport, historyReport, round6, type BatchReport } from './batch/report.ts';
import { exportBatch, type ExportFormat } from './export.ts';

/** A stored batch and the plan it was started with (settings resolved, pseudonym secret, config). */
export interface StoredBatch {
  id: string;
  plan: BatchPlan;
}

/** `costs --json` (DESIGN §6). */
interface CostSummary {
  total_usd: number | null;
  cost_unpriced?: true;
  estimated_calls: number;
  unpriced_calls: number;
  by_model: Array<{ model: string; calls: number; cost_usd: number | null }>;
  by_day: Array<{ day: string; cost_usd: number | null }>;
}

export interface GradingRecords {
  /** A stored batch's report (DESIGN §6), its gradings combined as its plan says. INVALID_INPUT when there is no such batch. */
  report(batchId: string): BatchReport | null;
  /** `history --json` without a batch id. */
  history(): ReturnType<typeof historyReport>;
  /** The gradebook file of a stored batch (DESIGN §6). INVALID_INPUT when there is no such batch. */
  exportBatch(batchId: string, format: ExportFormat): string;
  costSummary(): CostSummary;
}

function planOf(configJson: string): BatchPlan {
  const stored = parseStoredPlan(configJson);
  if (!stored.ok) throw new AppError(stored.error.code, stored.error.message);
  return stored.data;
}

/** The one way from a batch id to its report: the batch, the plan stored with it, the report combined by it. */
function storedReport(db: ReadableDB, batchId: string): { plan: BatchPlan; report: BatchReport | null } {
  const batch = getBatch(db, batchId);
  if (!batch) throw new AppError('INVALID_INPUT', `There is no batch ${batchId}.`);
  const plan = planOf(batch.configJson);
  return { plan, report: batchReport(db, batch.id, combineWith(plan.rubric)) };
}

/** What every recorded call cost, by model and by day, to the micro-dollar. */
function costSummary(db: ReadableDB): CostSummary {
  const byModel = costByModel(db, {});
  const byDay = costByDay(db, {});
  const all = sumApiCallCosts(db);
  // Null only for answers of a model without a price (DESIGN §6), as in a batch's report: a
  // cancelled call of unknown cost must not blank every total after it, but it is said.
  return {
    total_usd: all.unpricedAnswers > 0 ? null : round6(all.costUsd),
    ...(all.unpricedCalls > 0 ? { cost_unpriced: true as const } : {}),
    estimated_calls: all.estimatedCalls,
    unpriced_calls: all.unpricedCalls,
    by_model: byModel.map((m) => ({ model: m.modelId, calls: m.calls, cost_usd: m.unpricedAnswers > 0 ? null : round6(m.costUsd) })),
    by_day: byDay.map((d) => ({ day: d.day, cost_usd: d.unpricedAnswers > 0 ? null : round6(d.costUsd) })),
  };
}

export function gradingRecords(db: ReadableDB): GradingRecords {
  return {
    report: (batchId) => storedReport(db, batchId).report,
    history: () => historyReport(db),
    exportBatch(batchId, format) {
      const { plan, report } = storedReport(db, batchId);
      if (!report) throw new AppError('INVALID_INPUT', `There is no batch ${batchId}.`);
      return exportBatch(report, plan.rubric, format, plan.roster ?? []);
    },
    costSummary: () => costSummary(db),
  };
}

/**
 * The records alone, for the commands that only read what was recorded (history, costs,
 * export): no monitor, audit thread or HTTP pool to start and stop. The same file as the app's;
 * opening it migrates an older one, as the app would.
 */
export function openGradingRecords(dbPath: string): GradingRecords & { close(): void } {
  const db = openDatabase(dbPath);
  return { ...gradingRecords(db), close: () => closeDatabase(db) };
}

/**
 * The batch `resume` continues: the one named, else the latest unfinished one. A read-only look
 * before the core starts, so that it can start with the config stored with the batch. A store
 * that cannot be read as one answers "no batch", unless it is too new or corrupt.
 */
export function findBatchToResume(dbPath: string, batchId: string | undefined): StoredBatch {
  let batch;
  try {
    const db = openDatabase(dbPath, { readonly: true });
    try {
      batch = batchId ? getBatch(db, batchId) : latestUnfinishedBatch(db);
    } finally {
      closeDatabase(db);
    }
  } catch (error) {
    if (error instanceof AppError && error.code !== 'DATABASE_TOO_NEW' && error.code !== 'DATABASE_CORRUPT') batch = null;
    else throw error;
  }
  if (!batch) throw new AppError('INVALID_INPUT', batchId ? `There is no batch ${batchId}.` : 'There is no unfinished batch to resume.');
  return { id: batch.id, plan: planOf(batch.configJson) };
}
