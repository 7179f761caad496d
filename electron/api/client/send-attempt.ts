import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import { classifyHttpStatus, classifyThrown, retryAfterMs, type HeaderBag } from '../retry/classify.ts';
import type { ErrorClass } from '../retry/error-classes.ts';
import { buildRequestBody } from './request-body.ts';
import type { AttemptFailure, AttemptResult, AttemptTarget, ChatRequest, RateLimitHint, Timeouts, Usage } from './types.ts';

export interface AttemptOptions {
  timeouts: Timeouts;
  stream: boolean;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Streamed text as it arrives (live feedback in the UI); never used to build the result. */
  onDelta?: (text: string) => void;
  /** The HTTP status, as soon as the response headers arrive (before the body is read). */
  onStatus?: (status: number) => void;
  now?: () => number;
}

/** Error bodies and non-streamed answers larger than this are cut: nothing legitimate is bigger. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const performanceNow = (): number => performance.now();

interface Destination {
  origin: string;
  path: string;
}

const destinations = new Map<string, Destination | null>();

/**
 * An endpoint split into origin and path once, instead of undici parsing the same URL string
 * on every call; null when it is not an http(s) URL. Bounded: a handful of endpoints is normal.
 */
function destinationOf(endpoint: string): Destination | null {
  let destination = destinations.get(endpoint);
  if (destination === undefined) {
    try {
      const url = new URL(endpoint);
      destination = url.protocol === 'http:' || url.protocol === 'https:' ? { origin: url.origin, path: `${url.pathname}${url.search}` } : null;
    } catch {
      destination = null;
    }
    if (destinations.size >= 256) destinations.clear();
    destinations.set(endpoint, destination);
  }
  return destination;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function single(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function rateLimitHint(headers: HeaderBag): RateLimitHint | null {
  const limit = Number(single(headers, 'x-ratelimit-limit-requests') ?? single(headers, 'x-ratelimit-limit') ?? NaN);
  const remaining = Number(single(headers, 'x-ratelimit-remaining-requests') ?? single(headers, 'x-ratelimit-remaining') ?? NaN);
  const resetMs = retryAfterMs({
    'x-ratelimit-reset-requests': single(headers, 'x-ratelimit-reset-requests'),
    'x-ratelimit-reset': single(headers, 'x-ratelimit-reset'),
  });
  if (Number.isNaN(limit) && Number.isNaN(remaining) && resetMs === null) return null;
  return { limit: Number.isNaN(limit) ? null : limit, remaining: Number.isNaN(remaining) ? null : remaining, resetMs };
}

interface UsageJson {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  cost?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

export function parseUsage(usage: UsageJson | null | undefined): Usage | null {
  if (!usage || typeof usage !== 'object') return null;
  return {
    promptTokens: num(usage.prompt_tokens),
    completionTokens: num(usage.completion_tokens),
    cachedTokens: num(usage.prompt_tokens_details?.cached_tokens),
    providerCostUsd: num(usage.cost),
  };
}

interface CompletionJson {
  id?: unknown;
  model?: unknown;
  error?: unknown;
  usage?: UsageJson | null;
  choices?: Array<{ message?: { content?: unknown }; delta?: { content?: unknown }; finish_reason?: unknown }>;
}

/**
 * One HTTP attempt at a chat completion, JSON or SSE, with connect, first-byte, idle and total
 * timeouts. It never throws: every outcome, including an abort, comes back classified, with
 * whatever usage and generation id were seen so the cost of a broken answer is not lost.
 */
export async function sendAttempt(target: AttemptTarget, chat: ChatRequest, options: AttemptOptions): Promise<AttemptResult> {
  const now = options.now ?? performanceNow;
  const started = now();
  const { timeouts } = options;
  // This runs on every call, so it allocates little: one controller, the total timer, and a
  // first-content timer only for a stream. A JSON answer's first byte is its headers, which
  // undici's headersTimeout (below) already bounds; AbortSignal.any only with a caller signal.
  const own = new AbortController();
  let timedOut: 'total' | 'first_content' | 'idle' | null = null;
  const totalTimer = setTimeout(() => {
    timedOut ??= 'total';
    own.abort();
  }, timeouts.totalMs);
  const firstContentTimer = options.stream
    ? setTimeout(() => {
        timedOut ??= 'first_content';
        own.abort();
      }, timeouts.firstByteMs)
    : undefined;
  // Between chunks once a stream's content began (before it, the first-content timer rules):
  // started at the first content and pushed back by every chunk after it.
  let idleTimer: NodeJS.Timeout | undefined;
  let afterDone: NodeJS.Timeout | undefined;
  const signal = options.signal ? AbortSignal.any([own.signal, options.signal]) : own.signal;

  let httpStatus: number | null = null;
  let generationId: string | null = null;
  let answeredBy: string | null = null;
  let usage: Usage | null = null;
  let ttftMs: number | null = null;
  let contentStarted = false;
  let rateLimit: RateLimitHint | null = null;
  let finishReason: string | null = null;

  const failure = (errorClass: ErrorClass, detail: string, retryAfter: number | null = null): AttemptFailure => ({
    ok: false,
    errorClass,
    httpStatus,
    generationId,
    answeredBy,
    usage,
    ttftMs,
    latencyMs: now() - started,
    rateLimit,
    retryAfterMs: retryAfter,
    contentStarted,
    detail: withoutSecrets(detail, target.apiKey).slice(0, 500),
  });
  /** Our own timers abort too; tell them apart from the caller cancelling. */
  const abortClass = (phase: 'before_first_byte' | 'mid_body'): ErrorClass => {
    if (options.signal?.aborted) return 'aborted';
    if (timedOut === 'first_content') return 'stall_first_byte';
    if (timedOut === 'idle') return 'stall_mid_stream';
    return phase === 'before_first_byte' ? 'stall_first_byte' : 'stall_mid_stream';
  };

  const headers: Record<string, string> = { 'content-type': 'application/json', accept: options.stream ? 'text/event-stream' : 'application/json' };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;

  try {
    let response: Dispatcher.ResponseData;
    try {
      const body = JSON.stringify(buildRequestBody(target, chat, options.stream));
      const destination = destinationOf(target.endpoint);
      response =
        destination === null
          ? // Not a usable http(s) URL: undici says why, in its own words.
            await request(target.endpoint, { method: 'POST', headers, body, signal, dispatcher: options.dispatcher })
          : await (options.dispatcher ?? getGlobalDispatcher()).request({
              origin: destination.origin,
              path: destination.path,
              method: 'POST',
              headers,
              body,
              signal,
              headersTimeout: timeouts.firstByteMs,
              // A stream may be silent after its headers until its first token (a reasoning
              // model thinks first): that wait is the first-content timer's, up to firstByteMs.
              bodyTimeout: options.stream ? Math.max(timeouts.idleMs, timeouts.firstByteMs) : timeouts.idleMs,
            });
    } catch (error) {
      const cls = classifyThrown(error, 'before_first_byte');
      return failure(cls === 'aborted' ? abortClass('before_first_byte') : cls, String((error as Error)?.message ?? error));
    }
    httpStatus = response.statusCode;
    try {
      options.onStatus?.(httpStatus);
    } catch {
      // An observer; sendAttempt never throws because of one.
    }
    rateLimit = rateLimitHint(response.headers);
    // Some gateways name the generation in a header: the cost of a broken body can be looked up.
    const headerId = response.headers['x-generation-id'];
    if (typeof headerId === 'string' && headerId !== '') generationId = headerId.slice(0, 200);
    const isSse = options.stream && String(response.headers['content-type'] ?? '').includes('text/event-stream');
    // Headers are the first byte of a JSON answer; a stream's first byte is its first content.
    if (!isSse) clearTimeout(firstContentTimer);

    if (httpStatus < 200 || httpStatus >= 300) {
      let text = '';
      try {
        text = await readCapped(response.body, 64 * 1024);
      } catch {
        // The status says enough; a body cut short adds nothing.
      }
      return failure(classifyHttpStatus(httpStatus, text), text, retryAfterMs(response.headers));
    }

    if (!isSse) {
      let text: string;
      const received: Buffer[] = [];
      try {
        text = await readCapped(response.body, MAX_BODY_BYTES, received);
      } catch (error) {
        // The generation id is near the start of the body: keep it so the cost can be looked up.
        generationId ??= generationIdIn(Buffer.concat(received).toString('utf8'));
        const cls = classifyThrown(error, 'mid_body');
        return failure(cls === 'aborted' ? abortClass('mid_body') : cls, String((error as Error)?.message ?? error));
      }
      ttftMs = now() - started;
      let json: CompletionJson;
      try {
        json = JSON.parse(text) as CompletionJson;
      } catch {
        generationId ??= generationIdIn(text);
        return failure('malformed', 'the response body is not JSON');
      }
      if (typeof json.id === 'string') generationId = json.id.slice(0, 200);
      answeredBy = typeof json.model === 'string' ? json.model.slice(0, 300) : null;
      usage = parseUsage(json.usage);
      const choice = json.choices?.[0];
      finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : null;
      if (json.error || finishReason === 'error') return failure('stream_error', JSON.stringify(json.error ?? 'finish_reason error'));
      const content = choice?.message?.content;
      if (typeof content !== 'string') return failure('malformed', 'no message content');
      contentStarted = content.length > 0;
      if (content.trim() === '') return failure('empty', 'empty content');
      return { ok: true, content, finishReason, httpStatus, generationId, answeredBy, usage, ttftMs, latencyMs: now() - started, rateLimit };
    }

    // SSE: parse events as they arrive; the final chunk carries usage.
    let content = '';
    let streamError: string | null = null;
    let malformed = false;
    let done = false;
    const parser = createParser({
      onEvent(event: EventSourceMessage) {
        if (event.data === '[DONE]') {
          done = true;
          return;
        }
        let chunk: CompletionJson;
        try {
          chunk = JSON.parse(event.data) as CompletionJson;
        } catch {
          malformed = true;
          return;
        }
        if (typeof chunk.id === 'string' && generationId === null) generationId = chunk.id.slice(0, 200);
        if (typeof chunk.model === 'string' && answeredBy === null) answeredBy = chunk.model.slice(0, 300);
        if (chunk.usage) usage = parseUsage(chunk.usage);
        if (chunk.error) streamError = JSON.stringify(chunk.error).slice(0, 500);
        const choice = chunk.choices?.[0];
        const delta = choice?.delta?.content;
        if (typeof delta === 'string' && delta.length > 0) {
          if (!contentStarted) {
            contentStarted = true;
            ttftMs = now() - started;
            clearTimeout(firstContentTimer);
            idleTimer = setTimeout(() => {
              timedOut ??= 'idle';
              own.abort();
            }, timeouts.idleMs);
          }
          content += delta;
          options.onDelta?.(delta);
        }
        if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
      },
    });
    try {
      // A streaming decoder keeps a multi-byte character split across chunks intact.
      const decoder = new TextDecoder();
      let received = 0;
      for await (const piece of response.body as AsyncIterable<Buffer>) {
        received += piece.length;
        if (received > MAX_BODY_BYTES) return failure('malformed', 'stream larger than the limit');
        idleTimer?.refresh();
        parser.feed(decoder.decode(piece, { stream: true }));
        if (streamError || malformed) break;
        if (done && afterDone === undefined) {
          // The answer is complete. The end of the body normally follows at once (and keeps the
          // connection reusable); a server that holds it open is not waited for.
          afterDone = setTimeout(() => own.abort(), DONE_GRACE_MS);
        }
      }
    } catch (error) {
      // After [DONE] nothing more was owed: how the connection ended does not matter, and the
      // answer is judged below like any other.
      if (!done || options.signal?.aborted) {
        const cls = classifyThrown(error, 'mid_body');
        if (cls === 'aborted') return failure(contentStarted ? abortClass('mid_body') : abortClass('before_first_byte'), 'aborted');
        // Silence before the first content is a stall before the first byte, whoever noticed it.
        return failure(cls === 'stall_mid_stream' && !contentStarted ? 'stall_first_byte' : cls, String((error as Error)?.message ?? error));
      }
    }
    if (malformed) return failure('malformed', 'an SSE data line was not JSON');
    if (streamError) return failure('stream_error', streamError);
    if (finishReason === 'error') return failure('stream_error', 'finish_reason error');
    if (!done && finishReason === null) return failure('truncated', 'the stream ended without finish_reason or [DONE]');
    if (content.trim() === '') return failure('empty', 'empty content');
    return { ok: true, content, finishReason, httpStatus, generationId, answeredBy, usage, ttftMs, latencyMs: now() - started, rateLimit };
  } finally {
    clearTimeout(afterDone);
    clearTimeout(firstContentTimer);
    clearTimeout(idleTimer);
    clearTimeout(totalTimer);
  }
}

/**
 * A provider's error text as it may be kept (the audit trail, the attempts log): some gateways
 * echo the credential they refused, so the key, and anything that looks like one, is masked.
 */
export function withoutSecrets(text: string, apiKey: string | null): string {
  let out = apiKey && apiKey.length >= 8 ? text.split(apiKey).join('[key]') : text;
  out = out.replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [key]');
  return out.replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}/g, '[key]');
}

/** How long a stream's body may stay open after its [DONE] before the connection is dropped. */
const DONE_GRACE_MS = 250;

/** The generation id from a broken body, so the cost of what was generated can be looked up. */
function generationIdIn(partialJson: string): string | null {
  return /"id"\s*:\s*"([^"]{1,200})"/.exec(partialJson.slice(0, 4096))?.[1] ?? null;
}

/**
 * The body as text, at most `maxBytes` (the rest is dropped and the socket closed). Read with
 * plain 'data' events rather than an async iterator: this runs on every call, and the iterator
 * allocates a promise per chunk. `chunks` keeps what arrived, for a body that breaks midway.
 */
function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, chunks: Buffer[] = []): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let size = 0;
    // Stays attached: destroying the body below emits an error, and a late one must not throw.
    body.on('error', reject);
    const finish = (): void => {
      body.off('data', onData);
      body.off('end', finish);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        finish();
        body.destroy();
        return;
      }
      chunks.push(chunk);
    };
    body.on('data', onData);
    body.on('end', finish);
  });
}
