import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import { classifyHttpStatus, retryAfterMs } from '../retry/classify.ts';
import { AttemptProgress } from './attempt-progress.ts';
import { contentIn, generationIdIn, jsonAnswer, rateLimitHint } from './completion-json.ts';
import { MAX_BODY_BYTES, readCapped } from './read-body.ts';
import { buildRequestBody } from './request-body.ts';
import { sseAnswer } from './sse-answer.ts';
import type { AttemptResult, AttemptTarget, ChatRequest, Timeouts } from './types.ts';

export interface AttemptOptions {
  timeouts: Timeouts;
  stream: boolean;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Streamed text as it arrives (live feedback in the UI); never used to build the result. */
  onDelta?: (text: string) => void;
  /** The HTTP status, as soon as the response headers arrive (before the body is read). */
  onStatus?: (status: number) => void;
  /** The answer began (what the first-byte timeout waits for): a JSON answer's headers, a stream's first content. */
  onFirstByte?: () => void;
  now?: () => number;
}

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

/** The request on its way; throws (or rejects) as undici does when it cannot be sent. */
function dispatch(target: AttemptTarget, chat: ChatRequest, options: AttemptOptions, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: options.stream ? 'text/event-stream' : 'application/json' };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  const body = JSON.stringify(buildRequestBody(target, chat, options.stream));
  const destination = destinationOf(target.endpoint);
  const { timeouts } = options;
  return destination === null
    ? // Not a usable http(s) URL: undici says why, in its own words.
      request(target.endpoint, { method: 'POST', headers, body, signal, dispatcher: options.dispatcher })
    : (options.dispatcher ?? getGlobalDispatcher()).request({
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
}

/** The status line and headers arrived. Answers whether the body is an event stream. */
function readHead(response: Dispatcher.ResponseData, progress: AttemptProgress, options: AttemptOptions): boolean {
  const status = response.statusCode;
  progress.httpStatus = status;
  try {
    options.onStatus?.(status);
  } catch {
    // An observer; sendAttempt never throws because of one.
  }
  progress.rateLimit = rateLimitHint(response.headers);
  // Some gateways name the generation in a header: the cost of a broken body can be looked up.
  const headerId = response.headers['x-generation-id'];
  if (typeof headerId === 'string' && headerId !== '') progress.generationId = headerId.slice(0, 200);
  const isSse = options.stream && String(response.headers['content-type'] ?? '').includes('text/event-stream');
  if (!isSse) {
    progress.firstByte();
    options.onFirstByte?.();
  }
  return isSse;
}

/**
 * One HTTP attempt at a chat completion, JSON or SSE, with connect, first-byte, idle and total
 * timeouts. It never throws: every outcome, including an abort, comes back classified, with
 * whatever usage and generation id were seen so the cost of a broken answer is not lost.
 */
export async function sendAttempt(target: AttemptTarget, chat: ChatRequest, options: AttemptOptions): Promise<AttemptResult> {
  const progress = new AttemptProgress(target.apiKey, options.timeouts, options.stream, options.signal, options.now ?? performanceNow);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatch(target, chat, options, progress.signal);
    } catch (error) {
      return progress.failThrown(error, 'before_first_byte');
    }
    const isSse = readHead(response, progress, options);
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      let text = '';
      try {
        text = await readCapped(response.body, 64 * 1024);
      } catch {
        // The status says enough; a body cut short adds nothing.
      }
      return progress.fail(classifyHttpStatus(status, text), text, retryAfterMs(response.headers));
    }
    if (isSse) {
      const { onFirstByte, onDelta } = options;
      // Every delta tells; the observer makes the second and later calls nothing.
      const observed = onFirstByte ? (text: string): void => (onFirstByte(), onDelta?.(text)) : onDelta;
      return await sseAnswer(response.body as AsyncIterable<Buffer>, progress, observed);
    }
    let text: string;
    const received: Buffer[] = [];
    try {
      text = await readCapped(response.body, MAX_BODY_BYTES, received);
    } catch (error) {
      // The generation id is near the start of the body: keep it so the cost can be looked up,
      // and the text that arrived, so that it can be estimated where it cannot.
      const partial = Buffer.concat(received).toString('utf8');
      progress.generationId ??= generationIdIn(partial);
      progress.receivedContent = contentIn(partial);
      return progress.failThrown(error, 'mid_body');
    }
    return jsonAnswer(text, progress);
  } finally {
    progress.end();
  }
}
