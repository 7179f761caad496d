/** Cost of a batch before it is sent: prompt tokens, image tokens per family, expected output. */
export {
  estimateBatchCost,
  CHAT_OVERHEAD_TOKENS,
  ESTIMATE_MARKER,
  OUTPUT_TOKENS_BASE,
  OUTPUT_TOKENS_PER_CRITERION,
  type BatchCostInput,
  type BatchEstimate,
  type ModelEstimate,
  type ModelToEstimate,
  type SubmissionToEstimate,
} from './batch-cost.ts';
export { imageTokens, familyOf, familyOfModel, DEFAULT_IMAGE_SIZE, type ImageFamily, type ImageSize } from './image-tokens.ts';
