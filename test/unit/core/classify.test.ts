import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, classifyThrown, parseDurationMs, retryAfterMs } from '../../../electron/api/retry/classify.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('prefers retry-after-ms, then Retry-After seconds or date, then reset headers', () => {
    expect(retryAfterMs({ 'retry-after-ms': '1250', 'retry-after': '9' }, now)).toBe(1250);
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'x-ratelimit-reset-requests': '1.5s' }, now)).toBe(1500);
    expect(retryAfterMs({ 'x-ratelimit-reset-requests': '6m0s' }, now)).toBe(360_000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now + 4000) }, now)).toBe(4000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now / 1000 + 4) }, now)).toBe(4000);
    expect(retryAfterMs({}, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull();
  });
  it('reads no date into a bare number that is not one, and falls back to the reset headers', () => {
    expect(retryAfterMs({ 'retry-after': '-1' }, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': '1 2', 'x-ratelimit-reset-requests': '2s' }, now)).toBe(2000);
    expect(retryAfterMs({ 'x-ratelimit-reset': '0.5' }, now)).toBe(500);
  });
  it('waits for the reset of the window that ran out, else the longest', () => {
    const both = { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' };
    expect(retryAfterMs({ ...both, 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '500' }, now)).toBe(1000);
    expect(retryAfterMs({ ...both, 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-remaining-tokens': '0' }, now)).toBe(360_000);
    expect(retryAfterMs(both, now)).toBe(360_000);
  });
  it('parses Go-style durations and rejects junk', () => {
    expect(parseDurationMs('200ms')).toBe(200);
    expect(parseDurationMs('1h2m3s')).toBe(3_723_000);
    expect(parseDurationMs('abc')).toBeNull();
    expect(parseDurationMs('5x')).toBeNull();
  });
});

describe('classifyHttpStatus', () => {
  it.each([
    [400, '{"error":{"message":"bad"}}', 'bad_request'],
    [400, "This model's maximum context length is 8192 tokens", 'context_length'],
    [400, '{"error":{"code":"context_length_exceeded"}}', 'context_length'],
    [401, '', 'auth'],
    [402, '', 'payment'],
    [403, '{"error":{"message":"Input was flagged by moderation"}}', 'moderation'],
    [403, 'forbidden', 'auth'],
    [404, '', 'not_found'],
    [408, '', 'request_timeout'],
    [429, '', 'rate_limit'],
    [500, '', 'server_error'],
    [502, '', 'bad_gateway'],
    [503, '', 'unavailable'],
    [504, '', 'gateway_timeout'],
    [599, '', 'server_error'],
  ] as const)('%i %s → %s', (status, body, expected) => {
    expect(classifyHttpStatus(status, body)).toBe(expected);
  });
});

describe('classifyThrown', () => {
  it('maps undici and socket errors by phase', () => {
    expect(classifyThrown(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'before_first_byte')).toBe('connection');
    expect(classifyThrown(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }), 'mid_body')).toBe('truncated');
    expect(classifyThrown(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'before_first_byte')).toBe('stall_first_byte');
    expect(classifyThrown(Object.assign(new Error('x'), { code: 'UND_ERR_BODY_TIMEOUT' }), 'mid_body')).toBe('stall_mid_stream');
    expect(classifyThrown(new DOMException('aborted', 'AbortError'), 'before_first_byte')).toBe('aborted');
    expect(classifyThrown(new TypeError('fetch failed', { cause: Object.assign(new Error('r'), { code: 'ECONNRESET' }) }), 'before_first_byte')).toBe('connection');
  });
});
