/**
 * Input tokens of one image, per provider family, from the providers' published rules:
 *
 * - OpenAI (high detail): fit within 2048×2048, then scale down so the short side is at most
 *   768 px; tokens = 85 + 170 × (number of 512-px tiles). A 1536×2048 scan → 768×1024 →
 *   2×2 tiles → 765 tokens.
 * - Gemini: a flat 258 tokens per image (its documented default media resolution).
 * - Claude: scale so the long edge is at most 1568 px; tokens = width × height / 750, at
 *   most about 1600 (larger images are scaled down to that budget).
 * - Anything else is estimated with the OpenAI rule, the most common OpenAI-compatible one.
 *
 * An image of unknown size is assumed to be a page scan at the default `image_max_edge`
 * (1536×2048): the app downscales every image to that edge before sending (DESIGN §7).
 */

export type ImageFamily = 'openai' | 'gemini' | 'claude' | 'other';

export interface ImageSize {
  width: number;
  height: number;
}

export const DEFAULT_IMAGE_SIZE: ImageSize = { width: 1536, height: 2048 };
export const GEMINI_TOKENS_PER_IMAGE = 258;
export const CLAUDE_MAX_EDGE = 1568;
export const CLAUDE_MAX_TOKENS = 1600;

function openAiTokens({ width, height }: ImageSize): number {
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shrink = Math.min(1, 768 / Math.min(w, h));
  w = Math.floor(w * shrink);
  h = Math.floor(h * shrink);
  return 85 + 170 * Math.ceil(w / 512) * Math.ceil(h / 512);
}

function claudeTokens({ width, height }: ImageSize): number {
  const scale = Math.min(1, CLAUDE_MAX_EDGE / Math.max(width, height));
  const tokens = Math.ceil((Math.floor(width * scale) * Math.floor(height * scale)) / 750);
  return Math.min(tokens, CLAUDE_MAX_TOKENS);
}

export function imageTokens(family: ImageFamily, size: ImageSize = DEFAULT_IMAGE_SIZE): number {
  if (!(size.width > 0 && size.height > 0)) return 0;
  switch (family) {
    case 'gemini':
      return GEMINI_TOKENS_PER_IMAGE;
    case 'claude':
      return claudeTokens(size);
    case 'openai':
    case 'other':
      return openAiTokens(size);
  }
}

/** Guesses the family from a model id or slug ("google/gemini-2.5-flash" → gemini). */
export function familyOf(modelId: string): ImageFamily {
  const id = modelId.toLowerCase();
  if (/gemini|google\//.test(id)) return 'gemini';
  if (/claude|anthropic\//.test(id)) return 'claude';
  if (/gpt|openai\/|(^|\/)o[1-9]/.test(id)) return 'openai';
  return 'other';
}

const PROVIDER_FAMILIES: Readonly<Record<string, ImageFamily>> = {
  google: 'gemini',
  gemini: 'gemini',
  vertex: 'gemini',
  anthropic: 'claude',
  claude: 'claude',
  openai: 'openai',
  azure: 'openai',
};

/**
 * The family of a configured model. A config's key is a name the teacher chose ("fast"), so
 * the slug sent to the endpoint decides first, then the `provider` field, then the key.
 */
export function familyOfModel(id: string, model?: { model?: string | undefined; provider?: string | undefined }): ImageFamily {
  const bySlug = model?.model ? familyOf(model.model) : 'other';
  if (bySlug !== 'other') return bySlug;
  const byProvider = model?.provider ? PROVIDER_FAMILIES[model.provider.trim().toLowerCase()] : undefined;
  return byProvider ?? familyOf(id);
}
