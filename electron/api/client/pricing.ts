import { countTokens } from 'gpt-tokenizer';
import { request, type Dispatcher } from 'undici';
import type { Prices } from '../../../shared/config.ts';
import type { AttemptResult, AttemptTarget, Usage } from './types.ts';

/**
 * Where an attempt's cost came from: the provider's `usage.cost`, our price table, a later
 * `/generation?id=` lookup, or nowhere ('unpriced': costUsd is null, never 0).
 */
export type CostSource = 'provider' | 'estimate' | 'unpriced' | 'generation_lookup';

export interface AttemptCost {
  /** null when it cannot be known: never a silent 0. */
  costUsd: number | null;
  source: CostSource;
}

/**
 * The cost of one attempt. The provider's `usage.cost` is the truth; otherwise the price table
 * of the model that actually answered estimates it; a model with no price is unpriced (null).
 * A failure before any generation started cost nothing, and says so.
 */
export function costFromUsage(usage: Usage | null, prices: Prices | null): AttemptCost {
  if (usage?.providerCostUsd != null) return { costUsd: usage.providerCostUsd, source: 'provider' };
  if (!usage || usage.promptTokens === null) return { costUsd: null, source: 'unpriced' };
  if (!prices || prices.input === null || prices.output === null) return { costUsd: null, source: 'unpriced' };
  // The config has no cached-token price: cached tokens are estimated at the full input price.
  const cost = usage.promptTokens * prices.input + (usage.completionTokens ?? 0) * prices.output;
  return { costUsd: cost, source: 'estimate' };
}

/**
 * What the attempt cost: the answering model's price (`prices`), the provider's word, or
 * (OpenRouter, no usage in the answer) a lookup by generation id at the target it went to.
 * An answer the provider may have billed but did not price (a plain OpenAI-compatible stream
 * cut before its usage chunk) is estimated from our prompt estimate and the text received, so a
 * total is never silently low; only a model without a price stays unpriced.
 * Synchronous unless it must look up: this is on every call's path.
 */
export function attemptCost(
  result: AttemptResult,
  prices: Prices,
  target: AttemptTarget,
  promptTokens: number,
  dispatcher: Dispatcher | undefined,
): AttemptCost | Promise<AttemptCost> {
  const fromUsage = costFromUsage(result.usage, prices);
  if (fromUsage.costUsd !== null) return fromUsage;
  // Refused or failed before generation: nothing was billed.
  if (!mayHaveBilled(result)) return { costUsd: 0, source: 'estimate' };
  if (result.generationId && target.dialect === 'openrouter') {
    return lookUpCost(target, result.generationId, dispatcher, () => estimateReceived(result, prices, promptTokens));
  }
  return estimateReceived(result, prices, promptTokens);
}

/**
 * A billed answer without the provider's figures: the prompt as we estimated it and the text
 * that arrived, tokenized as OpenAI's current models do. What the provider generated past the
 * break is not seen, so this errs low; the report counts it among `estimated_calls`.
 */
function estimateReceived(result: AttemptResult, prices: Prices, promptTokens: number): AttemptCost {
  if (prices.input === null || prices.output === null) return { costUsd: null, source: 'unpriced' };
  const text = result.ok ? result.content : (result.receivedContent ?? '');
  const prompt = result.usage?.promptTokens ?? promptTokens;
  const completion = result.usage?.completionTokens ?? (text === '' ? 0 : countTokens(text));
  return { costUsd: prompt * prices.input + completion * prices.output, source: 'estimate' };
}

/**
 * The caller's cancel does not stop the lookup: a cancelled generation was billed all the same,
 * and its cost is worth the few seconds (bounded by the lookup's own timeout) it takes to learn.
 */
async function lookUpCost(target: AttemptTarget, generationId: string, dispatcher: Dispatcher | undefined, otherwise: () => AttemptCost): Promise<AttemptCost> {
  const looked = await lookupGenerationCost(target.endpoint, generationId, target.apiKey, { dispatcher });
  return looked === null ? otherwise() : { costUsd: looked, source: 'generation_lookup' };
}

/**
 * Whether the provider may have billed this attempt: a generation started or may have. The
 * rule is that billing starts when the provider answers (its headers): an attempt cancelled or
 * lost before any answer cannot be known to have reached a model and is recorded at $0; the
 * simulator bills by the same rule (simulator/generation.ts).
 */
export function mayHaveBilled(result: AttemptResult): boolean {
  if (result.ok || result.contentStarted) return true;
  // Accepted (a 2xx) and then lost before any content: the model may well have been working.
  if (result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300) return true;
  // A body arrived (or began to): the generation ran even if we could not read it.
  return ['stall_mid_stream', 'truncated', 'stream_error', 'malformed', 'empty', 'schema_invalid'].includes(result.errorClass);
}

/** `https://host/api/v1/chat/completions` → `https://host/api/v1/generation?id=…` (OpenRouter). */
function generationUrl(endpoint: string, id: string): string {
  const base = endpoint.replace(/\/chat\/completions\/?$/, '');
  return `${base}/generation?id=${encodeURIComponent(id)}`;
}

/**
 * Asks an OpenRouter-style endpoint what a generation cost, for answers that broke off before
 * their final usage chunk. Returns null when it cannot tell (not that dialect, not found, slow).
 */
async function lookupGenerationCost(
  endpoint: string,
  generationId: string,
  apiKey: string | null,
  options: { dispatcher?: Dispatcher; timeoutMs?: number } = {},
): Promise<number | null> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
  try {
    const res = await request(generationUrl(endpoint, generationId), {
      method: 'GET',
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: timeout,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    const json = (await res.body.json()) as { data?: { total_cost?: unknown } };
    const cost = json.data?.total_cost;
    return typeof cost === 'number' && Number.isFinite(cost) ? cost : null;
  } catch {
    return null;
  }
}
