import { dialectOf, pricesOf, type ApiDialect, type Config, type ModelConfig, type Prices } from '../../../shared/config.ts';

/** One configured model with what the router needs to know about it. */
export interface ModelEntry {
  id: string;
  name: string;
  endpoint: string;
  slug: string;
  dialect: ApiDialect;
  prices: Prices;
  keyEnv: string | null;
  tasks: readonly string[];
  vision: boolean;
  structuredOutput: boolean;
  contextWindow: number | null;
  maxTokens: number | null;
  weight: number;
  rpm: number | null;
  maxConcurrency: number;
  imageMaxEdge: number;
  /** The demo provider's: what it bills is not real money. */
  simulated: boolean;
  config: ModelConfig;
}

/**
 * The key variable of an OpenRouter model whose config names none: OpenRouter's own name for it,
 * so the seed's config (no `api_key_env`) sends a key instead of none.
 */
export const OPENROUTER_KEY_ENV = 'OPENROUTER_API_KEY';

export function modelEntry(id: string, model: ModelConfig): ModelEntry {
  const dialect = dialectOf(model);
  return {
    id,
    name: model.name ?? id,
    endpoint: model.endpoint,
    slug: model.model ?? id,
    dialect,
    prices: pricesOf(model),
    keyEnv: model.api_key_env ?? (dialect === 'openrouter' ? OPENROUTER_KEY_ENV : null),
    tasks: model.supported_tasks ?? [],
    vision: model.vision ?? false,
    structuredOutput: model.structured_output ?? false,
    contextWindow: model.context_window ?? null,
    maxTokens: model.max_tokens ?? null,
    weight: model.weight ?? 1,
    rpm: model.rpm ?? null,
    maxConcurrency: model.max_concurrency ?? 4,
    imageMaxEdge: model.image_max_edge ?? 2048,
    simulated: model.simulated ?? false,
    config: model,
  };
}

export function registryFromConfig(config: Config): ModelEntry[] {
  return Object.entries(config.models).map(([id, model]) => modelEntry(id, model));
}

/** What a request needs from a model; the filters run before any strategy chooses. */
export interface Requirements {
  /** The request's task (`grading`): a model whose `supported_tasks` lacks it is not used. */
  task?: string;
  hasImages: boolean;
  /** Prompt estimate plus the answer's room. */
  tokensNeeded: number;
  /** After a context-length error: strictly larger than this window. */
  contextLargerThan?: number | null;
}

/** Why a model was left out, for the audit trail and for NO_MODEL_AVAILABLE messages. */
export type Exclusion = 'task' | 'vision' | 'context' | 'disabled' | 'tried';

export function exclusionOf(model: ModelEntry, req: Requirements): Exclusion | null {
  if (req.task && model.tasks.length > 0 && !model.tasks.includes(req.task)) return 'task';
  if (req.hasImages && !model.vision) return 'vision';
  if (model.contextWindow !== null && req.tokensNeeded > model.contextWindow) return 'context';
  if (req.contextLargerThan != null && (model.contextWindow ?? 0) <= req.contextLargerThan) return 'context';
  return null;
}

/**
 * The scope a provider's rate limit applies to: one key at one origin. The key is named by the
 * environment variable or keychain entry it comes from (`api_key_env`), which is known without
 * reading the secret, so every model sharing a key shares its limits and Retry-After blocks.
 */
export function keyScope(endpoint: string, keyName: string | null): string {
  let origin: string;
  try {
    origin = new URL(endpoint).origin;
  } catch {
    origin = endpoint;
  }
  return `key:${origin}#${keyName ?? 'nokey'}`;
}

export const modelScope = (modelId: string): string => `model:${modelId}`;
