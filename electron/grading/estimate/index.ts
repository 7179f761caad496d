/** Cost of a batch before it is sent: prompt tokens, image tokens per family, expected output. */
export {
  estimateBatchCost,
  CHAT_OVERHEAD_TOKENS,
  ESTIMATE_MARKER,
  type SubmissionToEstimate,
} from './batch-cost.ts';
export { imageTokens, familyOf, familyOfModel } from './image-tokens.ts';
