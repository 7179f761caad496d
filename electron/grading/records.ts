/**
 * What the store has recorded of grading, read back for the teacher: a stored batch with the
 * plan it was started with, its DESIGN §6 report, the history of batches, a gradebook export,
 * and what the calls cost.
 */
import { AppError, type Result } from '../../shared/errors.ts';
import { closeDatabase, costByDay, costByModel, getBatch, latestUnfinishedBatch, openDatabase, sumApiCallCosts, type HeldImagesDecision, type ReadableDB } from '../store/index.ts';
import { combineWith } from './batch/combine.ts';
import { decideHeldImages } from './batch/held-images.ts';
import { parseStoredPlan, type BatchPlan } from './batch/plan.ts';
import { batchReport, historyReport, round6, type BatchReport } from './batch/report.ts';
import { exportBatch, type ExportFormat, type ExportResult, type GradebookInput } from './export.ts';

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
  /** The demo provider's calls, apart: their cost is simulated and in none of the totals above. */
  simulated?: { calls: number; cost_usd: number; by_model: Array<{ model: string; calls: number; cost_usd: number }> };
}

export interface GradingRecords {
  /** A stored batch's report (DESIGN §6), its gradings combined as its plan says. INVALID_INPUT when there is no such batch. */
  report(batchId: string): BatchReport | null;
  /** `history --json` without a batch id. */
  history(): ReturnType<typeof historyReport>;
  /** The gradebook file of a stored batch (DESIGN §6). INVALID_INPUT when there is no such batch. */
  exportBatch(batchId: string, format: ExportFormat, gradebook?: GradebookInput): ExportResult;
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

/** What the demo provider's calls would have cost; absent when there were none. */
function simulatedSummary(db: ReadableDB): Pick<CostSummary, 'simulated'> {
  const byModel = costByModel(db, { simulated: true });
  if (byModel.length === 0) return {};
  return {
    simulated: {
      calls: byModel.reduce((s, m) => s + m.calls, 0),
      cost_usd: round6(byModel.reduce((s, m) => s + m.costUsd, 0)),
      by_model: byModel.map((m) => ({ model: m.modelId, calls: m.calls, cost_usd: m.costUsd })),
    },
  };
}

/** What every real call cost, by model and by day, to the micro-dollar; the demo's simulated calls apart. */
function costSummary(db: ReadableDB): CostSummary {
  const byModel = costByModel(db, { simulated: false });
  const byDay = costByDay(db, { simulated: false });
  const all = sumApiCallCosts(db, { simulated: false });
  // Null only for answers of a model without a price (DESIGN §6), as in a batch's report: a
  // cancelled call of unknown cost must not blank every total after it, but it is said.
  return {
    total_usd: all.unpricedAnswers > 0 ? null : round6(all.costUsd),
    ...(all.unpricedCalls > 0 ? { cost_unpriced: true as const } : {}),
    estimated_calls: all.estimatedCalls,
    unpriced_calls: all.unpricedCalls,
    by_model: byModel.map((m) => ({ model: m.modelId, calls: m.calls, cost_usd: m.unpricedAnswers > 0 ? null : round6(m.costUsd) })),
    by_day: byDay.map((d) => ({ day: d.day, cost_usd: d.unpricedAnswers > 0 ? null : round6(d.costUsd) })),
    ...simulatedSummary(db),
  };
}

export function gradingRecords(db: ReadableDB): GradingRecords {
  return {
    report: (batchId) => storedReport(db, batchId).report,
    history: () => historyReport(db),
    exportBatch(batchId, format, gradebook) {
      const { plan, report } = storedReport(db, batchId);
      if (!report) throw new AppError('INVALID_INPUT', `There is no batch ${batchId}.`);
      return exportBatch(report, plan.rubric, format, plan.roster ?? [], gradebook);
    },
    costSummary: () => costSummary(db),
  };
}

/**
 * The records alone, for the commands that only read what was recorded (history, costs,
 * export), or record the teacher's decision on held images (decide): no monitor, audit thread
 * or HTTP pool to start and stop. The same file as the app's; opening it migrates an older
 * one, as the app would.
 */
export function openGradingRecords(dbPath: string): GradingRecords & { close(): void; decideHeldImages: DecideHeldImages } {
  const db = openDatabase(dbPath);
  return {
    ...gradingRecords(db),
    decideHeldImages: (batchId, file, decision) => decideHeldImages(db, batchId, file, decision),
    close: () => closeDatabase(db),
  };
}

/** The teacher's decision on a submission whose images are held back (batch/held-images.ts). */
export type DecideHeldImages = (batchId: string, file: string, decision: HeldImagesDecision) => Result<{ status: 'extracted' | 'failed' }>;

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
