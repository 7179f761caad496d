/**
 * `POST /v1/chat/completions`: decides what happens to a request, in the order a real
 * provider would find out — body, key, model, model outage, rate limit, credits, then the
 * injected fault for this request number, then what the model cannot do (images, schema,
 * context length) — and hands admitted requests to the generation runner.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { composeAnswer, responseFormatSchema } from './content.ts';
import { contextLengthError, errorFor, moderationError, type ErrorResponse } from './errors.ts';
import {
  DEFAULT_RATE_WINDOW_MS,
  DEFAULT_RETRY_AFTER_MS,
  PRE_GENERATION_FAULTS,
  pickFault,
  type EffectiveProfile,
  type FaultKind,
} from './fault-profile.ts';
import { runGeneration, type GenerationFault } from './generation.ts';
import { BodyTooLargeError, bearerOf, readBody, sendJson } from './http-util.ts';
import { isRecord } from './json-schema.ts';
import { cacheScope, promptShape } from './prefix-cache.ts';
import { rngFor, seedFrom } from './random.ts';
import { formatResetSeconds } from './rate-limiter.ts';
import type { SimulatorState } from './state.ts';
import { countPrompt, promptText, textTokens, type PromptCount } from './tokens.ts';
import type { ReceivedRequest, SimModel } from './types.ts';

/** Headers of an honest retry hint: whole seconds (rounded up) and exact milliseconds. */
export function retryHeaders(ms: number): Record<string, string> {
  return { 'retry-after': String(Math.ceil(ms / 1000)), 'retry-after-ms': String(Math.ceil(ms)) };
}

/** A caller the simulator knows, asking a model it serves, with messages. */
interface ChatRequest {
  body: Record<string, unknown>;
  key: string;
  slug: string;
  model: SimModel;
  messages: unknown[];
}

/** What the rate limiter and the maintenance window let through. */
interface Admission {
  profile: EffectiveProfile;
  rateHeaders: Record<string, string>;
}

export async function handleChat(state: SimulatorState, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const record = state.receive({
    at: Date.now(),
    model: null,
    key: bearerOf(req),
    headers: { ...req.headers },
    body: null,
    outcome: 'ok',
  });
  const body = await parseBody(req, res, record);
  if (body === null) return;
  const request = identify(state, record, body, res);
  if (request === null) return;
  const admission = admit(state, record, request, res);
  if (admission === null) return;
  const { profile } = admission;

  const prompt = countPrompt(request.messages);
  const fault = pickFault(profile.faults, record.n, (n, purpose) => state.uniform(n, purpose));
  if (fault !== null && PRE_GENERATION_FAULTS.has(fault)) {
    record.outcome = fault;
    return injectPreGeneration(state, fault, {
      slug: request.slug,
      promptTokens: prompt.promptTokens,
      contextWindow: request.model.context_window,
      prompt: promptText(request.messages),
      profile,
      req,
      res,
      signal,
    });
  }
  if (!canAnswer(record, request, prompt, res)) return;

  // Prefix caching (prefix-cache.ts): only for models with a cached price, only for admitted requests.
  if (request.model.cached_input_cost_per_token !== undefined) {
    const scope = cacheScope(request.key, request.slug, body.response_format);
    prompt.cachedTokens = state.prefixCache.lookup(scope, promptShape(request.messages), prompt.promptTokens);
  }

  const generationFault = fault as GenerationFault | null;
  record.outcome = generationFault ?? 'ok';
  const answer = composeContent(state, record, request, generationFault, res);
  if (answer === null) return;
  const streamOptions = body.stream_options;
  await runGeneration(
    state,
    {
      n: record.n,
      id: `gen-${record.n}-${randomBytes(6).toString('hex')}`,
      model: request.slug,
      key: request.key,
      stream: body.stream === true,
      includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
      prompt,
      content: answer.content,
      finishReason: answer.finishReason,
      fault: generationFault,
      profile,
      headers: admission.rateHeaders,
    },
    res,
    signal,
  );
}

