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
import { countPrompt, promptText, textTokens } from './tokens.ts';
import type { ReceivedRequest } from './types.ts';

/** Headers of an honest retry hint: whole seconds (rounded up) and exact milliseconds. */
export function retryHeaders(ms: number): Record<string, string> {
  return { 'retry-after': String(Math.ceil(ms / 1000)), 'retry-after-ms': String(Math.ceil(ms)) };
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
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      record.outcome = 'bad_request_400';
      sendJson(res, 413, errorFor('bad_request_400', error.message).body, { connection: 'close' });
    }
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', 'The request body is not valid JSON.'));
  }
  record.body = body;
  if (!isRecord(body)) return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', 'The request body must be a JSON object.'));
  if (typeof body.model === 'string') record.model = body.model;

  // Who is asking.
  const key = record.key;
  if (key === null) return refuse(res, record, 'unauthorized_401', errorFor('unauthorized_401', 'No auth credentials found.'));
  if (state.keys !== null && !Object.hasOwn(state.keys, key)) {
    return refuse(res, record, 'unauthorized_401', errorFor('unauthorized_401', 'Incorrect API key provided.'));
  }

  // What for.
  if (typeof body.model !== 'string' || body.model === '') {
    return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', 'The "model" field is required.'));
  }
  const slug = body.model;
  const model = state.models[slug];
  if (model === undefined) {
    return refuse(res, record, 'not_found_404', errorFor('not_found_404', `The model "${slug}" does not exist.`));
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', 'The "messages" field must be a non-empty list.'));
  }

  const profile = state.profileFor(slug);
  if (profile.downBetweenMs !== null) {
    const [from, to] = profile.downBetweenMs;
    const elapsed = state.sinceEpoch();
    if (elapsed >= from && elapsed < to) {
      return refuse(res, record, 'unavailable_503', errorFor('unavailable_503', `${slug} is down for maintenance.`), retryHeaders(to - elapsed));
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
      return refuse(res, record, 'rate_limit_429', error, { ...rateHeaders, ...retryHeaders(decision.retryAfterMs) });
    }
  }

  const credits = state.keys?.[key]?.credits_usd;
  if (credits !== undefined && state.ledger.spentBy(key) >= credits) {
    const spent = state.ledger.spentBy(key);
    return refuse(res, record, 'payment_required_402', errorFor('payment_required_402', `Insufficient credits: this key has used ${spent} of ${credits} USD.`));
  }

  const prompt = countPrompt(messages);
  const fault = pickFault(profile.faults, record.n, (n, purpose) => state.uniform(n, purpose));
  if (fault !== null && PRE_GENERATION_FAULTS.has(fault)) {
    record.outcome = fault;
    return injectPreGeneration(state, fault, {
      slug,
      promptTokens: prompt.promptTokens,
      contextWindow: model.context_window,
      prompt: promptText(messages),
      profile,
      req,
      res,
      signal,
    });
  }

  // What the model cannot do.
  if (prompt.images > 0 && !model.vision) {
    return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', `${slug} does not support image input.`));
  }
  if (responseFormatSchema(body) !== undefined && !model.structured_output) {
    return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', `${slug} does not support response_format json_schema.`));
  }
  if (prompt.promptTokens > model.context_window) {
    return refuse(res, record, 'context_length_400', contextLengthError(model.context_window, prompt.promptTokens));
  }

  // Prefix caching (prefix-cache.ts): only for models with a cached price, only for admitted requests.
  if (model.cached_input_cost_per_token !== undefined) {
    const scope = cacheScope(key, slug, body.response_format);
    prompt.cachedTokens = state.prefixCache.lookup(scope, promptShape(messages), prompt.promptTokens);
  }

  const generationFault = fault as GenerationFault | null;
  record.outcome = generationFault ?? 'ok';
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
    return refuse(res, record, 'bad_request_400', errorFor('bad_request_400', `Invalid response_format schema: ${message}`));
  }
  let finishReason: 'stop' | 'length' = 'stop';
  const maxTokens = maxTokensOf(body);
  if (maxTokens !== null && textTokens(content) > maxTokens) {
    content = content.slice(0, maxTokens * 4);
    finishReason = 'length';
  }
  const streamOptions = body.stream_options;
  await runGeneration(
    state,
    {
      n: record.n,
      id: `gen-${record.n}-${randomBytes(6).toString('hex')}`,
      model: slug,
      key,
      stream: body.stream === true,
      includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
      prompt,
      content,
      finishReason,
      fault: generationFault,
      profile,
      headers: rateHeaders,
    },
    res,
    signal,
  );
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
