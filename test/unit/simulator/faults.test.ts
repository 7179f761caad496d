import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_MODELS, startSimulator, type FaultKind, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { chatBody, createClient, finishReasons, json, readSse, streamBody, streamedContent, type ErrorJson } from './helpers.ts';

const client = createClient();
const STALL_MS = 150;
const fast = DEFAULT_MODELS['sim/fast']!;

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
  await client.close();
});
beforeEach(() => sim.reset());

/** Installs `kind` at request 2 only, so requests 1 and 3 prove it is by request number. */
function faultAtTwo(kind: FaultKind, extra: { retryAfterMs?: number } = {}): void {
  sim.setProfile({ stallMs: STALL_MS, faults: { [kind]: { at: [2], ...extra } } });
}

const gradeSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    score: { type: 'integer', minimum: 0, maximum: 10 },
    level: { enum: ['fail', 'pass', 'merit'] },
  },
  required: ['score', 'level'],
  additionalProperties: false,
};
const responseFormat = { type: 'json_schema', json_schema: { name: 'grade', strict: true, schema: gradeSchema } };

const httpFaults: [FaultKind, number, string][] = [
  ['bad_request_400', 400, 'bad_request'],
  ['context_length_400', 400, 'context_length_exceeded'],
  ['unauthorized_401', 401, 'invalid_api_key'],
  ['payment_required_402', 402, 'insufficient_credits'],
  ['moderation_403', 403, 'content_flagged'],
  ['not_found_404', 404, 'model_not_found'],
  ['timeout_408', 408, 'request_timeout'],
  ['rate_limit_429', 429, 'rate_limit_exceeded'],
  ['server_error_500', 500, 'internal_error'],
  ['bad_gateway_502', 502, 'bad_gateway'],
  ['unavailable_503', 503, 'service_unavailable'],
  ['gateway_timeout_504', 504, 'gateway_timeout'],
];

describe('HTTP error faults, at request 2 only, streaming or not', () => {
  it.each(httpFaults)('%s → %i %s, nothing billed', async (kind, status, code) => {
    faultAtTwo(kind);
    const first = await client.chat(sim.baseUrl, chatBody());
    const second = await client.chat(sim.baseUrl, chatBody());
    const third = await client.chat(sim.baseUrl, streamBody());
    sim.setProfile({ faults: { [kind]: { at: [4] } } });
    const fourth = await client.chat(sim.baseUrl, streamBody());
    expect([first.status, second.status, third.status, fourth.status]).toEqual([200, status, 200, status]);
    for (const reply of [second, fourth]) {
      const error = json<ErrorJson>(reply).error;
      expect(error.code).toBe(code);
      expect(typeof error.message).toBe('string');
      expect(typeof error.type).toBe('string');
    }
    expect(sim.ledger().entries.map((entry) => entry.n)).toEqual([1, 3]);
    expect(sim.requests().map((request) => request.outcome)).toEqual(['ok', kind, 'ok', kind]);
  });

  it('429 and 503 faults carry Retry-After and retry-after-ms from retryAfterMs', async () => {
    faultAtTwo('rate_limit_429', { retryAfterMs: 2500 });
    await client.chat(sim.baseUrl, chatBody());
    const limited = await client.chat(sim.baseUrl, chatBody());
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.headers['retry-after-ms']).toBe('2500');

    sim.reset();
    faultAtTwo('unavailable_503');
    await client.chat(sim.baseUrl, chatBody());
    const unavailable = await client.chat(sim.baseUrl, chatBody());
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('1');
    expect(unavailable.headers['retry-after-ms']).toBe('1000');
  });

  it('403 moderation says it was flagged, with OpenRouter-style reasons', async () => {
    faultAtTwo('moderation_403');
    await client.chat(sim.baseUrl, chatBody());
    const error = json<ErrorJson>(await client.chat(sim.baseUrl, chatBody())).error;
    expect(error.message).toContain('flagged');
    expect(error.metadata?.reasons).toEqual(['harassment']);
  });

  it('context_length_400 fault uses the words clients match on', async () => {
    faultAtTwo('context_length_400');
    await client.chat(sim.baseUrl, chatBody());
    const error = json<ErrorJson>(await client.chat(sim.baseUrl, chatBody())).error;
    expect(error.message).toContain('maximum context length is 128000 tokens');
  });
});

