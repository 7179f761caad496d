/**
 * Turning one model's answer into a grade (DESIGN §5, §6). Totals are computed here from the
 * chosen levels — never taken from the model — so a score can never exceed the rubric. An
 * answer naming a level the criterion does not have, or missing a criterion, is rejected
 * even though the answer schema already forbids it: answers from models without native
 * structured output are only repaired, and a stored answer may predate a rubric edit.
 */
import { fail, ok, type Result } from '../../../shared/errors.ts';
import { criterionMax, maxScore } from '../rubric/points.ts';
import type { Rubric } from '../rubric/schema.ts';
import type { GradingAnswer } from '../prompt/answer-schema.ts';
import { evidenceFound } from './evidence.ts';

/** Below this self-reported confidence a grade is flagged for review. */
export const LOW_CONFIDENCE = 0.5;

export type GradeFlag = 'low_confidence' | 'models_disagree' | 'possible_prompt_injection' | 'no_text_layer';

/** One criterion in the DESIGN §6 output shape, plus whether its evidence was found. */
export interface CriterionScore {
  id: string;
  points: number;
  max_points: number;
  evidence: string;
  feedback: string;
  /** False when the quoted evidence does not occur in the submission; true for work with no text to check against. */
  evidence_found: boolean;
}

export interface ScoredAnswer {
  score: number;
  maxScore: number;
  criteria: CriterionScore[];
  overallFeedback: string;
  confidence: number;
  flags: GradeFlag[];
  /** The answer as the model gave it. */
  answer: GradingAnswer;
}

/**
 * Scores an answer against `submissionText` — the text the model saw (pseudonymized), so
 * that quotes of pseudonyms are found; restore names only afterwards.
 */
export function scoreAnswer(rubric: Rubric, answer: GradingAnswer, submissionText: string): Result<ScoredAnswer> {
  const criteria: CriterionScore[] = [];
  let score = 0;
  let evidenceMissing = false;
  const checkable = submissionText.trim() !== '';
  for (const criterion of rubric.criteria) {
    const given = answer.criteria[criterion.id];
    if (given === undefined) {
      return fail('SCHEMA_INVALID', `The answer has no level for criterion "${criterion.name}".`);
    }
    const level = criterion.levels.find((l) => l.points === given.level);
    if (level === undefined) {
      const allowed = criterion.levels.map((l) => l.points).join(', ');
      return fail('SCHEMA_INVALID', `The answer gives criterion "${criterion.name}" ${String(given.level)} points; its levels are ${allowed}.`);
    }
    const lowest = Math.min(...criterion.levels.map((l) => l.points));
    // An empty quote is honest for a criterion the work does not address at all. Work with no
    // text (a photo, a scan) has nothing to check a quote against: a quote read off the page is
    // not missing, and flagging every photo would teach the teacher to ignore the flag.
    const found = !checkable || (given.evidence.trim() === '' ? level.points === lowest : evidenceFound(given.evidence, submissionText));
    if (!found) evidenceMissing = true;
    score += level.points;
    criteria.push({
      id: criterion.id,
      points: level.points,
      max_points: criterionMax(criterion),
      evidence: given.evidence,
      feedback: given.feedback,
      evidence_found: found,
    });
  }
  const unknown = Object.keys(answer.criteria).filter((id) => !rubric.criteria.some((c) => c.id === id));
  if (unknown.length > 0) return fail('SCHEMA_INVALID', `The answer grades criteria the rubric does not have: ${unknown.join(', ')}.`);
  const confidence = Number.isFinite(answer.confidence) ? Math.min(1, Math.max(0, answer.confidence)) : 0;
  const flags: GradeFlag[] = evidenceMissing || confidence < LOW_CONFIDENCE ? ['low_confidence'] : [];
  // The model read words aimed at it: believed only when they are in the work, since a model can
  // invent a quote as easily as follow one; in work with no text (a photo) only the model could
  // read them, and a false alarm costs a glance where a missed one costs a wrong grade.
  const addressed = answer.addressed_to_grader?.trim() ?? '';
  if (addressed !== '' && (!checkable || evidenceFound(addressed, submissionText))) flags.push('possible_prompt_injection');
  const max = maxScore(rubric);
  return ok({ score: Math.min(score, max), maxScore: max, criteria, overallFeedback: answer.overall_feedback, confidence, flags, answer });
}
