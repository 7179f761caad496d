import type { ChatRequest } from './types.ts';

/** A flat per-image token cost; providers differ (tiles, patches), this errs on the high side. */
const TOKENS_PER_IMAGE = 1100;

/**
 * A quick prompt-size estimate for routing (context filter) and budget reservations: about four
 * characters per token, rounded up, plus a flat amount per image. Reservations are settled with
 * the real cost afterwards, so this only has to be in the right range.
 */
export function estimatePromptTokens(request: ChatRequest): number {
  let chars = request.system.length;
  let images = 0;
  for (const part of request.parts) {
    if (part.type === 'text') chars += part.text.length;
    else images += 1;
  }
  if (request.schema) chars += JSON.stringify(request.schema.schema).length;
  return Math.ceil(chars / 4) + images * TOKENS_PER_IMAGE + 8;
}

export const hasImages = (request: ChatRequest): boolean => request.parts.some((p) => p.type === 'image_url');
