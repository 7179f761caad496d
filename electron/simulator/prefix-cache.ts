/**
 * Prompt prefix caching, the way OpenAI bills it: when a request's prompt begins with the
 * same tokens as a prompt the same key sent to the same model (with the same response
 * format) within the last 5 minutes, that shared prefix is served from cache — reported as
 * `usage.prompt_tokens_details.cached_tokens` and billed at `cached_input_cost_per_token`.
 * Only models with a cached price cache at all.
 *
 * Granularity follows OpenAI: nothing below 1024 shared tokens, then the first 1024 and
 * further blocks of 128. Shared tokens are counted with the simulator's own token formula
 * (tokens.ts), message by message: an identical message contributes its whole count
 * (4 + text tokens + 765 per image), the first differing message contributes its role
 * overhead plus floor(common text characters / 4). So a batch whose system message is the
 * same and whose user text starts with the same preface caches everything up to the point
 * where the submissions differ.
 *
 * The TTL counts from a prompt's last use, like providers' "5–10 minutes of inactivity".
 * Each scope (key × model × response format) keeps its 64 most recently used prompts.
 */
import { createHash } from 'node:crypto';
import { isRecord } from './json-schema.ts';
import { CHARS_PER_TOKEN, TOKENS_PER_IMAGE, TOKENS_PER_MESSAGE, messageParts, textTokens } from './tokens.ts';

export const CACHE_MIN_TOKENS = 1024;
export const CACHE_INCREMENT_TOKENS = 128;
export const CACHE_TTL_MS = 5 * 60_000;
export const CACHE_PROMPTS_PER_SCOPE = 64;

/** A prompt as the cache compares it. */
export interface PromptShape {
  messages: { role: string; text: string; images: string[] }[];
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64');

export function promptShape(messages: readonly unknown[]): PromptShape {
  return {
    messages: messages.map((message) => {
      const record = isRecord(message) ? message : {};
      const { text, images } = messageParts(record.content);
      return { role: typeof record.role === 'string' ? record.role : '', text, images: images.map(digest) };
    }),
  };
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  return i;
}

/** Tokens at the start of `a` and `b` that are the same, in the simulator's token count. */
export function sharedPrefixTokens(a: PromptShape, b: PromptShape): number {
  let tokens = 0;
  const count = Math.min(a.messages.length, b.messages.length);
  for (let i = 0; i < count; i += 1) {
    const x = a.messages[i]!;
    const y = b.messages[i]!;
    if (x.role !== y.role) break;
    tokens += TOKENS_PER_MESSAGE;
    if (x.text !== y.text) {
      tokens += Math.floor(commonPrefixLength(x.text, y.text) / CHARS_PER_TOKEN);
      break;
    }
    tokens += textTokens(x.text);
    let sameImages = 0;
    while (sameImages < x.images.length && sameImages < y.images.length && x.images[sameImages] === y.images[sameImages]) sameImages += 1;
    tokens += TOKENS_PER_IMAGE * sameImages;
    if (sameImages !== x.images.length || sameImages !== y.images.length) break;
  }
  return tokens;
}

/** Shared tokens rounded down to what a provider actually serves from cache. */
export function billableCachedTokens(shared: number): number {
  if (shared < CACHE_MIN_TOKENS) return 0;
  return CACHE_MIN_TOKENS + Math.floor((shared - CACHE_MIN_TOKENS) / CACHE_INCREMENT_TOKENS) * CACHE_INCREMENT_TOKENS;
}

interface Stored {
  shape: PromptShape;
  lastUsed: number;
}

export class PrefixCache {
  private readonly scopes = new Map<string, Stored[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Cached tokens for this prompt (never more than `promptTokens`), then remembers it so
   * later prompts can share its prefix.
   */
  lookup(scope: string, shape: PromptShape, promptTokens: number): number {
    const now = this.now();
    const stored = (this.scopes.get(scope) ?? []).filter((entry) => now - entry.lastUsed <= CACHE_TTL_MS);
    let best = 0;
    let bestEntry: Stored | null = null;
    for (const entry of stored) {
      const shared = sharedPrefixTokens(shape, entry.shape);
      if (shared > best) {
        best = shared;
        bestEntry = entry;
      }
    }
    const cached = billableCachedTokens(Math.min(best, promptTokens));
    if (bestEntry !== null && cached > 0) bestEntry.lastUsed = now;
    stored.push({ shape, lastUsed: now });
    stored.sort((x, y) => y.lastUsed - x.lastUsed);
    this.scopes.set(scope, stored.slice(0, CACHE_PROMPTS_PER_SCOPE));
    return cached;
  }

  clear(): void {
    this.scopes.clear();
  }
}

/** Key × model × response format: a cache belongs to one account and one model, and the schema is part of the prompt. */
export function cacheScope(key: string | null, model: string, responseFormat: unknown): string {
  return `${key ?? ''}\u0000${model}\u0000${digest(JSON.stringify(responseFormat ?? null))}`;
}
