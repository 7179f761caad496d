/**
 * Consensus of several models' grades for one submission (DESIGN §6, `--compare`): per
 * criterion the median level; with an even number of models, the lower of the two middle
 * levels — a tie is resolved against the student rather than by averaging into a level the
 * rubric does not have, and the teacher reviews flagged work anyway.
 *
 * `models_disagree` is raised when, on any criterion, two models are more than one level
 * apart, counting levels in order of points (4/2/0: 4 vs 0 disagrees, 4 vs 2 does not).
 * `low_confidence` is raised when any model flagged its own grade, or when the evidence shown
 * for a consensus level was not found in the submission. Every model's scored answer is kept
 * in the output for the compare view.
 */
import { fail, ok, type Result } from '../../../shared/errors.ts';
import { criterionMax, levelRank, levelsAscending, maxScore } from '../rubric/points.ts';
import type { Rubric } from '../rubric/schema.ts';
import type { CriterionScore, GradeFlag, ScoredAnswer } from './score.ts';

export interface ModelGrade {
  model: string;
  scored: ScoredAnswer;
}

export interface ConsensusCriterion extends CriterionScore {
  /** Which model's evidence and feedback are shown (the first whose level is the consensus). */
  from_model: string;
  /** Each model's points for this criterion, in input order. */
  by_model: { model: string; points: number }[];
}

export interface Consensus {
  score: number;
  maxScore: number;
  criteria: ConsensusCriterion[];
  flags: GradeFlag[];
  /** Every model's grade, unchanged. */
  models: ModelGrade[];
}

/** Index of the consensus among `n` sorted values: the middle, or the lower middle for even n. */
export const medianIndex = (n: number): number => (n % 2 === 1 ? (n - 1) / 2 : n / 2 - 1);

export function consensus(rubric: Rubric, answers: readonly ModelGrade[]): Result<Consensus> {
  if (answers.length === 0) return fail('INVALID_INPUT', 'A consensus needs at least one graded answer.');
  const criteria: ConsensusCriterion[] = [];
  let disagree = false;
  let lowConfidence = false;
  for (const criterion of rubric.criteria) {
    const votes: { model: string; rank: number; score: CriterionScore }[] = [];
    for (const { model, scored } of answers) {
      const score = scored.criteria.find((c) => c.id === criterion.id);
      const rank = score === undefined ? -1 : levelRank(criterion, score.points);
      if (score === undefined || rank < 0) {
        return fail('SCHEMA_INVALID', `The grade of ${model} has no valid level for criterion "${criterion.name}".`);
      }
      votes.push({ model, rank, score });
    }
    const ranks = votes.map((v) => v.rank).sort((a, b) => a - b);
    if (ranks[ranks.length - 1]! - ranks[0]! > 1) disagree = true;
    const rank = ranks[medianIndex(ranks.length)]!;
    const chosen = votes.find((v) => v.rank === rank)!;
    if (!chosen.score.evidence_found) lowConfidence = true;
    criteria.push({
      ...chosen.score,
      points: levelsAscending(criterion)[rank]!.points,
      max_points: criterionMax(criterion),
      from_model: chosen.model,
      by_model: votes.map((v) => ({ model: v.model, points: v.score.points })),
    });
  }
  if (answers.some((a) => a.scored.flags.includes('low_confidence'))) lowConfidence = true;
  const flags: GradeFlag[] = [];
  if (disagree) flags.push('models_disagree');
  if (lowConfidence) flags.push('low_confidence');
  if (answers.some((a) => a.scored.flags.includes('possible_prompt_injection'))) flags.push('possible_prompt_injection');
  const score = criteria.reduce((sum, c) => sum + c.points, 0);
  return ok({ score, maxScore: maxScore(rubric), criteria, flags, models: [...answers] });
}
