/**
 * Shapes of chat-completion bodies, JSON and SSE. Kept in one place so that the JSON
 * answer, the streamed chunks and the faults that break them all agree on ids and fields.
 */

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  /** USD, exactly the ledger entry's cost; omitted when the simulator runs with reportCost false. */
  cost?: number;
}

export interface UsageInput {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  costUsd: number;
}

export function usageOf(input: UsageInput, reportCost: boolean): Usage {
  const usage: Usage = {
    prompt_tokens: input.promptTokens,
    completion_tokens: input.completionTokens,
    total_tokens: input.promptTokens + input.completionTokens,
    prompt_tokens_details: { cached_tokens: input.cachedTokens },
  };
  if (reportCost) usage.cost = input.costUsd;
  return usage;
}

/** Fields every body of one generation shares. */
export interface GenerationMeta {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
}

export interface MidStreamError {
  code: number;
  message: string;
}

export function completionBody(
  meta: GenerationMeta,
  content: string,
  finishReason: string,
  usage: Usage,
  error?: MidStreamError,
): Record<string, unknown> {
  const choice: Record<string, unknown> = {
    index: 0,
    message: { role: 'assistant', content, refusal: null },
    finish_reason: finishReason,
    native_finish_reason: finishReason,
    logprobs: null,
  };
  if (error !== undefined) choice.error = error;
  const body: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    provider: 'Simulator',
    choices: [choice],
    usage,
  };
  if (error !== undefined) body.error = error;
  return body;
}

/** One `chat.completion.chunk`; the first carries the assistant role like OpenAI's. */
export function contentChunk(meta: GenerationMeta, content: string, first: boolean): Record<string, unknown> {
  return chunk(meta, [
    { index: 0, delta: first ? { role: 'assistant', content } : { content }, finish_reason: null, logprobs: null },
  ]);
}

export function finishChunk(meta: GenerationMeta, finishReason: string, error?: MidStreamError): Record<string, unknown> {
  const choice: Record<string, unknown> = {
    index: 0,
    delta: {},
    finish_reason: finishReason,
    native_finish_reason: finishReason,
    logprobs: null,
  };
  if (error !== undefined) choice.error = error;
  const body = chunk(meta, [choice]);
  if (error !== undefined) body.error = error;
  return body;
}

/** The final chunk of `stream_options.include_usage`: no choices, only usage. */
export function usageChunk(meta: GenerationMeta, usage: Usage): Record<string, unknown> {
  return { ...chunk(meta, []), usage };
}

function chunk(meta: GenerationMeta, choices: Record<string, unknown>[]): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    provider: 'Simulator',
    choices,
  };
}

/** One SSE event carrying `data`. */
export function sseData(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** A comment line like OpenRouter's keep-alive; parsers must ignore it. */
export const SSE_PROCESSING = ': SIMULATOR PROCESSING\n\n';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** Splits `content` into at most `count` pieces of near-equal length ("" gives one piece). */
export function splitContent(content: string, count: number): string[] {
  if (content === '') return [''];
  const pieces = Math.max(1, Math.min(count, content.length));
  const size = content.length / pieces;
  const result: string[] = [];
  for (let i = 0; i < pieces; i += 1) result.push(content.slice(Math.round(i * size), Math.round((i + 1) * size)));
  return result;
}
