/**
 * Error responses in the shapes real providers use: OpenAI's `{error: {message, type, code,
 * param}}`, with OpenRouter's `metadata` where it has one (moderation reasons, the raw
 * upstream error). Clients classify errors by status first and by `code` second, so both are
 * stable.
 */
import type { FaultKind } from './fault-profile.ts';

export interface ErrorResponse {
  status: number;
  body: { error: { message: string; type: string; code: string; param: string | null; metadata?: Record<string, unknown> } };
}

interface ErrorShape {
  status: number;
  type: string;
  code: string;
  message: string;
}

const SHAPES: Partial<Record<FaultKind, ErrorShape>> = {
  bad_request_400: { status: 400, type: 'invalid_request_error', code: 'bad_request', message: 'Invalid request.' },
  unauthorized_401: { status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  payment_required_402: {
    status: 402,
    type: 'insufficient_quota',
    code: 'insufficient_credits',
    message: 'Insufficient credits. This account has not enough credits left to run the request; add more and retry.',
  },
  moderation_403: { status: 403, type: 'moderation', code: 'content_flagged', message: 'Your input was flagged by the moderation filter.' },
  not_found_404: { status: 404, type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' },
  timeout_408: { status: 408, type: 'timeout', code: 'request_timeout', message: 'The request timed out upstream.' },
  rate_limit_429: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit exceeded.' },
  server_error_500: { status: 500, type: 'server_error', code: 'internal_error', message: 'Internal server error.' },
  bad_gateway_502: { status: 502, type: 'upstream_error', code: 'bad_gateway', message: 'The upstream provider returned an invalid response.' },
  unavailable_503: { status: 503, type: 'server_error', code: 'service_unavailable', message: 'The model is temporarily unavailable. Please retry later.' },
  gateway_timeout_504: { status: 504, type: 'timeout', code: 'gateway_timeout', message: 'The upstream provider did not answer in time.' },
};

/** The error response for an HTTP-status fault; `message` replaces the generic text. */
export function errorFor(kind: FaultKind, message?: string, metadata?: Record<string, unknown>): ErrorResponse {
  if (kind === 'context_length_400') return contextLengthError(0, 0);
  const shape = SHAPES[kind];
  if (shape === undefined) throw new Error(`${kind} is not answered with an HTTP error`);
  const error: ErrorResponse['body']['error'] = { message: message ?? shape.message, type: shape.type, code: shape.code, param: null };
  if (metadata !== undefined) error.metadata = metadata;
  return { status: shape.status, body: { error } };
}

/** OpenAI's wording, which clients match on: "maximum context length is N tokens". */
export function contextLengthError(limit: number, promptTokens: number): ErrorResponse {
  const detail =
    limit > 0
      ? `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`
      : "This model's maximum context length was exceeded. Please reduce the length of the messages.";
  return {
    status: 400,
    body: { error: { message: detail, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } },
  };
}

/** OpenRouter-style moderation refusal, with the reasons it was flagged for. */
export function moderationError(model: string, flaggedInput: string): ErrorResponse {
  return errorFor('moderation_403', `${model} requires moderation: your input was flagged for "harassment".`, {
    reasons: ['harassment'],
    flagged_input: flaggedInput.slice(0, 100),
    provider_name: 'Simulator',
    model_slug: model,
  });
}
