/**
 * Score arithmetic of DESIGN §5: a criterion's maximum is its highest level, the rubric's
 * maximum is the sum. Kept apart from the schema so scoring and estimates share one rule.
 */
import type { Criterion, Level, Rubric } from './schema.ts';

/** Highest points of any level of the criterion. */
export function criterionMax(criterion: Criterion): number {
  return Math.max(...criterion.levels.map((level) => level.points));
}

/** Sum of every criterion's maximum. */
export function maxScore(rubric: Rubric): number {
  return rubric.criteria.reduce((sum, criterion) => sum + criterionMax(criterion), 0);
}

/** Levels from fewest to most points: the order "more than one level apart" is measured in. */
export function levelsAscending(criterion: Criterion): Level[] {
  return [...criterion.levels].sort((a, b) => a.points - b.points);
}

/** Position of `points` among the criterion's levels (0 = lowest), or -1 if no level has them. */
export function levelRank(criterion: Criterion, points: number): number {
  return levelsAscending(criterion).findIndex((level) => level.points === points);
}
