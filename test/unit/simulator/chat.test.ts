import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_MODELS, startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import {
  KEY,
  chatBody,
  createClient,
  finishReasons,
  json,
  readSse,
  streamBody,
  streamedContent,
  userMessage,
  type ErrorJson,
} from './helpers.ts';

const client = createClient();
afterAll(() => client.close());

const fast = DEFAULT_MODELS['sim/fast']!;
const smart = DEFAULT_MODELS['sim/smart']!;

// chatBody(): system "You grade essays." (17 chars → 5) and user text of 41 chars (→ 11):
// 3 + (4 + 5) + (4 + 11) = 27 prompt tokens.
const PROMPT_TOKENS = 27;

const gradeSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    score: { type: 'integer', minimum: 0, maximum: 10 },
    level: { enum: ['fail', 'pass', 'merit', 'distinction'] },
    feedback: { type: 'string', minLength: 20, maxLength: 300 },
  },
  required: ['score', 'level', 'feedback'],
  additionalProperties: false,
};
const responseFormat = { type: 'json_schema', json_schema: { name: 'grade', strict: true, schema: gradeSchema } };

describe('chat completions against one simulator', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('answers JSON with id, usage and a cost computed from the model prices', async () => {
    const reply = await client.chat(sim.baseUrl, chatBody());
    expect(reply.status).toBe(200);
    const body = json(reply);
    expect(body.id).toMatch(/^gen-1-[0-9a-f]+$/);
    expect(body.model).toBe('sim/fast');
    expect(body.choices[0]!.finish_reason).toBe('stop');
    const content = body.choices[0]!.message.content;
    expect(content.length).toBeGreaterThan(20);
    const completion = Math.ceil(content.length / 4);
    expect(body.usage).toEqual({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: completion,
      total_tokens: PROMPT_TOKENS + completion,
      prompt_tokens_details: { cached_tokens: 0 },
      cost: PROMPT_TOKENS * fast.input_cost_per_token + completion * fast.output_cost_per_token,
    });
    expect(reply.headers['x-generation-id']).toBe(body.id);
  });

  it('streams the same content in 5 chunks, then finish, usage and [DONE]', async () => {
    const plain = json(await client.chat(sim.baseUrl, chatBody()));
    const reply = await client.chat(sim.baseUrl, streamBody());
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('text/event-stream');
    const read = readSse(reply.text);
    expect(read.done).toBe(true);
    expect(read.comments).toEqual([': SIMULATOR PROCESSING']);
    const contentChunks = read.events.filter((event) => (event.choices as { delta?: { content?: string } }[])[0]?.delta?.content !== undefined);
    expect(contentChunks).toHaveLength(5);
    expect((contentChunks[0]!.choices as { delta: { role?: string } }[])[0]!.delta.role).toBe('assistant');
    expect(streamedContent(read)).toBe(plain.choices[0]!.message.content);
    expect(finishReasons(read)).toEqual(['stop']);
    const last = read.events.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    expect(sim.ledger().entries[1]).toMatchObject({ streamed: true, finishReason: 'stop', costUsd: plain.usage.cost });
  });

  it('sends no usage chunk without stream_options.include_usage', async () => {
    const read = readSse((await client.chat(sim.baseUrl, chatBody({ stream: true }))).text);
    expect(read.done).toBe(true);
    expect(read.events.some((event) => 'usage' in event)).toBe(false);
    expect(sim.ledger().entries).toHaveLength(1);
  });

  it('counts 765 tokens per image part and bills them', async () => {
    const text = 'Read the handwriting.'; // 21 chars → 6 tokens
    const messages = [
      { role: 'user', content: [{ type: 'text', text }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } }] },
    ];
    const body = json(await client.chat(sim.baseUrl, { model: 'sim/smart', messages }));
    expect(body.usage.prompt_tokens).toBe(3 + 4 + 6 + 765);
    expect(body.usage.cost).toBe(778 * smart.input_cost_per_token + body.usage.completion_tokens * smart.output_cost_per_token);
  });

  it('refuses images for a text-only model with a 400', async () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }];
    const reply = await client.chat(sim.baseUrl, { model: 'sim/fast', messages });
    expect(reply.status).toBe(400);
    expect(json<ErrorJson>(reply).error.message).toContain('image');
    expect(sim.ledger().entries).toEqual([]);
  });

  it('fills a json_schema response_format with valid JSON, the same for the same request', async () => {
    const validator = z.fromJSONSchema(gradeSchema);
    const first = json(await client.chat(sim.baseUrl, chatBody({ response_format: responseFormat })));
    const value: unknown = JSON.parse(first.choices[0]!.message.content);
    expect(validator.safeParse(value).success).toBe(true);
    const streamed = readSse((await client.chat(sim.baseUrl, streamBody({ response_format: responseFormat }))).text);
    expect(JSON.parse(streamedContent(streamed))).toEqual(value);
  });

  it('refuses response_format json_schema for a model without structured output', async () => {
    const reply = await client.chat(sim.baseUrl, chatBody({ model: 'sim/cheap', response_format: responseFormat }));
    expect(reply.status).toBe(400);
    expect(json<ErrorJson>(reply).error.code).toBe('bad_request');
  });

  it('answers a schema given in the prompt with fenced JSON that validates', async () => {
    const prompt = `Grade the essay. Answer with JSON matching this schema:\n${JSON.stringify(gradeSchema)}\nEssay: ...`;
    const body = json(await client.chat(sim.baseUrl, { model: 'sim/cheap', messages: [userMessage(prompt)] }));
    const content = body.choices[0]!.message.content;
    const match = /^```json\n([\s\S]*)\n```$/.exec(content);
    expect(match).not.toBeNull();
    expect(z.fromJSONSchema(gradeSchema).safeParse(JSON.parse(match![1]!)).success).toBe(true);
  });

  it('stops at max_tokens with finish_reason "length"', async () => {
    const body = json(await client.chat(sim.baseUrl, chatBody({ max_tokens: 3 })));
    expect(body.choices[0]!.finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(3);
    expect(body.choices[0]!.message.content).toHaveLength(12);
  });

  it('answers 404 with an OpenAI-style body for an unknown model, and bills nothing', async () => {
    const reply = await client.chat(sim.baseUrl, chatBody({ model: 'sim/nope' }));
    expect(reply.status).toBe(404);
    const error = json<ErrorJson>(reply).error;
    expect(error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    expect(error.message).toContain('sim/nope');
    expect(sim.ledger()).toEqual({ entries: [], totalUsd: 0, byModel: {} });
    expect(sim.requests()[0]!.outcome).toBe('not_found_404');
  });

  it('answers 401 without a bearer token', async () => {
    const reply = await client.chat(sim.baseUrl, chatBody(), null);
    expect(reply.status).toBe(401);
    expect(json<ErrorJson>(reply).error.code).toBe('invalid_api_key');
    expect(sim.requests()[0]).toMatchObject({ key: null, outcome: 'unauthorized_401' });
  });

  it('answers 400 context_length_exceeded for a prompt over the context window', async () => {
    const long = 'x'.repeat(40_000); // 10,000 tokens > 8,192
    const reply = await client.chat(sim.baseUrl, { model: 'sim/cheap', messages: [userMessage(long)] });
    expect(reply.status).toBe(400);
    const error = json<ErrorJson>(reply).error;
    expect(error.code).toBe('context_length_exceeded');
    expect(error.message).toContain('context length');
    expect(error.message).toContain('8192');
    expect(error.message).toContain(String(3 + 4 + 10_000));
    expect(sim.ledger().entries).toEqual([]);
    expect(sim.requests()[0]!.outcome).toBe('context_length_400');
  });

  it('keeps a ledger whose total equals the sum of usage.cost of completed responses', async () => {
    const costs: number[] = [];
    const bodies = [
      chatBody(),
      chatBody({ model: 'sim/smart' }),
      streamBody({ model: 'sim/vision' }),
      chatBody({ model: 'sim/cheap', messages: [userMessage('Short answer please.')] }),
      streamBody({ response_format: responseFormat }),
    ];
    for (const body of bodies) {
      const reply = await client.chat(sim.baseUrl, body);
      expect(reply.status).toBe(200);
      const usage = body.stream === true ? (readSse(reply.text).events.at(-1)!.usage as { cost: number }) : json(reply).usage;
      costs.push(usage.cost!);
    }
    const ledger = sim.ledger();
    expect(ledger.entries.map((entry) => entry.costUsd)).toEqual(costs);
    expect(ledger.totalUsd).toBe(costs.reduce((sum, cost) => sum + cost, 0));
    expect(ledger.byModel['sim/fast']).toEqual({ calls: 2, usd: costs[0]! + costs[4]! });
    expect(ledger.byModel['sim/smart']).toEqual({ calls: 1, usd: costs[1]! });
    expect(ledger.totalUsd).toBeGreaterThan(0);
  });

  it('looks a generation up by id with what was billed; 404 for an unknown id', async () => {
    const body = json(await client.chat(sim.baseUrl, chatBody()));
    const found = await client.send(`${sim.baseUrl}/generation?id=${body.id}`);
    expect(found.status).toBe(200);
    expect(json<{ data: Record<string, unknown> }>(found).data).toMatchObject({
      id: body.id,
      model: 'sim/fast',
      tokens_prompt: PROMPT_TOKENS,
      tokens_completion: body.usage.completion_tokens,
      native_tokens_cached: 0,
      total_cost: body.usage.cost,
      streamed: false,
      finish_reason: 'stop',
    });
    expect((await client.send(`${sim.baseUrl}/generation?id=gen-999-abc`)).status).toBe(404);
  });

  it('lists models with per-token prices as decimal strings', async () => {
    const reply = await client.send(`${sim.baseUrl}/models`);
    const data = json<{ data: { id: string; pricing: { prompt: string; completion: string }; context_length: number }[] }>(reply).data;
    expect(data.map((model) => model.id)).toEqual(['sim/fast', 'sim/smart', 'sim/vision', 'sim/cheap']);
    const listed = data[0]!;
    expect(listed.pricing).toMatchObject({ prompt: '0.0000001', completion: '0.0000004' });
    expect(Number(listed.pricing.prompt)).toBe(fast.input_cost_per_token);
    expect(listed.context_length).toBe(128_000);
  });

  it('records every request with number, key, model, headers and parsed body', async () => {
    await client.send(`${sim.baseUrl}/chat/completions`, { body: chatBody({ model: 'sim/smart' }), headers: { 'x-title': 'GradeDesk' } });
    await client.send(`${sim.baseUrl}/chat/completions`, { body: '{not json' });
    const log = sim.requests();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ n: 1, model: 'sim/smart', key: KEY, outcome: 'ok', body: chatBody({ model: 'sim/smart' }) });
    expect(log[0]!.headers['x-title']).toBe('GradeDesk');
    expect(log[1]).toMatchObject({ n: 2, model: null, body: null, outcome: 'bad_request_400' });
    expect(Math.abs(log[0]!.at - Date.now())).toBeLessThan(5_000);
  });

  it('reset() clears ledger, request log and the request counter', async () => {
    await client.chat(sim.baseUrl, chatBody());
    sim.reset();
    expect(sim.ledger().entries).toEqual([]);
    expect(sim.requests()).toEqual([]);
    const body = json(await client.chat(sim.baseUrl, chatBody()));
    expect(body.id).toMatch(/^gen-1-/);
  });
});

