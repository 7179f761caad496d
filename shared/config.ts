import { z } from 'zod';
import { type Result, ok, fail } from './errors.ts';

/**
 * The configuration file of DESIGN §4. Every object is loose: fields this version does not
 * know are kept (a newer GradeDesk or another tool may have written them) and ignored.
 */
const nonNegative = z.number().finite().nonnegative();

export const ModelConfigSchema = z.looseObject({
  name: z.string().min(1).max(200).optional(),
  provider: z.string().max(100).optional(),
  endpoint: z.string().min(1).max(2000),
  model: z.string().min(1).max(300).optional(),
  api: z.enum(['openrouter', 'openai']).optional(),
  // A name, never the key: a key pasted here would be echoed in every "set X" message.
  api_key_env: z
    .string()
    .max(200)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable (letters, digits and _), not the key itself')
    .optional(),
  supported_tasks: z.array(z.string().max(100)).max(50).optional(),
  max_tokens: z.number().int().positive().optional(),
  cost_per_token: nonNegative.optional(),
  input_cost_per_token: nonNegative.optional(),
  output_cost_per_token: nonNegative.optional(),
  context_window: z.number().int().positive().optional(),
  vision: z.boolean().optional(),
  structured_output: z.boolean().optional(),
  weight: nonNegative.optional(),
  rpm: z.number().positive().optional(),
  max_concurrency: z.number().int().positive().optional(),
  image_max_edge: z.number().int().positive().optional(),
  // The demo provider's models: answers come from the simulator and their cost is not real.
  simulated: z.boolean().optional(),
});

/**
 * Feedback languages the grader can be told to write in. The prompt's own list is
 * electron/grading/prompt/settings.ts (FEEDBACK_LANGUAGES); shared code may not import it, so the
 * tags are repeated here and a unit test keeps both lists equal.
 */
export const FEEDBACK_LANGUAGE_TAGS = ['en', 'zh-CN', 'zh-TW', 'es', 'fr', 'de', 'pt', 'it', 'ja', 'ko'] as const;

/**
 * `grading`: the batch's grading settings, in the file's snake_case. The values are those of
 * GradingSettingsSchema (prompt/settings.ts), which the pipeline maps them onto. No defaults
 * here: a config is kept as written, and the defaults live with the prompt.
 */
export const GradingConfigSchema = z.looseObject({
  strictness: z.enum(['lenient', 'standard', 'strict']).optional(),
  feedback_language: z.enum(FEEDBACK_LANGUAGE_TAGS).optional(),
  tone: z.enum(['encouraging', 'neutral', 'direct']).optional(),
  grade_level: z
    .string()
    .max(80)
    .regex(/^[^\n\r<>]*$/, 'one line, without < or >')
    .optional(),
});

export const ConfigSchema = z.looseObject({
  models: z.record(z.string().min(1).max(200), ModelConfigSchema),
  routing: z
    .looseObject({
      strategy: z.string().max(50).optional(),
      fallbacks: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  retry: z
    .looseObject({
      max_attempts: z.number().int().positive().optional(),
      deadline_seconds: z.number().positive().optional(),
      backoff: z.enum(['exponential', 'linear', 'immediate']).optional(),
      base_delay_ms: nonNegative.optional(),
      max_delay_ms: nonNegative.optional(),
      /** Least wait for a first byte before a second try at the end of a batch; 0 turns it off. */
      hedge_after_ms: nonNegative.optional(),
    })
    .optional(),
  monitoring: z
    .looseObject({
      response_time_threshold: nonNegative.optional(),
      error_rate_threshold: nonNegative.optional(),
      cost_threshold_per_hour: nonNegative.optional(),
    })
    .optional(),
  budget: z
    .looseObject({
      per_batch_usd: nonNegative.optional(),
      per_day_usd: nonNegative.optional(),
    })
    .optional(),
  privacy: z
    .looseObject({
      pseudonymize_names: z.boolean().optional(),
      data_collection: z.enum(['allow', 'deny']).optional(),
    })
    .optional(),
  grading: GradingConfigSchema.optional(),
});

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type Config = z.infer<typeof ConfigSchema>;
export type GradingConfig = z.infer<typeof GradingConfigSchema>;

/** `a.b[2].c` — the way a teacher would find the field in their file. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** Validates an already-parsed JSON value; the error names the first wrong field. */
export function parseConfig(value: unknown): Result<Config> {
  const parsed = ConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? formatPath(issue.path) : '(top level)';
    const what = issue ? issue.message : 'invalid value';
    return fail('CONFIG_INVALID', `Config field "${where}" is wrong: ${what}.`);
  }
  for (const [id, model] of Object.entries(parsed.data.models)) {
    try {
      new URL(model.endpoint);
    } catch {
      return fail('CONFIG_INVALID', `Config field "models.${id}.endpoint" is not a URL: ${model.endpoint}.`);
    }
  }
  return ok(parsed.data);
}

/**
 * Only the `grading` section of a config value, for code that holds a config it did not parse
 * itself (a batch plan's `config` is `unknown`: it may come from an older stored batch).
 */
export function parseGradingSection(value: unknown): Result<GradingConfig | undefined> {
  if (typeof value !== 'object' || value === null) return ok(undefined);
  const parsed = GradingConfigSchema.optional().safeParse((value as { grading?: unknown }).grading);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = formatPath(['grading', ...(issue?.path ?? [])]);
    return fail('CONFIG_INVALID', `Config field "${where}" is wrong: ${issue?.message ?? 'invalid value'}.`);
  }
  return ok(parsed.data);
}

/** Parses config text; JSON syntax errors also come back as CONFIG_INVALID. */
export function parseConfigText(text: string): Result<Config> {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail('CONFIG_INVALID', `The config file is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(value);
}

export type ApiDialect = 'openrouter' | 'openai';

/** DESIGN §7: OpenRouter extras go only to OpenRouter endpoints. */
export function dialectOf(model: ModelConfig): ApiDialect {
  if (model.api) return model.api;
  try {
    const host = new URL(model.endpoint).hostname;
    return host === 'openrouter.ai' || host.endsWith('.openrouter.ai') ? 'openrouter' : 'openai';
  } catch {
    return 'openai';
  }
}

export interface Prices {
  input: number | null;
  output: number | null;
}

/** `cost_per_token` prices both sides; the specific fields override it. Unpriced is null, never 0. */
export function pricesOf(model: ModelConfig): Prices {
  return {
    input: model.input_cost_per_token ?? model.cost_per_token ?? null,
    output: model.output_cost_per_token ?? model.cost_per_token ?? null,
  };
}