/** The JSON object in the body; null once the request has been answered (too large, not JSON, not an object). */
async function parseBody(req: IncomingMessage, res: ServerResponse, record: ReceivedRequest): Promise<Record<string, unknown> | null> {
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      record.outcome = 'bad_request_400';
      sendJson(res, 413, errorFor('bad_request_400', error.message).body, { connection: 'close' });
    }
    return null;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return refused(res, record, 'bad_request_400', errorFor('bad_request_400', 'The request body is not valid JSON.'));
  }
  record.body = body;
  if (!isRecord(body)) return refused(res, record, 'bad_request_400', errorFor('bad_request_400', 'The request body must be a JSON object.'));
  if (typeof body.model === 'string') record.model = body.model;
  return body;
}

/** Who is asking, and for what; null once refused. */
function identify(state: SimulatorState, record: ReceivedRequest, body: Record<string, unknown>, res: ServerResponse): ChatRequest | null {
  const key = record.key;
  if (key === null) return refused(res, record, 'unauthorized_401', errorFor('unauthorized_401', 'No auth credentials found.'));
  if (state.keys !== null && !Object.hasOwn(state.keys, key)) {
    return refused(res, record, 'unauthorized_401', errorFor('unauthorized_401', 'Incorrect API key provided.'));
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return refused(res, record, 'bad_request_400', errorFor('bad_request_400', 'The "model" field is required.'));
  }
  const slug = body.model;
  const model = state.models[slug];
  if (model === undefined) {
    return refused(res, record, 'not_found_404', errorFor('not_found_404', `The model "${slug}" does not exist.`));
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return refused(res, record, 'bad_request_400', errorFor('bad_request_400', 'The "messages" field must be a non-empty list.'));
  }
  return { body, key, slug, model, messages };
}

/** The model's maintenance window, then the rate limit, then the key's credits; null once refused. */
function admit(state: SimulatorState, record: ReceivedRequest, request: ChatRequest, res: ServerResponse): Admission | null {
  const { key, slug } = request;
  const profile = state.profileFor(slug);
  if (profile.downBetweenMs !== null) {
    const [from, to] = profile.downBetweenMs;
    const elapsed = state.sinceEpoch();
    if (elapsed >= from && elapsed < to) {
      return refused(res, record, 'unavailable_503', errorFor('unavailable_503', `${slug} is down for maintenance.`), retryHeaders(to - elapsed));
    }
  }

  let rateHeaders: Record<string, string> = {};
  if (profile.rateLimit !== null) {
    const perModel = profile.rateLimitPerModel || profile.rateLimit.scope === 'key_model';
    const bucket = perModel ? `${key}\u0000${slug}` : key;
    const decision = state.limiter.take(bucket, profile.rateLimit.rpm, profile.rateLimit.windowMs ?? DEFAULT_RATE_WINDOW_MS);
    rateHeaders = {
      'x-ratelimit-limit-requests': String(decision.limit),
      'x-ratelimit-remaining-requests': String(decision.remaining),
      'x-ratelimit-reset-requests': formatResetSeconds(decision.resetMs),
    };
    if (!decision.admitted) {
      const error = errorFor('rate_limit_429', `Rate limit exceeded: ${decision.limit} requests per window. Retry in ${decision.retryAfterMs} ms.`);
      return refused(res, record, 'rate_limit_429', error, { ...rateHeaders, ...retryHeaders(decision.retryAfterMs) });
    }
  }

  const credits = state.keys?.[key]?.credits_usd;
  if (credits !== undefined && state.ledger.spentBy(key) >= credits) {
    const spent = state.ledger.spentBy(key);
    return refused(res, record, 'payment_required_402', errorFor('payment_required_402', `Insufficient credits: this key has used ${spent} of ${credits} USD.`));
  }
  return { profile, rateHeaders };
}

