/**
 * What a chat completion says in its JSON (a whole answer, or one SSE chunk) and in its
 * headers: the answer, usage, generation id, the answering model and the rate-limit state.
 */
import { retryAfterMs, type HeaderBag } from '../retry/classify.ts';
import type { AttemptProgress } from './attempt-progress.ts';
import type { AttemptResult, RateLimitHint, Usage } from './types.ts';

interface UsageJson {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  cost?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

export interface CompletionJson {
  id?: unknown;
  model?: unknown;
  error?: unknown;
  usage?: UsageJson | null;
  choices?: Array<{ message?: { content?: unknown }; delta?: { content?: unknown }; finish_reason?: unknown }>;
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

export function parseUsage(usage: UsageJson | null | undefined): Usage | null {
  if (!usage || typeof usage !== 'object') return null;
  return {
    promptTokens: num(usage.prompt_tokens),
    completionTokens: num(usage.completion_tokens),
    cachedTokens: num(usage.prompt_tokens_details?.cached_tokens),
    providerCostUsd: num(usage.cost),
  };
}

/** The generation id from a broken body, so the cost of what was generated can be looked up. */
export function generationIdIn(partialJson: string): string | null {
  return /"id"\s*:\s*"([^"]{1,200})"/.exec(partialJson.slice(0, 4096))?.[1] ?? null;
}

/**
 * The answer's text as far as a broken body holds it: what the provider generated and billed,
 * for pricing an answer that came without its usage. A cut escape is kept as it came.
 */
export function contentIn(partialJson: string): string {
  const raw = /"content"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(partialJson)?.[1];
  if (raw === undefined) return '';
  try {
    return JSON.parse(`"${raw.replace(/\\$/, '')}"`) as string;
  } catch {
    return raw;
  }
}

/** A whole (not streamed) answer, read: a success only with content that is not blank. */
export function jsonAnswer(text: string, progress: AttemptProgress): AttemptResult {
  progress.bodyRead();
  let json: CompletionJson;
  try {
    json = JSON.parse(text) as CompletionJson;
  } catch {
    progress.generationId ??= generationIdIn(text);
    progress.receivedContent = contentIn(text);
    return progress.fail('malformed', 'the response body is not JSON');
  }
  if (typeof json.id === 'string') progress.generationId = json.id.slice(0, 200);
  progress.answeredBy = typeof json.model === 'string' ? json.model.slice(0, 300) : null;
  progress.usage = parseUsage(json.usage);
  const choice = json.choices?.[0];
  const finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : null;
  progress.finishReason = finishReason;
  const content = choice?.message?.content;
  if (typeof content === 'string') progress.receivedContent = content;
  if (json.error || finishReason === 'error') return progress.fail('stream_error', JSON.stringify(json.error ?? 'finish_reason error'));
  if (typeof content !== 'string') return progress.fail('malformed', 'no message content');
  progress.contentStarted = content.length > 0;
  if (content.trim() === '') return progress.fail('empty', 'empty content');
  return progress.succeed(content);
}
