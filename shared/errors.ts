/**
 * Errors are values: a SCREAMING_SNAKE code a program can branch on and a message a teacher
 * can act on. Stack traces and raw provider bodies stay in the main process.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNKNOWN_ROUTE'
  | 'SENDER_REJECTED'
  | 'INTERNAL_ERROR'
  | 'BRIDGE_CLOSED'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'MODEL_NOT_FOUND'
  | 'MISSING_API_KEY'
  | 'DATABASE_TOO_NEW'
  | 'DATABASE_CORRUPT'
  // provider / call errors (DESIGN §7)
  | 'BAD_REQUEST'
  | 'CONTEXT_TOO_LONG'
  | 'INVALID_API_KEY'
  | 'OUT_OF_CREDITS'
  | 'MODERATION_REFUSED'
  | 'MODEL_NOT_AVAILABLE'
  | 'REQUEST_TIMEOUT'
  | 'RATE_LIMITED'
  | 'PROVIDER_ERROR'
  | 'PROVIDER_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT'
  | 'CONNECTION_FAILED'
  | 'STALLED_BEFORE_FIRST_BYTE'
  | 'STALLED_MID_STREAM'
  | 'STREAM_ERROR'
  | 'TRUNCATED_STREAM'
  | 'MALFORMED_RESPONSE'
  | 'SCHEMA_INVALID'
  | 'EMPTY_COMPLETION'
  | 'ABORTED'
  | 'DEADLINE_EXCEEDED'
  | 'ATTEMPTS_EXHAUSTED'
  | 'NO_MODEL_AVAILABLE'
  // no model of the pool reads images (a photo, a scanned page)
  | 'NO_VISION'
  | 'BUDGET_EXCEEDED'
  // documents and grading (DESIGN §6)
  | 'UNREADABLE_DOCUMENT'
  | 'ENCRYPTED_DOCUMENT'
  | 'UNSUPPORTED_FILE'
  | 'FILE_TOO_LARGE'
  | 'TOO_MANY_PAGES'
  | 'IMAGE_TOO_LARGE'
  | 'ARCHIVE_TOO_LARGE'
  | 'EXTRACTION_TIMEOUT'
  | 'EMPTY_DOCUMENT'
  | 'FILE_NOT_FOUND'
  | 'FILE_CHANGED'
  | 'REDACTION_FAILED'
  | 'BATCH_IN_PROGRESS'
  | 'RUBRIC_INVALID'
  | 'RUBRIC_NOT_FOUND'
  | 'ROSTER_INVALID'
  | 'GRADEBOOK_REQUIRED'
  // a file of an export could not be written
  | 'EXPORT_FAILED'
  // the teacher's gradebook file cannot be filled (not a gradebook, no such assignment column)
  | 'GRADEBOOK_INVALID'
  | 'TOO_MANY_FILES'
  // the app's own grading routes
  | 'DEMO_ONLY'
  | 'GRADING_IN_PROGRESS'
  // a batch that is not in the database (compare, runs)
  | 'BATCH_NOT_FOUND'
  | 'NOTHING_TO_REGRADE'
  // review: another window saved the grade since this one opened it
  | 'REVIEW_CONFLICT'
  // batches started from the app
  | 'BATCH_NOT_RUNNING'
  // student work dropped into the app (staged before a batch starts)
  | 'STAGED_NOT_FOUND'
  | 'UPLOAD_NOT_FOUND'
  | 'UPLOAD_OUT_OF_ORDER'
  | 'UPLOAD_INCOMPLETE'
  // what a staged item's reading found that does not stop grading
  | 'NO_TEXT_LAYER'
  | 'POSSIBLE_PROMPT_INJECTION'
  | 'DUPLICATE_FILE'
  // first run and model set-up
  | 'CONFIG_WRITE_FAILED'
  | 'KEYCHAIN_PLAIN_TEXT_ONLY'
  | 'LOCAL_URL_NOT_ALLOWED'
  // settings: a value the config loader would refuse
  | 'SETTING_INVALID'
  // keeping the data safe: an empty database file, backups, a store that could not open
  | 'DATABASE_EMPTY'
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_DAMAGED'
  | 'STORAGE_PROBLEM'
  // "Show in folder": only the desktop app can open the system's file manager
  | 'SHOW_IN_FOLDER_UNAVAILABLE'
  | 'EXPORT_NOT_FOUND';

export interface AppErrorData {
  code: ErrorCode;
  message: string;
}

/** Thrown inside the main process only; crosses process boundaries as {code, message}. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toData(): AppErrorData {
    return { code: this.code, message: this.message };
  }
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorData };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