/** What the model cannot do: images without vision, a schema without structured output, a prompt over its context. */
function canAnswer(record: ReceivedRequest, request: ChatRequest, prompt: PromptCount, res: ServerResponse): boolean {
  const { body, slug, model } = request;
  if (prompt.images > 0 && !model.vision) {
    refuse(res, record, 'bad_request_400', errorFor('bad_request_400', `${slug} does not support image input.`));
    return false;
  }
  if (responseFormatSchema(body) !== undefined && !model.structured_output) {
    refuse(res, record, 'bad_request_400', errorFor('bad_request_400', `${slug} does not support response_format json_schema.`));
    return false;
  }
  if (prompt.promptTokens > model.context_window) {
    refuse(res, record, 'context_length_400', contextLengthError(model.context_window, prompt.promptTokens));
    return false;
  }
  return true;
}

/** The answer's text, cut at max_tokens; null once refused for an invalid response_format schema. */
function composeContent(
  state: SimulatorState,
  record: ReceivedRequest,
  request: ChatRequest,
  generationFault: GenerationFault | null,
  res: ServerResponse,
): { content: string; finishReason: 'stop' | 'length' } | null {
  const { body, slug, messages } = request;
  const text = promptText(messages);
  let content: string;
  try {
    const rng = rngFor(state.seed, 'content', slug, seedFrom(JSON.stringify(messages), JSON.stringify(body.response_format ?? null)));
    content = composeAnswer(
      { body, model: slug, prompt: text, fault: generationFault === 'schema_invalid' || generationFault === 'empty_completion' ? generationFault : null },
      rng,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return refused(res, record, 'bad_request_400', errorFor('bad_request_400', `Invalid response_format schema: ${message}`));
  }
  let finishReason: 'stop' | 'length' = 'stop';
  const maxTokens = maxTokensOf(body);
  if (maxTokens !== null && textTokens(content) > maxTokens) {
    content = content.slice(0, maxTokens * 4);
    finishReason = 'length';
  }
  return { content, finishReason };
}

/** refuse, for steps that answer null once the request is settled. */
function refused(res: ServerResponse, record: ReceivedRequest, outcome: FaultKind, error: ErrorResponse, headers?: Record<string, string>): null {
  refuse(res, record, outcome, error, headers);
  return null;
}

function refuse(
  res: ServerResponse,
  record: ReceivedRequest,
  outcome: FaultKind,
  error: ErrorResponse,
  headers: Record<string, string> = {},
): void {
  record.outcome = outcome;
  sendJson(res, error.status, error.body, headers);
}

function maxTokensOf(body: Record<string, unknown>): number | null {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

interface InjectionContext {
  slug: string;
  promptTokens: number;
  contextWindow: number;
  /** Prompt text, quoted (shortened) in a moderation refusal. */
  prompt: string;
  profile: EffectiveProfile;
  req: IncomingMessage;
  res: ServerResponse;
  signal: AbortSignal;
}

/** Answers a fault that happens before generation: an HTTP error, a reset or a silent stall. */
async function injectPreGeneration(state: SimulatorState, fault: FaultKind, context: InjectionContext): Promise<void> {
  const { slug, promptTokens, contextWindow, prompt, profile, req, res, signal } = context;
  const retryAfterMs = profile.faults[fault]?.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  switch (fault) {
    case 'connection_reset':
      // RST instead of FIN: the client sees ECONNRESET, not a polite close.
      req.socket.resetAndDestroy();
      return;
    case 'stall_before_first_byte':
      await state.timers.sleep(profile.stallMs, signal);
      req.socket.destroy();
      return;
    case 'context_length_400':
      sendJson(res, 400, contextLengthError(contextWindow, Math.max(promptTokens, contextWindow + 1)).body);
      return;
    case 'moderation_403': {
      const error = moderationError(slug, prompt);
      sendJson(res, error.status, error.body);
      return;
    }
    case 'rate_limit_429':
    case 'unavailable_503': {
      const error = errorFor(fault);
      sendJson(res, error.status, error.body, retryHeaders(retryAfterMs));
      return;
    }
    default: {
      const error = errorFor(fault);
      sendJson(res, error.status, error.body);
    }
  }
}
