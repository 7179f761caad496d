/**
 * Baseline B — the official `openai` SDK (v6) as most code would use it: its defaults
 * (maxRetries 2 with its own backoff, `retry-after-ms` / `Retry-After` honoured per request,
 * 10 min timeout), one client per model with that model's key and `baseURL` at the simulator,
 * 8 requests in flight (p-limit(8)), request i to model i mod 3, streaming with the same
 * structured-output schema as the core. No model switching: the SDK has none.
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { performance } from 'node:perf_hooks';
import { GRADE_JSON_SCHEMA, MAX_TOKENS, SYSTEM_PROMPT, isValidGrade, type BenchModel, type ContestantContext, type ContestantRun, type RequestResult } from '../scenario.ts';

const CONCURRENCY = 8;

function codeOf(error: unknown, stopped: boolean): string {
  if (stopped) return 'STOPPED_AT_CAP';
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'TIMEOUT';
  if (error instanceof OpenAI.APIConnectionError) return 'CONNECTION';
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') return `HTTP_${error.status}`;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

export async function runOpenAiSdk(ctx: ContestantContext): Promise<ContestantRun> {
  const clients = new Map<string, OpenAI>(ctx.models.map((m) => [m.id, new OpenAI({ apiKey: m.key, baseURL: ctx.baseUrl })]));
  const limit = pLimit(CONCURRENCY);

  const gradeOne = async (text: string, index: number): Promise<RequestResult> => {
    const model = ctx.models[index % ctx.models.length] as BenchModel;
    const client = clients.get(model.id) as OpenAI;
    if (ctx.signal.aborted) return { ok: false, code: 'STOPPED_AT_CAP', finishedAt: performance.now() };
    try {
      const stream = await client.chat.completions.create(
        {
          model: model.slug,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: [{ type: 'text', text }] },
          ],
          max_tokens: MAX_TOKENS,
          response_format: { type: 'json_schema', json_schema: { name: 'grade', strict: true, schema: { ...GRADE_JSON_SCHEMA } } },
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: ctx.signal },
      );
      let content = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (typeof delta === 'string') content += delta;
      }
      const ok = isValidGrade(content);
      return { ok, code: ok ? null : 'BAD_ANSWER', finishedAt: performance.now() };
    } catch (error) {
      return { ok: false, code: codeOf(error, ctx.signal.aborted), finishedAt: performance.now() };
    }
  };

  const results = await Promise.all(ctx.texts.map((text, i) => limit(() => gradeOne(text, i))));
  return {
    results,
    clientAttempts: null,
    notes: ['openai v6 defaults: maxRetries 2, SDK backoff (0.5 s × 2^n, ≤ 8 s, jitter) or retry-after-ms/Retry-After when sent, timeout 10 min; p-limit(8); round robin by request index'],
  };
}
