import type { ErrorClass } from './error-classes.ts';

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `1.5s`, `6m0s`, `200ms`, `1h2m` (OpenAI's x-ratelimit-reset-* format) in milliseconds. */
export function parseDurationMs(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of text.trim().matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  return matched.length > 0 && matched === text.trim() ? total : null;
}

/**
 * How long the provider asked us to wait, in ms, or null when it did not say. The most precise
 * header wins: `retry-after-ms`, then `Retry-After` (seconds or an HTTP date), then the
 * rate-limit reset headers (a duration, or an epoch timestamp as OpenRouter sends).
 */
export function retryAfterMs(headers: HeaderBag, now: number = Date.now()): number | null {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.max(0, Number(ms));

  const ra = header(headers, 'retry-after');
  if (ra !== undefined) {
    const trimmed = ra.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Number(trimmed) * 1000);
    // Only an HTTP date: Date.parse also reads "-1" or "1 2" as some date long past.
    if (/[a-z]{3}/i.test(trimmed)) {
      const date = Date.parse(trimmed);
      if (!Number.isNaN(date)) return Math.max(0, date - now);
    }
  }

  // The window that ran out decides: a 429 for tokens with requests to spare must wait for the
  // tokens' reset, not the requests'. Without a `remaining` of 0, the longest reset is safe.
  let longest: number | null = null;
  for (const [reset, remaining] of RESET_HEADERS) {
    const value = header(headers, reset);
    if (value === undefined) continue;
    const ms = resetMs(value.trim(), now);
    if (ms === null) continue;
    if (remaining !== null && Number(header(headers, remaining)) === 0) return ms;
    longest = Math.max(longest ?? 0, ms);
  }
  return longest;
}

const RESET_HEADERS: ReadonlyArray<readonly [string, string | null]> = [
  ['x-ratelimit-reset-requests', 'x-ratelimit-remaining-requests'],
  ['x-ratelimit-reset-tokens', 'x-ratelimit-remaining-tokens'],
  ['x-ratelimit-reset', 'x-ratelimit-remaining'],
];

/** A reset header: seconds from now, an epoch in s or ms (OpenRouter), or a duration like `6m0s`. */
function resetMs(text: string, now: number): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    // An epoch in ms or s rather than a relative number of seconds.
    if (n > 1e12) return Math.max(0, n - now);
    if (n > 1e9) return Math.max(0, n * 1000 - now);
    return n * 1000;
  }
  return parseDurationMs(text);
}

/** Classifies a non-2xx HTTP answer. The body matters: a 400 may be a context-length error. */
export function classifyHttpStatus(status: number, bodyText: string): ErrorClass {
  const body = bodyText.toLowerCase();
  switch (status) {
    case 400:
    case 413:
    case 422:
      return /context[ _-]?length|context window|too many tokens|maximum context|prompt is too long/.test(body)
        ? 'context_length'
        : 'bad_request';
    case 401:
      return 'auth';
    case 402:
      return 'payment';
    case 403:
      return /moderat|flagged|content policy|safety/.test(body) ? 'moderation' : 'auth';
    case 404:
      return 'not_found';
    case 408:
      return 'request_timeout';
    case 429:
      // OpenAI answers an account without credits with a 429 too: waiting will not help.
      return /insufficient_quota|exceeded your current quota|billing/.test(body) ? 'payment' : 'rate_limit';
    case 502:
      return 'bad_gateway';
    case 503:
    case 529:
      return 'unavailable';
    case 504:
      return 'gateway_timeout';
    default:
      return status >= 500 ? 'server_error' : 'bad_request';
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Classifies what undici (or our own timers) threw before a complete answer arrived. */
export function classifyThrown(error: unknown, phase: 'before_first_byte' | 'mid_body'): ErrorClass {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'stall_first_byte';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'stall_mid_stream';
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return phase === 'mid_body' ? 'truncated' : 'connection';
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause && cause !== error) return classifyThrown(cause, phase);
  return phase === 'mid_body' ? 'truncated' : 'connection';
}
