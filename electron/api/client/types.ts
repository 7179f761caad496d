import type { ApiDialect, Prices } from '../../../shared/config.ts';
import type { ErrorClass } from '../retry/error-classes.ts';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } };

/** JSON Schema as sent in `response_format`; kept structural, we only pass it on. */
export type JsonSchema = { readonly [key: string]: unknown };

export type Validation = { ok: true; value: unknown } | { ok: false; message: string };

/** The answer must be one JSON object valid against `schema`; `validate` is the check in code. */
export interface StructuredOutput {
  name: string;
  schema: JsonSchema;
  validate: (value: unknown) => Validation;
}

/** One logical request; the call manager turns it into one or more HTTP attempts. */
export interface ChatRequest {
  system: string;
  /** The user message: text first, then images (DESIGN §7). */
  parts: ContentPart[];
  /** Structured output: sent as `json_schema` where the model supports it, in the prompt otherwise. */
  schema?: StructuredOutput;
  maxTokens?: number;
  temperature?: number;
  /** What the request is for (`grading`); only models whose `supported_tasks` include it take it. */
  task?: string;
}

/** Everything one HTTP attempt needs to know about the model it goes to. */
export interface AttemptTarget {
  modelId: string;
  endpoint: string;
  slug: string;
  dialect: ApiDialect;
  apiKey: string | null;
  prices: Prices;
  structuredOutput: boolean;
  /** OpenRouter's `provider.data_collection`; only sent to OpenRouter endpoints. */
  dataCollection: 'allow' | 'deny' | null;
}

export interface Timeouts {
  /**
   * TCP/TLS connect. undici sets it per connection pool, not per request: it is applied where
   * the pool is built (the app's dispatcher), and an attempt sent through another dispatcher
   * gets that dispatcher's own (undici's default is also 10 s).
   */
  connectMs: number;
  /** From sending the request to the response headers (and, for streams, the first content). */
  firstByteMs: number;
  /** Longest silence between two chunks of the body. */
  idleMs: number;
  /** The whole attempt. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, firstByteMs: 60_000, idleMs: 30_000, totalMs: 180_000 };

export interface Usage {
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  /** `usage.cost`, when the provider reports it: the truth. */
  providerCostUsd: number | null;
}

/** What the provider's rate-limit headers said, for the pacer to learn from. */
export interface RateLimitHint {
  limit: number | null;
  remaining: number | null;
  resetMs: number | null;
}

interface AttemptCommon {
  httpStatus: number | null;
  generationId: string | null;
  /** The model the provider says answered (it may differ from the one asked, e.g. OpenRouter fallbacks). */
  answeredBy: string | null;
  usage: Usage | null;
  ttftMs: number | null;
  latencyMs: number;
  rateLimit: RateLimitHint | null;
}

export interface AttemptSuccess extends AttemptCommon {
  ok: true;
  content: string;
  finishReason: string | null;
}

export interface AttemptFailure extends AttemptCommon {
  ok: false;
  errorClass: ErrorClass;
  /** How long the provider asked us to wait, if it said. */
  retryAfterMs: number | null;
  /** Content had begun to arrive: the provider may have billed for it. */
  contentStarted: boolean;
  /** The answer's text received before it broke off: what prices a stream that lost its usage. */
  receivedContent?: string;
  /** For the log only; never shown to the teacher raw. */
  detail: string;
}

export type AttemptResult = AttemptSuccess | AttemptFailure;
