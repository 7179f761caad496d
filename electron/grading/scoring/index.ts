/** Scores computed in code from chosen levels, evidence checks, and multi-model consensus. */
export { scoreAnswer, type ScoredAnswer } from './score.ts';
export { consensus, medianIndex } from './consensus.ts';
export { evidenceFound } from './evidence.ts';
