/** How a graded submission's answers become its reported result (DESIGN §6). */
import { AppError } from '../../../shared/errors.ts';
import type { Rubric } from '../rubric/index.ts';
import { consensus, type ScoredAnswer } from '../scoring/index.ts';
import type { CombineGradings, CriterionReport } from './report.ts';

/** One model: its own result; several (compare mode): the consensus of DESIGN §6. */
export function combineWith(rubric: Rubric): CombineGradings {
  return (gradings) => {
    const first = gradings[0];
    const toReport = (c: { id: string; points: number; max_points: number; evidence: string; feedback: string }): CriterionReport => ({
      id: c.id,
      points: c.points,
      max_points: c.max_points,
      evidence: c.evidence,
      feedback: c.feedback,
    });
    if (gradings.length === 1 && first) {
      const value = first.value as ScoredAnswer;
      return { score: first.score, maxScore: first.maxScore, criteria: value.criteria.map(toReport), flags: first.flags };
    }
    const agreed = consensus(rubric, gradings.map((g) => ({ model: g.modelId, scored: g.value as ScoredAnswer })));
    if (!agreed.ok) throw new AppError(agreed.error.code, agreed.error.message);
    return { score: agreed.data.score, maxScore: agreed.data.maxScore, criteria: agreed.data.criteria.map(toReport), flags: [...agreed.data.flags] };
  };
}
