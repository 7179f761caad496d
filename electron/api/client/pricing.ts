import { request, type Dispatcher } from 'undici';
import type { Prices } from '../../../shared/config.ts';
import type { Usage } from './types.ts';

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

/** `https://host/api/v1/chat/completions` → `https://host/api/v1/generation?id=…` (OpenRouter). */
export function generationUrl(endpoint: string, id: string): string {
  const base = endpoint.replace(/\/chat\/completions\/?$/, '');
  return `${base}/generation?id=${encodeURIComponent(id)}`;
}

/**
 * Asks an OpenRouter-style endpoint what a generation cost, for answers that broke off before
 * their final usage chunk. Returns null when it cannot tell (not that dialect, not found, slow).
 */
export async function lookupGenerationCost(
  endpoint: string,
  generationId: string,
  apiKey: string | null,
  options: { dispatcher?: Dispatcher; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<number | null> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
  try {
    const res = await request(generationUrl(endpoint, generationId), {
      method: 'GET',
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
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
