import { request, type Dispatcher } from 'undici';
import type { ErrorCode } from '../../shared/errors.ts';
import { classifyHttpStatus, classifyThrown } from './classify.ts';
import { CODE_OF_CLASS, MESSAGE_OF_CLASS, type ErrorClass } from './error-classes.ts';

export interface CheckTarget {
  endpoint: string;
  slug: string;
  /** null for local endpoints (Ollama, LM Studio) that take no key. */
  apiKey: string | null;
}

export interface CheckOutcome {
  ok: boolean;
  latencyMs: number;
  httpStatus: number | null;
  errorClass: ErrorClass | null;
  code: ErrorCode | null;
  message: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** What the provider reported (`usage.cost`); null when it did not say. */
  providerCostUsd: number | null;
  generationId: string | null;
}

export interface CheckOptions {
  dispatcher?: Dispatcher;
  /** The whole check, connect to last byte. */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

interface ChatCompletionLike {
  id?: unknown;
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; cost?: unknown };
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * A health check: the smallest real completion the endpoint will serve, so a teacher learns
 * whether the address, key and model name work before a batch depends on them. It never throws.
 */
export async function checkModel(target: CheckTarget, options: CheckOptions = {}): Promise<CheckOutcome> {
  const now = options.now ?? performance.now.bind(performance);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const started = now();
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const failed = (errorClass: ErrorClass, httpStatus: number | null): CheckOutcome => ({
    ok: false,
    latencyMs: now() - started,
    httpStatus,
    errorClass,
    code: CODE_OF_CLASS[errorClass],
    message: MESSAGE_OF_CLASS[errorClass],
    promptTokens: null,
    completionTokens: null,
    providerCostUsd: null,
    generationId: null,
  });

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  const body = JSON.stringify({
    model: target.slug,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with the single word OK.' }] }],
    max_tokens: 5,
    stream: false,
  });

  let response: Dispatcher.ResponseData;
  try {
    response = await request(target.endpoint, {
      method: 'POST',
      headers,
      body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  } catch (error) {
    const cls = classifyThrown(error, 'before_first_byte');
    // Our own deadline shows up as an abort; to the teacher that is a stalled provider.
    return failed(cls === 'aborted' && !options.signal?.aborted ? 'stall_first_byte' : cls, null);
  }

  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    const cls = classifyThrown(error, 'mid_body');
    return failed(cls === 'aborted' && !options.signal?.aborted ? 'stall_mid_stream' : cls, response.statusCode);
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    return failed(classifyHttpStatus(response.statusCode, text), response.statusCode);
  }

  let parsed: ChatCompletionLike;
  try {
    parsed = JSON.parse(text) as ChatCompletionLike;
  } catch {
    return failed('malformed', response.statusCode);
  }
  const content = parsed.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') return failed('empty', response.statusCode);
  return {
    ok: true,
    latencyMs: now() - started,
    httpStatus: response.statusCode,
    errorClass: null,
    code: null,
    message: null,
    promptTokens: num(parsed.usage?.prompt_tokens),
    completionTokens: num(parsed.usage?.completion_tokens),
    providerCostUsd: num(parsed.usage?.cost),
    generationId: typeof parsed.id === 'string' ? parsed.id.slice(0, 200) : null,
  };
}
