/**
 * The default model catalog and its OpenRouter-style `/models` listing. The four models span
 * the cases the app must handle: cheap vs expensive, vision vs text-only, structured output
 * vs schema-in-the-prompt, and a small context window for context-length errors.
 */
import type { SimModel } from './types.ts';

export const DEFAULT_MODELS: Readonly<Record<string, SimModel>> = Object.freeze({
  /** Quick and inexpensive, structured output, text only. */
  'sim/fast': {
    input_cost_per_token: 0.0000001,
    output_cost_per_token: 0.0000004,
    cached_input_cost_per_token: 0.000000025,
    context_window: 128_000,
    vision: false,
    structured_output: true,
  },
  /** Expensive and capable: vision and structured output. */
  'sim/smart': {
    input_cost_per_token: 0.000003,
    output_cost_per_token: 0.000015,
    cached_input_cost_per_token: 0.0000003,
    context_window: 200_000,
    vision: true,
    structured_output: true,
  },
  /** Reads images but has no structured output: the schema must go into the prompt. */
  'sim/vision': {
    input_cost_per_token: 0.0000005,
    output_cost_per_token: 0.0000015,
    context_window: 32_000,
    vision: true,
    structured_output: false,
  },
  /** Cheapest, text only, no structured output, small window (8k). */
  'sim/cheap': {
    input_cost_per_token: 0.00000005,
    output_cost_per_token: 0.0000002,
    context_window: 8_192,
    vision: false,
    structured_output: false,
  },
});

/**
 * A price as OpenRouter writes it: a plain decimal string, never exponent notation
 * (`1e-7` becomes "0.0000001"). Built from the shortest round-trip digits, so
 * `Number(decimalString(x)) === x`.
 */
export function decimalString(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign = '', lead = '', fraction = '', exponentText = '0'] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intLength = exponent + 1;
  return digits.length <= intLength
    ? `${sign}${digits}${'0'.repeat(intLength - digits.length)}`
    : `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

/** The `/models` body: prices are USD per token as strings, like OpenRouter's. */
export function modelsListing(models: Record<string, SimModel>): { data: Record<string, unknown>[] } {
  return {
    data: Object.entries(models).map(([id, model]) => {
      const pricing: Record<string, string> = {
        prompt: decimalString(model.input_cost_per_token),
        completion: decimalString(model.output_cost_per_token),
        request: '0',
        image: '0',
      };
      if (model.cached_input_cost_per_token !== undefined) {
        pricing.input_cache_read = decimalString(model.cached_input_cost_per_token);
      }
      const parameters = ['max_tokens', 'temperature', 'stream', 'stream_options'];
      if (model.structured_output) parameters.push('response_format', 'structured_outputs');
      return {
        id,
        canonical_slug: id,
        name: `Simulated ${id.split('/').pop() ?? id}`,
        created: 1_735_689_600,
        description: 'A model of the GradeDesk provider simulator; its answers are generated, not real.',
        context_length: model.context_window,
        architecture: {
          modality: model.vision ? 'text+image->text' : 'text->text',
          input_modalities: model.vision ? ['text', 'image'] : ['text'],
          output_modalities: ['text'],
        },
        pricing,
        top_provider: { context_length: model.context_window, max_completion_tokens: 16_384, is_moderated: false },
        supported_parameters: parameters,
      };
    }),
  };
}
