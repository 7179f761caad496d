import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CACHE_TTL_MS,
  DEFAULT_MODELS,
  PrefixCache,
  billableCachedTokens,
  sharedPrefixTokens,
  startSimulator,
  textTokens,
  type SimulatorHandle,
} from '../../../electron/simulator/index.ts';
import { promptShape } from '../../../electron/simulator/prefix-cache.ts';
import { createClient, json, readSse } from './helpers.ts';

const SYSTEM = 'You grade essays against a long rubric. '.repeat(150); // 6000 chars → 1500 tokens
const PREFACE = 'Grade the submission below.\n\n';

const messages = (user: string, system = SYSTEM) => [
  { role: 'system', content: system },
  { role: 'user', content: [{ type: 'text', text: `${PREFACE}${user}` }] },
];

describe('prefix arithmetic', () => {
  it('rounds shared tokens down like OpenAI: nothing below 1024, then blocks of 128', () => {
    expect([0, 1023, 1024, 1151, 1152, 5000].map(billableCachedTokens)).toEqual([0, 0, 1024, 1024, 1152, 4992]);
  });

  it('counts whole equal messages and the common start of the first differing one', () => {
    const a = promptShape(messages('Essay one about bees.'));
    const b = promptShape(messages('Essay two about rivers.'));
    const common = `${PREFACE}Essay `.length;
    expect(sharedPrefixTokens(a, b)).toBe(4 + textTokens(SYSTEM) + 4 + Math.floor(common / 4));
    expect(sharedPrefixTokens(a, promptShape(messages('Essay one about bees.', `${SYSTEM}!`)))).toBe(4 + Math.floor(SYSTEM.length / 4));
    expect(sharedPrefixTokens(a, promptShape([{ role: 'user', content: SYSTEM }]))).toBe(0);
  });

  it('treats differing images as the end of the shared prefix', () => {
    const withImage = (url: string) => [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: [{ type: 'text', text: 'Same text' }, { type: 'image_url', image_url: { url } }] },
      { role: 'assistant', content: 'ok' },
    ];
    const same = sharedPrefixTokens(promptShape(withImage('data:image/png;base64,AAA')), promptShape(withImage('data:image/png;base64,AAA')));
    const differ = sharedPrefixTokens(promptShape(withImage('data:image/png;base64,AAA')), promptShape(withImage('data:image/png;base64,BBB')));
    expect(same - differ).toBe(765 + 4 + 1);
  });
});

describe('PrefixCache', () => {
  it('serves a prefix seen in the last 5 minutes of use, per scope', () => {
    let now = 0;
    const cache = new PrefixCache(() => now);
    const first = promptShape(messages('Essay one.'));
    expect(cache.lookup('k', first, 2000)).toBe(0);
    now += CACHE_TTL_MS - 1;
    expect(cache.lookup('k', promptShape(messages('Essay two.')), 2000)).toBe(1408);
    expect(cache.lookup('other key', promptShape(messages('Essay two.')), 2000)).toBe(0);
    // The hit refreshed the entries; 5 minutes after the last use they are gone.
    now += CACHE_TTL_MS + 1;
    expect(cache.lookup('k', promptShape(messages('Essay three.')), 2000)).toBe(0);
  });

  it('never reports more cached than prompt tokens, and forgets on clear', () => {
    const cache = new PrefixCache(() => 0);
    const shape = promptShape(messages('Same.'));
    cache.lookup('k', shape, 2000);
    expect(cache.lookup('k', shape, 1100)).toBe(1024);
    cache.clear();
    expect(cache.lookup('k', shape, 2000)).toBe(0);
  });
});

describe('cached tokens over HTTP', () => {
  const client = createClient();
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(async () => {
    await sim.close();
    await client.close();
  });

  const body = (user: string, extra: Record<string, unknown> = {}) => ({ model: 'sim/smart', messages: messages(user), ...extra });

  it('reports and bills a shared prefix at the cached price, and records it in the ledger', async () => {
    const first = json(await client.chat(sim.baseUrl, body('Essay one about bees and flowers.')));
    const second = json(await client.chat(sim.baseUrl, body('Essay two about rivers and valleys.')));
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const shared = 4 + textTokens(SYSTEM) + 4 + Math.floor(`${PREFACE}Essay `.length / 4);
    const cached = billableCachedTokens(shared);
    expect(cached).toBe(1408);
    expect(second.usage.prompt_tokens_details.cached_tokens).toBe(cached);
    const smart = DEFAULT_MODELS['sim/smart']!;
    const expectedCost =
      (second.usage.prompt_tokens - cached) * smart.input_cost_per_token +
      cached * smart.cached_input_cost_per_token! +
      second.usage.completion_tokens * smart.output_cost_per_token;
    expect(second.usage.cost).toBe(expectedCost);
    const entries = sim.ledger().entries;
    expect(entries.map((e) => e.cachedTokens)).toEqual([0, cached]);
    expect(entries[1]!.costUsd).toBe(expectedCost);
    const generation = json<{ data: { native_tokens_cached: number } }>(await client.send(`${sim.baseUrl}/generation?id=${second.id}`));
    expect(generation.data.native_tokens_cached).toBe(cached);
  });

  it('reports cached tokens in the final usage chunk of a stream', async () => {
    await client.chat(sim.baseUrl, body('Warm-up essay.'));
    const reply = await client.chat(sim.baseUrl, body('Streamed essay.', { stream: true, stream_options: { include_usage: true } }));
    const usage = readSse(reply.text).events.find((e) => e.usage !== undefined)?.usage as { prompt_tokens_details: { cached_tokens: number } };
    expect(usage.prompt_tokens_details.cached_tokens).toBe(1408);
  });

  it('does not share across keys, models without a cached price, response formats, or a reset', async () => {
    await client.chat(sim.baseUrl, body('One.'));
    const otherKey = json(await client.chat(sim.baseUrl, body('Two.'), 'sk-other'));
    expect(otherKey.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const format = { response_format: { type: 'json_schema', json_schema: { name: 'g', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } } } };
    const withSchema = json(await client.chat(sim.baseUrl, body('Three.', format)));
    expect(withSchema.usage.prompt_tokens_details.cached_tokens).toBe(0);
    await client.chat(sim.baseUrl, { ...body('Four.'), model: 'sim/vision' });
    const uncachedModel = json(await client.chat(sim.baseUrl, { ...body('Five.'), model: 'sim/vision' }));
    expect(uncachedModel.usage.prompt_tokens_details.cached_tokens).toBe(0);
    sim.reset();
    const afterReset = json(await client.chat(sim.baseUrl, body('Six.')));
    expect(afterReset.usage.prompt_tokens_details.cached_tokens).toBe(0);
  });

  it('leaves short prompts uncached, as before', async () => {
    const short = { model: 'sim/fast', messages: [{ role: 'system', content: 'You grade essays.' }, { role: 'user', content: 'Hi' }] };
    await client.chat(sim.baseUrl, short);
    expect(json(await client.chat(sim.baseUrl, short)).usage.prompt_tokens_details.cached_tokens).toBe(0);
  });
});
