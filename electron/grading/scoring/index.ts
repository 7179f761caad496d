/** Scores computed in code from chosen levels, evidence checks, and multi-model consensus. */
export { scoreAnswer, LOW_CONFIDENCE, type CriterionScore, type GradeFlag, type ScoredAnswer } from './score.ts';
export { consensus, medianIndex, type Consensus, type ConsensusCriterion, type ModelGrade } from './consensus.ts';
export { evidenceFound, normalizeForEvidence } from './evidence.ts';
