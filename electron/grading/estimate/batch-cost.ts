/**
 * What a batch will cost before anything is sent, per model and in total — the number the
 * budget check compares with `--budget` (DESIGN §6, exit code 3).
 *
 * - Text: the whole prompt exactly as {@link buildGradingRequest} builds it (system message,
 *   user text with the marker block, and the answer schema, which providers count as input),
 *   tokenized with gpt-tokenizer (o200k_base), plus the chat overhead of 3 + 4 per message.
 *   Other tokenizers differ by some percent; this is an estimate, settled later by usage.
 * - Images: per family, see image-tokens.ts.
 * - Output: `expectedOutputTokens` per submission, else 60 per criterion + 150.
 * - A text-only model (`vision: false`) is never sent a submission with images: those are left
 *   out of its tokens and cost.
 * - Prefix caching is ignored: the estimate is an upper bound of the uncached price.
 * - A model without a price is `costUsd: null, unpriced: true`, never 0, and then the batch
 *   total is null too (`pricedTotalUsd` still sums what can be known).
 */
import { countTokens } from 'gpt-tokenizer';
import type { Prices } from '../../../shared/config.ts';
import { buildGradingRequest } from '../prompt/request.ts';
import type { GradingSettingsInput } from '../prompt/settings.ts';
import type { Rubric } from '../rubric/schema.ts';
import { familyOf, imageTokens, type ImageFamily, type ImageSize } from './image-tokens.ts';

export const OUTPUT_TOKENS_PER_CRITERION = 60;
export const OUTPUT_TOKENS_BASE = 150;
/** OpenAI's chat overhead: 3 tokens priming the reply, 4 per message (system + user). */
export const CHAT_OVERHEAD_TOKENS = 3 + 4 * 2;

export interface SubmissionToEstimate {
  text: string;
  imageCount: number;
  /** Sizes of the images after downscaling, in order; missing ones use the default page size. */
  imageSizes?: readonly ImageSize[];
}

export interface ModelToEstimate {
  id: string;
  prices: Prices | null;
  family?: ImageFamily;
  /**
   * False for a text-only model: the router never sends it a submission with images (see
   * model-registry.ts), so those are not counted against it. Unknown (absent) counts them all.
   */
  vision?: boolean;
}

export interface BatchCostInput {
  submissions: readonly SubmissionToEstimate[];
  rubric: Rubric;
  models: readonly ModelToEstimate[];
  expectedOutputTokens?: number;
  settings?: GradingSettingsInput;
}

export interface ModelEstimate {
  model: string;
  family: ImageFamily;
  textTokens: number;
  imageTokens: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  unpriced: boolean;
}

export interface BatchEstimate {
  submissions: number;
  perModel: ModelEstimate[];
  /** Sum over every model; null when any model is unpriced. */
  totalUsd: number | null;
  /** Sum over the priced models only. */
  pricedTotalUsd: number;
  unpricedModels: string[];
}

/** A marker like a real one (16 hex digits tokenize unevenly), so the prompt is counted as sent. */
export const ESTIMATE_MARKER = (): string => '9f3a6c1e7b2d4a80';
const PLACEHOLDER_IMAGE = { mime: 'image/png', data: Buffer.alloc(0) };

/** Text tokens of one submission's prompt; the system message and schema are counted once per batch. */
function promptTextTokens(input: BatchCostInput, submission: SubmissionToEstimate, shared: Map<string, number>): number {
  const { request } = buildGradingRequest({
    rubric: input.rubric,
    submissionText: submission.text,
    images: Array.from({ length: submission.imageCount }, () => PLACEHOLDER_IMAGE),
    settings: input.settings,
    markerRandom: ESTIMATE_MARKER,
  });
  const cached = (text: string): number => {
    let count = shared.get(text);
    if (count === undefined) {
      count = countTokens(text);
      shared.set(text, count);
    }
    return count;
  };
  let tokens = CHAT_OVERHEAD_TOKENS + cached(request.system);
  if (request.schema) tokens += cached(JSON.stringify(request.schema.schema));
  for (const part of request.parts) if (part.type === 'text') tokens += countTokens(part.text);
  return tokens;
}

export function estimateBatchCost(input: BatchCostInput): BatchEstimate {
  const shared = new Map<string, number>();
  const textOf = input.submissions.map((s) => promptTextTokens(input, s, shared));
  const outputPerSubmission = input.expectedOutputTokens ?? OUTPUT_TOKENS_BASE + OUTPUT_TOKENS_PER_CRITERION * input.rubric.criteria.length;

  const perModel = input.models.map((model): ModelEstimate => {
    const family = model.family ?? familyOf(model.id);
    const taken = input.submissions.map((_, i) => i).filter((i) => model.vision !== false || (input.submissions[i]?.imageCount ?? 0) === 0);
    const textTokens = taken.reduce((sum, i) => sum + (textOf[i] ?? 0), 0);
    const outputTokens = outputPerSubmission * taken.length;
    let images = 0;
    for (const submission of taken.map((i) => input.submissions[i] as SubmissionToEstimate)) {
      for (let i = 0; i < submission.imageCount; i += 1) images += imageTokens(family, submission.imageSizes?.[i]);
    }
    const inputTokens = textTokens + images;
    const priced = model.prices !== null && model.prices.input !== null && model.prices.output !== null;
    const costUsd = priced ? inputTokens * model.prices!.input! + outputTokens * model.prices!.output! : null;
    return { model: model.id, family, textTokens, imageTokens: images, inputTokens, outputTokens, costUsd, unpriced: !priced };
  });
  const unpricedModels = perModel.filter((m) => m.unpriced).map((m) => m.model);
  const pricedTotalUsd = perModel.reduce((sum, m) => sum + (m.costUsd ?? 0), 0);
  return {
    submissions: input.submissions.length,
    perModel,
    totalUsd: unpricedModels.length > 0 ? null : pricedTotalUsd,
    pricedTotalUsd,
    unpricedModels,
  };
}
