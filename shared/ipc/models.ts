import { z } from 'zod';
import { ErrorDataSchema, IdSchema, LIMITS, EmptyInput } from './common.ts';

export const ModelCheckSchema = z.strictObject({
  modelId: IdSchema,
  checkedAt: z.string().max(40),
  ok: z.boolean(),
  latencyMs: z.number().nonnegative().nullable(),
  httpStatus: z.number().int().nullable(),
  errorClass: z.string().max(LIMITS.id).nullable(),
  error: ErrorDataSchema.nullable(),
});
export type ModelCheck = z.infer<typeof ModelCheckSchema>;

export const ModelViewSchema = z.strictObject({
  id: IdSchema,
  name: z.string().max(LIMITS.name),
  provider: z.string().max(LIMITS.name),
  endpoint: z.string().max(LIMITS.url),
  slug: z.string().max(LIMITS.name),
  api: z.enum(['openrouter', 'openai']),
  inputCostPerToken: z.number().nullable(),
  outputCostPerToken: z.number().nullable(),
  contextWindow: z.number().nullable(),
  maxTokens: z.number().nullable(),
  vision: z.boolean(),
  structuredOutput: z.boolean(),
  supportedTasks: z.array(z.string().max(LIMITS.id)).max(50),
  /** Whether a key is available; the key itself never reaches the renderer. */
  /** `simulated`: the demo provider, which needs no real key and bills nothing. */
  keyStatus: z.enum(['set', 'missing', 'not_needed', 'simulated']),
  lastCheck: ModelCheckSchema.nullable(),
  /** What the provider's model list said about it, when it was asked (OpenRouter models the config leaves open). */
  catalog: z
    .strictObject({
      status: z.enum(['exact', 'resolved', 'not_found', 'ambiguous', 'catalog_unavailable', 'pending']),
      requested: z.string().max(LIMITS.name),
      catalogId: z.string().max(LIMITS.name).nullable(),
      filled: z.array(z.string().max(LIMITS.id)).max(20),
      message: z.string().max(LIMITS.message).nullable(),
    })
    .optional(),
});
export type ModelView = z.infer<typeof ModelViewSchema>;

export const modelRoutes = {
  listModels: {
    input: EmptyInput,
    output: z.array(ModelViewSchema).max(LIMITS.listItems),
  },
  checkModel: {
    input: z.strictObject({ modelId: IdSchema }),
    output: ModelCheckSchema,
  },
} as const;

export const modelEvents = {
  modelChecked: ModelCheckSchema,
} as const;
