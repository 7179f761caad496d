/** Students and privacy: roster, file → student, and name pseudonyms (DESIGN §6). */
export { decodeRosterBytes, parseRoster, MAX_ROSTER_ROWS, type RosterEntry } from './roster.ts';
export { studentForFile, nameFromFileName, baseName, type StudentMatch } from './student-for-file.ts';
export { detectWrittenNames } from './written-name.ts';
export {
  createPseudonymizer,
  EMAIL_REMOVED,
  PSEUDONYM_PREFIX,
  type PersonRef,
  type Pseudonymizer,
  type PseudonymizerOptions,
  type PseudonymEntry,
} from './pseudonymizer.ts';
export { namesSquashedInto, privacyForSubmission, nameFromFileNameForPrivacy, type SubmissionPrivacy, type SubmissionPrivacyInput } from './submission.ts';
export { fold } from './fold.ts';
export { ImageRedactor, defaultOcrEngineCount, type RedactableImage, type RedactionResult, type RedactionErrorCode, type Box } from './image-redaction.ts';
export {
  BatchImageRedaction,
  redactSubmissionImages,
  pseudonymizesNames,
  NAME_REDACTED_IN_IMAGE,
  NAME_MAY_BE_VISIBLE_IN_IMAGE,
} from './submission-images.ts';
