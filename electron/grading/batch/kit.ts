/** The grading logic the batch runner calls for each submission (its GradingKit). */
import { basename } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { ChatRequest } from '../../api/client/types.ts';
import type { SubmissionRow } from '../../store/index.ts';
import { privacyForSubmission, pseudonymizesNames, withNamedStudent, type Pseudonymizer } from '../privacy/index.ts';
import { buildGradingRequest } from '../prompt/index.ts';
import { scoreAnswer, type ScoredAnswer } from '../scoring/index.ts';
import type { GradingKit } from './grade-job.ts';
import type { BatchPlan } from './plan.ts';

/** A submission's pseudonymizer as prepareBatch built it, and the text it was built from. */
export interface PreparedPseudonymizer {
  text: string;
  pseudonymizer: Pseudonymizer;
}

/** By submission id: the pseudonymizers a new batch built while it read its files. */
export type PreparedPseudonymizers = ReadonlyMap<number, PreparedPseudonymizer>;

/**
 * The grading logic the batch runner calls: names become pseudonyms before the prompt is built,
 * the answer is scored against the text the model saw, and real names come back only in what
 * the teacher reads. A new batch hands over the pseudonymizers it built when it read its files;
 * a resumed one builds them again from the stored text, with the batch's secret, to the same
 * pseudonyms.
 */
export function gradingKit(plan: BatchPlan, prepared?: PreparedPseudonymizers): GradingKit {
  const seen = new Map<number, { text: string; restore: (s: string) => string }>();
  // `privacy.pseudonymize_names: false` is the teacher's explicit choice to send names as written.
  const pseudonymize = pseudonymizesNames(plan.config);
  const pseudonymizerOf = (submission: SubmissionRow): Pseudonymizer => {
    const built = prepared?.get(submission.id);
    // Built from the very text the store gave back, or built again from it.
    if (built && built.text === (submission.text ?? '')) return built.pseudonymizer;
    const detected = privacyForSubmission({ fileName: basename(submission.file), text: submission.text ?? '', roster: plan.roster, secret: plan.pseudonymSecret });
    // The student as recorded may be the teacher's correction, which no file name or list holds.
    return submission.student ? withNamedStudent(detected, submission.student, plan.roster, plan.pseudonymSecret).pseudonymizer : detected.pseudonymizer;
  };
  const privacyOf = (submission: SubmissionRow) => {
    let entry = seen.get(submission.id);
    if (!entry && !pseudonymize) {
      entry = { text: submission.text ?? '', restore: (s) => s };
      seen.set(submission.id, entry);
    }
    if (!entry) {
      const pseudonymizer = pseudonymizerOf(submission);
      entry = { text: pseudonymizer.pseudonymize(submission.text ?? ''), restore: (s) => pseudonymizer.restore(s) };
      seen.set(submission.id, entry);
    }
    return entry;
  };
  return {
    buildRequest(submission, images): ChatRequest {
      const { text } = privacyOf(submission);
      return buildGradingRequest({ rubric: plan.rubric, submissionText: text, images: images.map((i) => ({ mime: i.mime, data: i.data })), settings: plan.settings }).request;
    },
    score(submission, value) {
      const { text, restore } = privacyOf(submission);
      const scored = scoreAnswer(plan.rubric, value as Parameters<typeof scoreAnswer>[1], text);
      if (!scored.ok) throw new AppError(scored.error.code, scored.error.message);
      const s = scored.data;
      const criteria = s.criteria.map((c) => ({ ...c, evidence: restore(c.evidence), feedback: restore(c.feedback) }));
      const restored: ScoredAnswer = { ...s, criteria, overallFeedback: restore(s.overallFeedback) };
      return { score: s.score, maxScore: s.maxScore, criteria, flags: [...s.flags], value: restored };
    },
  };
}
