/**
 * Baseline A — the original design, written the way it was specified and no worse:
 *
 * - 3 calls in flight in total (p-limit(3));
 * - request i goes to model i mod 3 (round robin), and stays there: no model switching;
 * - up to 3 retries (4 attempts) after 1 s, 2 s and 4 s, fixed, whatever the error said
 *   (Retry-After is not read);
 * - retried: 408, 429, 5xx, connection errors, timeouts and unusable answers; other 4xx fail
 *   at once;
 * - one undici request per attempt on a keep-alive Agent, with a generous 60 s timeout like a
 *   naive client, streaming with the same structured-output schema as the core.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import pLimit from 'p-limit';
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { GRADE_JSON_SCHEMA, MAX_TOKENS, SYSTEM_PROMPT, isValidGrade, type BenchModel, type ContestantContext, type ContestantRun, type RequestResult } from '../scenario.ts';

const CONCURRENCY = 3;
const BACKOFF_MS = [1000, 2000, 4000] as const;
const TIMEOUT_MS = 60_000;

interface AttemptOutcome {
  ok: boolean;
  code: string | null;
  retryable: boolean;
}

function body(model: BenchModel, text: string): string {
  return JSON.stringify({
    model: model.slug,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: [{ type: 'text', text }] },
    ],
    max_tokens: MAX_TOKENS,
    response_format: { type: 'json_schema', json_schema: { name: 'grade', strict: true, schema: GRADE_JSON_SCHEMA } },
    stream: true,
    stream_options: { include_usage: true },
  });
}

async function attemptOnce(endpoint: string, model: BenchModel, text: string, agent: Agent, stop: AbortSignal): Promise<AttemptOutcome> {
  const signal = AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), stop]);
  try {
    const res = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${model.key}` },
      body: body(model, text),
      dispatcher: agent,
      signal,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      const s = res.statusCode;
      return { ok: false, code: `HTTP_${s}`, retryable: s === 408 || s === 429 || s >= 500 };
    }
    let content = '';
    let done = false;
    const parser = createParser({
      onEvent(event: EventSourceMessage) {
        if (event.data === '[DONE]') {
          done = true;
          return;
        }
        try {
          const chunk = JSON.parse(event.data) as { choices?: Array<{ delta?: { content?: unknown } }> };
          const delta = chunk.choices?.[0]?.delta?.content;
          if (typeof delta === 'string') content += delta;
        } catch {
          // an unreadable event: the answer check below fails it
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const piece of res.body as AsyncIterable<Buffer>) parser.feed(decoder.decode(piece, { stream: true }));
    if (!done || !isValidGrade(content)) return { ok: false, code: 'BAD_ANSWER', retryable: true };
    return { ok: true, code: null, retryable: false };
  } catch (error) {
    if (stop.aborted) return { ok: false, code: 'STOPPED_AT_CAP', retryable: false };
    const code = (error as { code?: unknown }).code;
    const name = (error as { name?: unknown }).name;
    return { ok: false, code: name === 'TimeoutError' ? 'TIMEOUT' : typeof code === 'string' ? code : 'CONNECTION', retryable: true };
  }
}

export async function runOriginalDesign(ctx: ContestantContext): Promise<ContestantRun> {
  const endpoint = `${ctx.baseUrl}/chat/completions`;
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const limit = pLimit(CONCURRENCY);
  let attempts = 0;

  const gradeOne = async (text: string, index: number): Promise<RequestResult> => {
    const model = ctx.models[index % ctx.models.length] as BenchModel;
    let last: AttemptOutcome = { ok: false, code: 'NOT_SENT', retryable: false };
    for (let attempt = 0; attempt <= BACKOFF_MS.length; attempt += 1) {
      if (ctx.signal.aborted) return { ok: false, code: 'STOPPED_AT_CAP', finishedAt: performance.now() };
      if (attempt > 0) {
        try {
          await delay(BACKOFF_MS[attempt - 1], undefined, { signal: ctx.signal });
        } catch {
          return { ok: false, code: 'STOPPED_AT_CAP', finishedAt: performance.now() };
        }
      }
      attempts += 1;
      last = await attemptOnce(endpoint, model, text, agent, ctx.signal);
      if (last.ok || !last.retryable) break;
    }
    return { ok: last.ok, code: last.code, finishedAt: performance.now() };
  };

  try {
    const results = await Promise.all(ctx.texts.map((text, i) => limit(() => gradeOne(text, i))));
    return {
      results,
      clientAttempts: attempts,
      notes: ['p-limit(3), round robin by request index, 3 retries after 1/2/4 s, no Retry-After, no model switching, 60 s timeout'],
    };
  } finally {
    limit.clearQueue();
    await agent.close();
  }
}
