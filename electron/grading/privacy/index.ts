/** Students and privacy: roster, file → student, and name pseudonyms (DESIGN §6). */
export { decodeRosterBytes, parseRoster, type RosterEntry } from './roster.ts';
export { studentForFile } from './student-for-file.ts';
export { detectWrittenNames } from './written-name.ts';
export { createPseudonymizer, EMAIL_REMOVED, type Pseudonymizer } from './pseudonymizer.ts';
export { namesSquashedInto, privacyForSubmission, withNamedStudent, type SubmissionPrivacy } from './submission.ts';
export { fold } from './fold.ts';

export { BatchImageRedaction, heldReason, NAME_MAY_BE_VISIBLE_IN_IMAGE, NAME_REDACTION_FAILED, ocrTimeoutMs, pseudonymizesNames } from './submission-images.ts';