describe('transport faults', () => {
  it('connection_reset destroys the socket without any response', async () => {
    faultAtTwo('connection_reset');
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(200);
    const reset = await client.chat(sim.baseUrl, chatBody());
    expect(reset.status).toBeNull();
    expect(reset.error?.code).toBe('ECONNRESET');
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(200);
    expect(sim.ledger().entries.map((entry) => entry.n)).toEqual([1, 3]);
  });

  it.each([false, true])('stall_before_first_byte (stream %s) sends nothing, then drops the socket after stallMs', async (stream) => {
    faultAtTwo('stall_before_first_byte');
    await client.chat(sim.baseUrl, chatBody());
    const stalled = await client.chat(sim.baseUrl, stream ? streamBody() : chatBody());
    expect(stalled.status).toBeNull();
    expect(stalled.error?.code).toBe('UND_ERR_SOCKET');
    expect(stalled.elapsedMs).toBeGreaterThanOrEqual(STALL_MS - 5);
    expect(sim.ledger().entries.map((entry) => entry.n)).toEqual([1]);
    expect(sim.requests()[1]!.outcome).toBe('stall_before_first_byte');
  });

  it('stall_mid_stream (stream) sends 2 of 5 chunks, then silence, then a dropped socket; billed for those chunks', async () => {
    faultAtTwo('stall_mid_stream');
    const full = streamedContent(readSse((await client.chat(sim.baseUrl, streamBody())).text));
    const stalled = await client.chat(sim.baseUrl, streamBody());
    expect(stalled.status).toBe(200);
    expect(stalled.error?.code).toBe('UND_ERR_SOCKET');
    expect(stalled.elapsedMs).toBeGreaterThanOrEqual(STALL_MS - 5);
    const read = readSse(stalled.text);
    const partial = streamedContent(read);
    expect(read.events).toHaveLength(2);
    expect(full.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(full.length);
    expect(finishReasons(read)).toEqual([]);
    const entry = sim.ledger().entries[1]!;
    expect(entry).toMatchObject({ n: 2, completionTokens: Math.ceil(partial.length / 4), finishReason: null, outcome: 'stall_mid_stream', done: true });
    expect(entry.costUsd).toBe(entry.promptTokens * fast.input_cost_per_token + entry.completionTokens * fast.output_cost_per_token);
  });

  it('stall_mid_stream (JSON) sends the headers and half the body, then silence', async () => {
    faultAtTwo('stall_mid_stream');
    const complete = await client.chat(sim.baseUrl, chatBody());
    const stalled = await client.chat(sim.baseUrl, chatBody());
    expect(stalled.status).toBe(200);
    expect(stalled.error?.code).toBe('UND_ERR_SOCKET');
    expect(stalled.elapsedMs).toBeGreaterThanOrEqual(STALL_MS - 5);
    const promised = Number(stalled.headers['content-length']);
    expect(stalled.text.length).toBe(Math.floor(promised / 2));
    expect(Math.abs(promised - complete.text.length)).toBeLessThan(10); // ids differ in the random part only
    // The whole answer was generated before the first byte, so it is billed in full.
    expect(sim.ledger().entries[1]!.completionTokens).toBe(json(complete).usage.completion_tokens);
  });
});

describe('faults inside a started generation', () => {
  it('sse_error_event: HTTP 200, 2 content chunks, then an error event and the end; partial bill', async () => {
    faultAtTwo('sse_error_event');
    await client.chat(sim.baseUrl, streamBody());
    const reply = await client.chat(sim.baseUrl, streamBody());
    expect(reply.status).toBe(200);
    expect(reply.error).toBeNull();
    const read = readSse(reply.text);
    expect(read.done).toBe(false);
    expect(read.events).toHaveLength(3);
    expect(read.events[2]).toEqual({ error: { code: 502, message: expect.any(String) } });
    const partial = streamedContent(read);
    const entry = sim.ledger().entries[1]!;
    expect(entry).toMatchObject({ completionTokens: Math.ceil(partial.length / 4), finishReason: 'error' });
    const generation = json<{ data: { total_cost: number; tokens_completion: number } }>(
      await client.send(`${sim.baseUrl}/generation?id=${entry.id}`),
    ).data;
    expect(generation).toMatchObject({ total_cost: entry.costUsd, tokens_completion: entry.completionTokens });
  });

  it.each(['sse_error_event', 'finish_reason_error'] as const)('%s without streaming: 200 JSON with finish_reason "error" and an error object', async (kind) => {
    faultAtTwo(kind);
    const full = json(await client.chat(sim.baseUrl, chatBody()));
    const reply = await client.chat(sim.baseUrl, chatBody());
    expect(reply.status).toBe(200);
    const body = json(reply);
    expect(body.choices[0]!.finish_reason).toBe('error');
    expect(body.error).toEqual({ code: 502, message: expect.any(String) });
    const partial = body.choices[0]!.message.content;
    expect(full.choices[0]!.message.content.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(full.choices[0]!.message.content.length);
    expect(body.usage.completion_tokens).toBe(Math.ceil(partial.length / 4));
    expect(body.usage.cost).toBe(sim.ledger().entries[1]!.costUsd);
  });

  it('finish_reason_error (stream): a chunk with finish_reason "error", then usage and [DONE]', async () => {
    faultAtTwo('finish_reason_error');
    await client.chat(sim.baseUrl, streamBody());
    const read = readSse((await client.chat(sim.baseUrl, streamBody())).text);
    expect(finishReasons(read)).toEqual(['error']);
    expect(read.done).toBe(true);
    const usage = read.events.at(-1)!.usage as { completion_tokens: number; cost: number };
    expect(usage.completion_tokens).toBe(Math.ceil(streamedContent(read).length / 4));
    expect(usage.cost).toBe(sim.ledger().entries[1]!.costUsd);
    expect(sim.ledger().entries[1]!.finishReason).toBe('error');
  });

  it('truncated_stream (stream): chunks, then a clean end with no finish_reason and no [DONE]; /generation has the partial bill', async () => {
    faultAtTwo('truncated_stream');
    await client.chat(sim.baseUrl, streamBody());
    const reply = await client.chat(sim.baseUrl, streamBody());
    expect(reply.status).toBe(200);
    expect(reply.error).toBeNull();
    const read = readSse(reply.text);
    expect(read.done).toBe(false);
    expect(read.events).toHaveLength(2);
    expect(finishReasons(read)).toEqual([]);
    const id = read.events[0]!.id as string;
    expect(id).toMatch(/^gen-2-/);
    const completion = Math.ceil(streamedContent(read).length / 4);
    const generation = json<{ data: Record<string, unknown> }>(await client.send(`${sim.baseUrl}/generation?id=${id}`)).data;
    expect(generation).toMatchObject({
      id,
      tokens_prompt: 27,
      tokens_completion: completion,
      total_cost: 27 * fast.input_cost_per_token + completion * fast.output_cost_per_token,
      streamed: true,
      finish_reason: null,
    });
  });

  it('truncated_stream (JSON): Content-Length promises more than is sent before the connection ends', async () => {
    faultAtTwo('truncated_stream');
    await client.chat(sim.baseUrl, chatBody());
    const reply = await client.chat(sim.baseUrl, chatBody());
    expect(reply.status).toBe(200);
    expect(reply.error).not.toBeNull();
    expect(reply.text.length).toBeLessThan(Number(reply.headers['content-length']));
    expect(reply.headers['x-generation-id']).toMatch(/^gen-2-/);
  });

  it('malformed_json (JSON): a complete 200 whose body does not parse; billed in full', async () => {
    faultAtTwo('malformed_json');
    await client.chat(sim.baseUrl, chatBody());
    const reply = await client.chat(sim.baseUrl, chatBody());
    expect(reply.status).toBe(200);
    expect(reply.error).toBeNull();
    expect(reply.text.length).toBe(Number(reply.headers['content-length']));
    expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
    expect(sim.ledger().entries[1]).toMatchObject({ n: 2, finishReason: 'stop', outcome: 'malformed_json' });
  });

  it('malformed_json (stream): exactly one data line is not JSON; the stream still ends with [DONE]', async () => {
    faultAtTwo('malformed_json');
    await client.chat(sim.baseUrl, streamBody());
    const read = readSse((await client.chat(sim.baseUrl, streamBody())).text);
    expect(read.events.filter((event) => 'unparseable' in event)).toHaveLength(1);
    expect(read.events[2]).toHaveProperty('unparseable');
    expect(read.done).toBe(true);
    expect(finishReasons(read)).toEqual(['stop']);
  });

  it.each([false, true])('schema_invalid (stream %s): valid JSON that violates the schema', async (stream) => {
    faultAtTwo('schema_invalid');
    const validator = z.fromJSONSchema(gradeSchema);
    const contentOf = async () => {
      const reply = await client.chat(sim.baseUrl, stream ? streamBody({ response_format: responseFormat }) : chatBody({ response_format: responseFormat }));
      return stream ? streamedContent(readSse(reply.text)) : json(reply).choices[0]!.message.content;
    };
    const good: unknown = JSON.parse(await contentOf());
    const bad: unknown = JSON.parse(await contentOf());
    const after: unknown = JSON.parse(await contentOf());
    expect(validator.safeParse(good).success).toBe(true);
    expect(validator.safeParse(bad).success).toBe(false);
    expect(validator.safeParse(after).success).toBe(true);
  });

  it.each([false, true])('empty_completion (stream %s): content "" with finish_reason "stop"', async (stream) => {
    faultAtTwo('empty_completion');
    await client.chat(sim.baseUrl, chatBody());
    const reply = await client.chat(sim.baseUrl, stream ? streamBody() : chatBody());
    if (stream) {
      const read = readSse(reply.text);
      expect(streamedContent(read)).toBe('');
      expect(finishReasons(read)).toEqual(['stop']);
      expect((read.events.at(-1)!.usage as { completion_tokens: number }).completion_tokens).toBe(0);
    } else {
      const body = json(reply);
      expect(body.choices[0]!.message.content).toBe('');
      expect(body.choices[0]!.finish_reason).toBe('stop');
      expect(body.usage.completion_tokens).toBe(0);
      expect(body.usage.cost).toBe(27 * fast.input_cost_per_token);
    }
  });
});

describe('per-model overrides', () => {
  it('applies a model override only to that model', async () => {
    sim.setProfile({ models: { 'sim/smart': { faults: { server_error_500: { rate: 1 } } } } });
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(200);
    expect((await client.chat(sim.baseUrl, chatBody({ model: 'sim/smart' }))).status).toBe(500);
  });

  it('downBetweenMs answers 503 with an honest Retry-After until the window ends', async () => {
    sim.setProfile({ models: { 'sim/fast': { downBetweenMs: [0, 300] } } });
    const down = await client.chat(sim.baseUrl, chatBody());
    expect(down.status).toBe(503);
    const waitMs = Number(down.headers['retry-after-ms']);
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(300);
    expect(down.headers['retry-after']).toBe('1');
    expect((await client.chat(sim.baseUrl, chatBody({ model: 'sim/smart' }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(200);
  });
});
