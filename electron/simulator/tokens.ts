/**
 * Deterministic token estimates. Real tokenizers differ per model; what the app needs from
 * the simulator is counts that are stable, easy to predict in a test, and in the right order
 * of magnitude. The formula:
 *
 *   text tokens(s)     = ceil(s.length / 4)            (UTF-16 code units; 0 for "")
 *   message tokens     = 4 + text tokens(all text of the message joined)
 *                          + 765 per image part        (`image_url` / `input_image`)
 *   prompt tokens      = 3 + Σ message tokens
 *   completion tokens  = text tokens(content produced)
 *
 * 4 per message and 3 for priming follow OpenAI's published chat overhead; 765 is what
 * OpenAI charges for one 1024×1024 high-detail image. The response_format schema is not
 * counted. Cached prompt tokens (a prefix shared with a recent prompt) are computed with
 * the same formula, see prefix-cache.ts.
 */

export const CHARS_PER_TOKEN = 4;
export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_PROMPT = 3;
export const TOKENS_PER_IMAGE = 765;

export function textTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Text and images of one message's `content` (string, list of parts, or null). */
export interface MessageParts {
  text: string;
  /** Each image part's URL as sent (a data URL), or the part itself as JSON when it has none. */
  images: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function messageParts(content: unknown): MessageParts {
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) return { text: '', images: [] };
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if ((part.type === 'text' || part.type === 'input_text') && typeof part.text === 'string') {
      texts.push(part.text);
    } else if (part.type === 'image_url' || part.type === 'input_image') {
      const url = isRecord(part.image_url) ? part.image_url.url : part.image_url;
      images.push(typeof url === 'string' ? url : JSON.stringify(part));
    }
  }
  return { text: texts.join('\n'), images };
}

/** Prompt counts of a request. `cachedTokens` is 0 here; chat.ts fills it from the prefix cache. */
export interface PromptCount {
  promptTokens: number;
  cachedTokens: number;
  images: number;
}

export function countPrompt(messages: readonly unknown[]): PromptCount {
  let promptTokens = TOKENS_PER_PROMPT;
  let images = 0;
  for (const message of messages) {
    const parts = messageParts(isRecord(message) ? message.content : undefined);
    promptTokens += TOKENS_PER_MESSAGE + textTokens(parts.text) + TOKENS_PER_IMAGE * parts.images.length;
    images += parts.images.length;
  }
  return { promptTokens, cachedTokens: 0, images };
}

/** All text of the prompt, for finding a JSON schema embedded in it. */
export function promptText(messages: readonly unknown[]): string {
  return messages
    .map((message) => messageParts(isRecord(message) ? message.content : undefined).text)
    .join('\n');
}
