/** Grading prompts: settings, system message, marked submission, answer schema, injection scan. */

export { buildSystemPrompt, SUBMISSION_CLOSE, SUBMISSION_OPEN } from './system-prompt.ts';

export {
  ANSWER_SCHEMA_NAME,
  answerSchemaFor,
  strictModeProblems,
  type GradingAnswer,
} from './answer-schema.ts';
export { buildGradingRequest, USER_PREFACE } from './request.ts';
export { scanForInjection } from './injection.ts';
