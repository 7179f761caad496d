/**
 * The estimate the new-batch screen shows before anything is sent: per model and in total (text
 * and images apart), by the same estimator and the same rule as the budget check of a start
 * (grade-files.ts), set against the batch's and the day's budget, with what happens to names.
 */
import { pricesOf, type Config } from '../../shared/config.ts';
import type { BatchEstimate, StartBatchInput } from '../../shared/ipc/runs.ts';
import { estimateBatchCost, familyOfModel, type SubmissionToEstimate } from '../grading/estimate/index.ts';
import { pseudonymizesNames } from '../grading/privacy/index.ts';
import type { Rubric } from '../grading/rubric/index.ts';
import type { StagedSelection } from '../intake/selection.ts';
import { localDay, queryOne, spendForDay, sql, type ReadableDB } from '../store/index.ts';
import type { EstimateReader } from './read-for-estimate.ts';
import { promptSettings } from './settings-input.ts';

export interface EstimateContext {
  db: ReadableDB;
  config: Config;
  /** The pool the batch would use: the chosen models, else every configured one. */
  pool: readonly string[];
  simulated: boolean;
  reader: EstimateReader;
  now?: () => number;
}

/** Whether any batch was graded with this rubric (the same content, whatever its id). */
function rubricUsedBefore(db: ReadableDB, rubricId: string): boolean {
  const row = queryOne<{ used: number }>(
    db,
    sql`SELECT 1 AS used FROM batches b JOIN rubrics r ON r.id = b.rubric_id
        WHERE r.id = ${rubricId} OR r.content_hash = (SELECT content_hash FROM rubrics WHERE id = ${rubricId}) LIMIT 1`,
  );
  return row !== undefined;
}

/** What each readable file will send, once per identical file (a copy is graded once). */
async function readSelection(
  ctx: EstimateContext,
  items: readonly string[],
  selection: StagedSelection,
): Promise<{ toSend: SubmissionToEstimate[]; unreadable: BatchEstimate['unreadable'] }> {
  const toSend: SubmissionToEstimate[] = [];
  const unreadable: BatchEstimate['unreadable'] = [];
  const seen = new Set<string>();
  for (const [n, path] of selection.paths.entries()) {
    const read = await ctx.reader.read(path);
    if (!read.ok) {
      unreadable.push({ item: items[n] ?? path, error: read.error });
      continue;
    }
    if (seen.has(read.hash)) continue;
    seen.add(read.hash);
    toSend.push(read.send);
  }
  return { toSend, unreadable };
}

function budgetOf(ctx: EstimateContext, input: StartBatchInput): BatchEstimate['budget'] {
  const perBatchUsd = input.budgetUsd ?? ctx.config.budget?.per_batch_usd ?? null;
  const perDayUsd = ctx.config.budget?.per_day_usd ?? null;
  const spentTodayUsd = spendForDay(ctx.db, localDay((ctx.now ?? Date.now)())).committedUsd;
  return { perBatchUsd, perDayUsd, spentTodayUsd, leftTodayUsd: perDayUsd === null ? null : Math.max(0, perDayUsd - spentTodayUsd) };
}

export async function estimateStart(ctx: EstimateContext, input: StartBatchInput, selection: StagedSelection, rubric: Rubric): Promise<BatchEstimate> {
  const { toSend, unreadable } = await readSelection(ctx, input.items, selection);
  const submissions = input.sampleSize === null ? toSend : toSend.slice(0, input.sampleSize);
  const estimate = estimateBatchCost({
    submissions,
    rubric,
    settings: promptSettings(input.settings),
    models: ctx.pool.map((id) => {
      const model = ctx.config.models[id];
      return { id, prices: model ? pricesOf(model) : null, family: familyOfModel(id, model), vision: model?.vision ?? false };
    }),
  });
  const perModel = estimate.perModel.map((m) => {
    const model = ctx.config.models[m.model];
    const prices = model ? pricesOf(model) : null;
    const priced = !m.unpriced && prices !== null && prices.input !== null && prices.output !== null;
    return {
      model: m.model,
      textTokens: m.textTokens,
      imageTokens: m.imageTokens,
      outputTokens: m.outputTokens,
      textUsd: priced ? m.textTokens * (prices.input ?? 0) + m.outputTokens * (prices.output ?? 0) : null,
      imageUsd: priced ? m.imageTokens * (prices.input ?? 0) : null,
      totalUsd: m.costUsd,
    };
  });
  // As the start's own check: every model in compare mode; with routing, the dearest it may pick.
  const anyUnpriced = perModel.some((m) => m.totalUsd === null);
  const expectedUsd = anyUnpriced ? null : input.compare ? estimate.pricedTotalUsd : Math.max(0, ...perModel.map((m) => m.totalUsd ?? 0));
  const budget = budgetOf(ctx, input);
  const overBudget =
    expectedUsd !== null && ((budget.perBatchUsd !== null && expectedUsd > budget.perBatchUsd) || (budget.leftTodayUsd !== null && expectedUsd > budget.leftTodayUsd));
  const rosterSize = selection.roster?.length ?? 0;
  return {
    submissions: submissions.length,
    allSubmissions: toSend.length,
    unreadable,
    perModel,
    expectedUsd,
    simulated: ctx.simulated,
    budget,
    overBudget,
    names: { mode: !pseudonymizesNames(ctx.config) ? 'off' : rosterSize > 0 ? 'roster' : 'no_roster', rosterSize },
    rubricIsNew: !rubricUsedBefore(ctx.db, input.rubricId),
  };
}