describe('simulator options', () => {
  let sim: SimulatorHandle | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  it('accepts only known keys when a key map is given', async () => {
    sim = await startSimulator({ keys: { 'sk-a': {} } });
    expect((await client.chat(sim.baseUrl, chatBody(), 'sk-a')).status).toBe(200);
    const reply = await client.chat(sim.baseUrl, chatBody(), 'sk-unknown');
    expect(reply.status).toBe(401);
    expect(json<ErrorJson>(reply).error.type).toBe('authentication_error');
  });

  it('answers 402 once a key has used up its credits', async () => {
    sim = await startSimulator({ keys: { 'sk-poor': { credits_usd: 0.000001 }, 'sk-rich': {} } });
    const first = await client.chat(sim.baseUrl, chatBody(), 'sk-poor');
    expect(first.status).toBe(200);
    expect(json(first).usage.cost).toBeGreaterThan(0.000001);
    const second = await client.chat(sim.baseUrl, chatBody(), 'sk-poor');
    expect(second.status).toBe(402);
    const error = json<ErrorJson>(second).error;
    expect(error.code).toBe('insufficient_credits');
    expect(error.message).toContain('credits');
    expect((await client.chat(sim.baseUrl, chatBody(), 'sk-rich')).status).toBe(200);
    expect(sim.ledger().entries.map((entry) => entry.key)).toEqual(['sk-poor', 'sk-rich']);
    const keyInfo = json<{ data: { usage: number; limit: number } }>(await client.send(`${sim.baseUrl}/key`, { key: 'sk-poor' }));
    expect(keyInfo.data).toMatchObject({ usage: json(first).usage.cost, limit: 0.000001 });
  });

  it('omits usage.cost with reportCost false, but still bills the ledger', async () => {
    sim = await startSimulator({ reportCost: false });
    const body = json(await client.chat(sim.baseUrl, chatBody()));
    expect(body.usage).not.toHaveProperty('cost');
    expect(body.usage.prompt_tokens).toBe(PROMPT_TOKENS);
    expect(sim.ledger().totalUsd).toBe(PROMPT_TOKENS * fast.input_cost_per_token + body.usage.completion_tokens * fast.output_cost_per_token);
  });

  it('uses a custom catalog and prices', async () => {
    sim = await startSimulator({
      models: { 'acme/one': { input_cost_per_token: 0.001, output_cost_per_token: 0.002, context_window: 1000, vision: false, structured_output: true } },
    });
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(404);
    const body = json(await client.chat(sim.baseUrl, chatBody({ model: 'acme/one' })));
    expect(body.usage.cost).toBe(PROMPT_TOKENS * 0.001 + body.usage.completion_tokens * 0.002);
  });

  it('gives the same answer for the same seed and a different one for another seed', async () => {
    const contentWith = async (seed: number) => {
      const handle = await startSimulator({ seed });
      try {
        return json(await client.chat(handle.baseUrl, chatBody({ response_format: responseFormat }))).choices[0]!.message.content;
      } finally {
        await handle.close();
      }
    };
    const a = await contentWith(7);
    expect(await contentWith(7)).toBe(a);
    const others = [await contentWith(8), await contentWith(9), await contentWith(10)];
    expect(others.some((content) => content !== a)).toBe(true);
  });

  it('listens on 127.0.0.1 only and refuses connections after close(), which is idempotent', async () => {
    sim = await startSimulator();
    expect(sim.baseUrl).toBe(`http://127.0.0.1:${sim.port}/v1`);
    await sim.close();
    await sim.close();
    const reply = await client.chat(sim.baseUrl, chatBody());
    expect(reply.status).toBeNull();
    expect(reply.error?.code).toBe('ECONNREFUSED');
  });
});
