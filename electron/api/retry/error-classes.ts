import type { ErrorCode } from '../../../shared/errors.ts';

/**
 * Every way a call can fail (DESIGN §7), as one closed set. The retry manager decides what to
 * do per class; the monitor counts error rates per class; the teacher sees the class's code.
 */
export type ErrorClass =
  | 'bad_request'
  | 'context_length'
  | 'auth'
  | 'payment'
  | 'moderation'
  | 'not_found'
  | 'request_timeout'
  | 'rate_limit'
  | 'server_error'
  | 'bad_gateway'
  | 'unavailable'
  | 'gateway_timeout'
  | 'connection'
  | 'stall_first_byte'
  | 'stall_mid_stream'
  | 'stream_error'
  | 'truncated'
  | 'malformed'
  | 'schema_invalid'
  | 'empty'
  | 'aborted';

/** The code a teacher sees for each class. */
export const CODE_OF_CLASS: Readonly<Record<ErrorClass, ErrorCode>> = {
  bad_request: 'BAD_REQUEST',
  context_length: 'CONTEXT_TOO_LONG',
  auth: 'INVALID_API_KEY',
  payment: 'OUT_OF_CREDITS',
  moderation: 'MODERATION_REFUSED',
  not_found: 'MODEL_NOT_AVAILABLE',
  request_timeout: 'REQUEST_TIMEOUT',
  rate_limit: 'RATE_LIMITED',
  server_error: 'PROVIDER_ERROR',
  bad_gateway: 'PROVIDER_UNAVAILABLE',
  unavailable: 'PROVIDER_UNAVAILABLE',
  gateway_timeout: 'GATEWAY_TIMEOUT',
  connection: 'CONNECTION_FAILED',
  stall_first_byte: 'STALLED_BEFORE_FIRST_BYTE',
  stall_mid_stream: 'STALLED_MID_STREAM',
  stream_error: 'STREAM_ERROR',
  truncated: 'TRUNCATED_STREAM',
  malformed: 'MALFORMED_RESPONSE',
  schema_invalid: 'SCHEMA_INVALID',
  empty: 'EMPTY_COMPLETION',
  aborted: 'ABORTED',
};

/** Messages a teacher can act on; the provider's own text is kept for the log, not shown raw. */
export const MESSAGE_OF_CLASS: Readonly<Record<ErrorClass, string>> = {
  bad_request: 'The provider rejected the request as malformed.',
  context_length: 'The submission is too long for this model; use a model with a larger context window.',
  auth: 'The API key was refused. Check the key for this model in Settings.',
  payment: 'The provider account is out of credits. Add credits or choose another model.',
  moderation: "The provider's moderation refused this content.",
  not_found: 'The provider does not know this model. Check the model name in the config.',
  request_timeout: 'The provider timed out reading the request.',
  rate_limit: 'The provider is rate-limiting requests; GradeDesk waits as long as it asks.',
  server_error: 'The provider had an internal error.',
  bad_gateway: 'The provider is temporarily unavailable (bad gateway).',
  unavailable: 'The provider is temporarily unavailable.',
  gateway_timeout: 'The provider took too long to answer (gateway timeout).',
  connection: 'Could not connect to the endpoint. Check the address and that the server is running.',
  stall_first_byte: 'The provider accepted the request but sent nothing back in time.',
  stall_mid_stream: 'The answer stopped arriving partway through.',
  stream_error: 'The provider reported an error partway through the answer.',
  truncated: 'The answer ended before it was complete.',
  malformed: 'The provider sent a response that is not valid JSON.',
  schema_invalid: "The model's answer did not match the required format.",
  empty: 'The model returned an empty answer.',
  aborted: 'The request was cancelled.',
};
