/** Grading prompts: settings, system message, marked submission, answer schema, injection scan. */
export {
  DEFAULT_SETTINGS,
  FEEDBACK_LANGUAGES,
  GradingSettingsSchema,
  type FeedbackLanguage,
  type GradingSettings,
  type GradingSettingsInput,
} from './settings.ts';
export { buildSystemPrompt, SUBMISSION_CLOSE, SUBMISSION_OPEN } from './system-prompt.ts';
export { newMarker, openLine, closeLine, defaultMarkerRandom, type MarkerRandom } from './marker.ts';
export {
  ANSWER_SCHEMA_NAME,
  answerSchemaFor,
  answerZodSchema,
  strictModeProblems,
  type AnswerSchema,
  type CriterionAnswer,
  type GradingAnswer,
} from './answer-schema.ts';
export {
  buildGradingRequest,
  userText,
  IMAGE_MIME_TYPES,
  USER_PREFACE,
  type GradingRequestInput,
  type SubmissionImage,
} from './request.ts';
export { scanForInjection, normalizeForScan, type InjectionScan, type InjectionScanInput } from './injection.ts';
