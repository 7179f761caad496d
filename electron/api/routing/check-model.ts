import type { Dispatcher } from 'undici';
import type { ErrorCode } from '../../../shared/errors.ts';
import { sendAttempt } from '../client/send-attempt.ts';
import type { AttemptResult } from '../client/types.ts';
import { CODE_OF_CLASS, MESSAGE_OF_CLASS, type ErrorClass } from '../retry/error-classes.ts';

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
  /** The attempt itself, for the audit trail. */
  attempt: AttemptResult;
}

export interface CheckOptions {
  dispatcher?: Dispatcher;
  /** The whole check, connect to last byte. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A health check: the smallest real completion the endpoint will serve, sent as one attempt of
 * the same client every grading call uses, so a teacher learns whether the address, key and
 * model name work before a batch depends on them. It never throws.
 */
export async function checkModel(target: CheckTarget, options: CheckOptions = {}): Promise<CheckOutcome> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const result = await sendAttempt(
    {
      modelId: target.slug,
      endpoint: target.endpoint,
      slug: target.slug,
      dialect: 'openai',
      apiKey: target.apiKey,
      prices: { input: null, output: null },
      structuredOutput: false,
      dataCollection: null,
    },
    { system: 'Reply with the single word OK.', parts: [{ type: 'text', text: 'OK?' }], maxTokens: 5 },
    {
      stream: false,
      timeouts: { connectMs: timeoutMs, firstByteMs: timeoutMs, idleMs: timeoutMs, totalMs: timeoutMs },
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const errorClass = result.ok ? null : result.errorClass;
  return {
    ok: result.ok,
    latencyMs: result.latencyMs,
    httpStatus: result.httpStatus,
    errorClass,
    code: errorClass ? CODE_OF_CLASS[errorClass] : null,
    message: errorClass ? MESSAGE_OF_CLASS[errorClass] : null,
    promptTokens: result.usage?.promptTokens ?? null,
    completionTokens: result.usage?.completionTokens ?? null,
    providerCostUsd: result.usage?.providerCostUsd ?? null,
    generationId: result.generationId,
    attempt: result,
  };
}
