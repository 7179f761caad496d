/**
 * How far each model agrees with the teacher's final grades: exact agreement, agreement within
 * one level, quadratic weighted kappa, a teacher × model confusion table and the mean points
 * difference per criterion. Pure: the store reads the decisions, this module only counts.
 *
 * Levels are positions on each criterion's own scale (its levels ordered by points), so a
 * criterion with 3 levels and one with 5 are each compared on their own scale. Kappa pools the
 * criteria the way a stratified kappa does: the weighted disagreement observed and the one
 * expected by chance are summed over every criterion (each with its own marginals and weights
 * (i − j)² / (k − 1)²), then κ = 1 − observed / expected. With one criterion this is Cohen's
 * quadratic weighted kappa exactly.
 */

/** One criterion decision both the teacher and a model made about one paper. */
export interface Decision {
  modelId: string;
  submissionId: number;
  /** Which scale the levels belong to (a criterion of one rubric). */
  criterionKey: string;
  /** The points of the criterion's levels; order does not matter. */
  levels: readonly number[];
  modelPoints: number;
  teacherPoints: number;
}

export interface CriterionBias {
  criterionKey: string;
  /** Mean of model points − teacher points: above 0 the model is more generous. */
  meanDifference: number;
  decisions: number;
}

export interface Confusion {
  criterionKey: string;
  /** Level points, lowest first: the order of rows (teacher) and columns (model). */
  levels: number[];
  /** counts[teacher level][model level]. */
  counts: number[][];
}

export interface ModelAgreement {
  modelId: string;
  /** Papers with at least one decision on a level: what the numbers rest on. */
  papers: number;
  /** Criterion decisions on a level, counted in the numbers below. */
  decisions: number;
  /** Decisions left out because the teacher's (or model's) points are not one of the levels. */
  offLevel: number;
  /** Share of decisions on the same level; null without decisions. */
  exact: number | null;
  /** Share of decisions at most one level apart; null without decisions. */
  withinOne: number | null;
  /** Quadratic weighted kappa; null when chance agreement cannot be told apart (one level only). */
  kappa: number | null;
  confusion: Confusion[];
  /** Includes off-level decisions: the points difference is still known. */
  bias: CriterionBias[];
}

interface Scale {
  levels: number[];
  counts: number[][];
}

function scaleFor(scales: Map<string, Scale>, d: Decision): Scale {
  let scale = scales.get(d.criterionKey);
  if (!scale) {
    const levels = [...new Set(d.levels)].sort((a, b) => a - b);
    scale = { levels, counts: levels.map(() => levels.map(() => 0)) };
    scales.set(d.criterionKey, scale);
  }
  return scale;
}

/** Observed and chance-expected quadratic weighted disagreement of one criterion's table. */
export function weightedDisagreement(counts: readonly (readonly number[])[]): { observed: number; expected: number; n: number } {
  const k = counts.length;
  const rows = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const cols = counts.map((_, j) => counts.reduce((sum, row) => sum + (row[j] ?? 0), 0));
  const n = rows.reduce((a, b) => a + b, 0);
  if (k < 2 || n === 0) return { observed: 0, expected: 0, n };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = (i - j) ** 2 / (k - 1) ** 2;
      observed += w * (counts[i]?.[j] ?? 0);
      expected += (w * (rows[i] ?? 0) * (cols[j] ?? 0)) / n;
    }
  }
  return { observed, expected, n };
}

/** Quadratic weighted kappa over several criteria's tables (one table: Cohen's QWK). */
export function pooledKappa(tables: readonly (readonly (readonly number[])[])[]): number | null {
  let observed = 0;
  let expected = 0;
  for (const table of tables) {
    const d = weightedDisagreement(table);
    observed += d.observed;
    expected += d.expected;
  }
  // Below this the expected disagreement is rounding noise: every decision sat on one level.
  if (expected < 1e-12) return null;
  return 1 - observed / expected;
}

function agreementOfModel(modelId: string, decisions: readonly Decision[]): ModelAgreement {
  const scales = new Map<string, Scale>();
  const differences = new Map<string, { sum: number; n: number }>();
  const papers = new Set<number>();
  let onLevel = 0;
  let offLevel = 0;
  let same = 0;
  let near = 0;
  for (const d of decisions) {
    const diff = differences.get(d.criterionKey) ?? { sum: 0, n: 0 };
    diff.sum += d.modelPoints - d.teacherPoints;
    diff.n += 1;
    differences.set(d.criterionKey, diff);
    const scale = scaleFor(scales, d);
    const t = scale.levels.indexOf(d.teacherPoints);
    const m = scale.levels.indexOf(d.modelPoints);
    const row = scale.counts[t];
    if (t < 0 || m < 0 || !row) {
      offLevel += 1;
      continue;
    }
    row[m] = (row[m] ?? 0) + 1;
    onLevel += 1;
    papers.add(d.submissionId);
    if (t === m) same += 1;
    if (Math.abs(t - m) <= 1) near += 1;
  }
  const confusion = [...scales].map(([criterionKey, s]) => ({ criterionKey, levels: s.levels, counts: s.counts }));
  return {
    modelId,
    papers: papers.size,
    decisions: onLevel,
    offLevel,
    exact: onLevel > 0 ? same / onLevel : null,
    withinOne: onLevel > 0 ? near / onLevel : null,
    kappa: pooledKappa(confusion.map((c) => c.counts)),
    confusion: confusion.filter((c) => c.counts.some((row) => row.some((n) => n > 0))),
    bias: [...differences].map(([criterionKey, d]) => ({ criterionKey, meanDifference: d.sum / d.n, decisions: d.n })),
  };
}

/** Each model's agreement with the teacher, in the order models first appear in `decisions`. */
export function agreementByModel(decisions: readonly Decision[]): ModelAgreement[] {
  const byModel = new Map<string, Decision[]>();
  for (const d of decisions) {
    const list = byModel.get(d.modelId) ?? [];
    list.push(d);
    byModel.set(d.modelId, list);
  }
  return [...byModel].map(([modelId, list]) => agreementOfModel(modelId, list));
}
