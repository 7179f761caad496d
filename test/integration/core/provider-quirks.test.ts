import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAttempt } from '../../../electron/api/client/send-attempt.ts';
import { modelEntry } from '../../../electron/api/routing/model-registry.ts';
import type { AttemptTarget, ChatRequest } from '../../../electron/api/client/types.ts';
import { CollectingSink, gradingRequest, makeManager } from './helpers.ts';

/**
 * What real providers do that the simulator does not: a model that thinks in silence before its
 * first token, a stream held open after [DONE], an answer cut off by max_tokens, a 429 that means
 * "no credits", a 429 for tokens with requests to spare, one slug at two endpoints, and a 200
 * stream that dies before any content. Each comes from a small server on 127.0.0.1.
 */

const CHAT: ChatRequest = { system: 'Grade.', parts: [{ type: 'text', text: 'An essay.' }], maxTokens: 50 };

const target = (path: string): AttemptTarget => ({
  modelId: 'm',
  endpoint: `${base}${path}`,
  slug: 'gpt-4o',
  dialect: 'openai',
  apiKey: 'sk-test',
  prices: { input: 1e-7, output: 4e-7 },
  structuredOutput: false,
  dataCollection: null,
});

const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;
const delta = (content: string): string => sse({ id: 'gen-s', model: 'gpt-4o', choices: [{ delta: { content } }] });
const finish = sse({ id: 'gen-s', model: 'gpt-4o', choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 3 } });
const answer = (content: string, finishReason: string): string =>
  JSON.stringify({ id: 'gen-1', model: 'gpt-4o', choices: [{ message: { content }, finish_reason: finishReason }], usage: { prompt_tokens: 1000, completion_tokens: 100 } });

let server: http.Server;
let base = '';
let noWait429Sent = false;
/** The client ports that carried requests for /quick-done. */
const quickDoneSockets = new Set<number>();
const timers = new Set<NodeJS.Timeout>();
const later = (ms: number, fn: () => void): void => {
  const t = setTimeout(() => {
    timers.delete(t);
    fn();
  }, ms);
  timers.add(t);
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    const url = req.url ?? '';
    if (url.startsWith('/quick-done')) quickDoneSockets.add(req.socket.remotePort ?? -1);
    if (url.startsWith('/think')) {
      // Headers at once, then 1.5 s of silence before the first token.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      later(1500, () => res.end(delta('Good essay.') + finish + 'data: [DONE]\n\n'));
    } else if (url.startsWith('/quick-done')) {
      // [DONE] in its own write, the end of the body a moment later.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(delta('Good essay.') + finish);
      res.write('data: [DONE]\n\n');
      later(20, () => res.end());
    } else if (url.startsWith('/goes-quiet')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(delta('The essay'));
      later(3000, () => res.end(finish + 'data: [DONE]\n\n'));
    } else if (url.startsWith('/done-held-open')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(delta('Good essay.') + finish + 'data: [DONE]\n\n');
      later(3000, () => res.end());
    } else if (url.startsWith('/echo-key')) {
      // A gateway that quotes the credential it refused.
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Invalid credentials: ${String(req.headers.authorization)}` } }));
    } else if (url.startsWith('/quota')) {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } }));
    } else if (url.startsWith('/tokens-429')) {
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '6m0s',
      });
      res.end('{"error":{"message":"Rate limit reached for tokens per min"}}');
    } else if (url.startsWith('/no-wait-429') && !noWait429Sent) {
      // Once: a 429 with no Retry-After and no reset headers.
      noWait429Sent = true;
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Too many requests"}}');
    } else if (url.startsWith('/cut')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer('{"level": 2, "evidence": "cites two sources", "feedback": "The argument is clear but the concl', 'length'));
    } else if (url.startsWith('/processing')) {
      // OpenRouter-style: accepted, a role chunk, then only keep-alive comments.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-generation-id': 'gen-think' });
      res.write(sse({ id: 'gen-think', model: 'gpt-4o', choices: [{ delta: { role: 'assistant', content: '' } }] }));
      const tick = setInterval(() => (res.destroyed ? clearInterval(tick) : res.write(': OPENROUTER PROCESSING\n\n')), 100);
      res.on('close', () => clearInterval(tick));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer('{"level": 2, "evidence": "cites two sources", "feedback": "Clear."}', 'stop'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const t of timers) clearTimeout(t);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('streams', () => {
  it('waits up to firstByteMs for the first token, however short idleMs is', async () => {
    const r = await sendAttempt(target('/think'), CHAT, { stream: true, timeouts: { connectMs: 1000, firstByteMs: 3000, idleMs: 500, totalMs: 5000 } });
    expect(r).toMatchObject({ ok: true, content: 'Good essay.' });
  });

  it('still stops a stream that goes quiet after its content began, after idleMs', async () => {
    const r = await sendAttempt(target('/goes-quiet'), CHAT, { stream: true, timeouts: { connectMs: 1000, firstByteMs: 2500, idleMs: 200, totalMs: 5000 } });
    expect(r).toMatchObject({ ok: false, errorClass: 'stall_mid_stream', contentStarted: true });
    expect(r.latencyMs).toBeLessThan(2000);
  });

  it('ends at [DONE] even when the server keeps the connection open', async () => {
    const r = await sendAttempt(target('/done-held-open'), CHAT, { stream: true, timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 2500 } });
    expect(r).toMatchObject({ ok: true, content: 'Good essay.' });
  });

  it('reuses the connection after a stream that ends normally', async () => {
    const dispatcher = new Agent({ connections: 1 });
    try {
      for (let i = 0; i < 5; i++) {
        const r = await sendAttempt(target('/quick-done'), CHAT, { stream: true, timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 2000 }, dispatcher });
        expect(r.ok).toBe(true);
      }
      expect(quickDoneSockets.size).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });
});

describe('429s', () => {
  it('reads a 429 for an account without credits as a payment problem', async () => {
    const r = await sendAttempt(target('/quota'), CHAT, { stream: false, timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 2000 } });
    expect(r).toMatchObject({ ok: false, errorClass: 'payment' });
  });

  it('waits for the window that ran out: the tokens’ six minutes, not the requests’ second', async () => {
    const r = await sendAttempt(target('/tokens-429'), CHAT, { stream: false, timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 2000 } });
    expect(r).toMatchObject({ ok: false, errorClass: 'rate_limit', retryAfterMs: 360_000 });
  });
});

describe('answers and their cost', () => {
  const model = (id: string, path: string, prices: [number, number], api: 'openai' | 'openrouter' = 'openai') =>
    modelEntry(id, { endpoint: `${base}${path}`, model: 'gpt-4o', api, api_key_env: 'SIM_KEY', structured_output: true, input_cost_per_token: prices[0], output_cost_per_token: prices[1] });

  it('never accepts a grade the token limit cut off, repaired or not', async () => {
    const sink = new CollectingSink();
    const manager = makeManager([model('A', '/cut/chat/completions', [1e-7, 4e-7])], sink, { stream: false });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    expect(outcome.ok).toBe(false);
    expect(sink.rows[0]).toMatchObject({ errorClass: 'schema_invalid', errorMessage: expect.stringContaining('max_tokens') });
  });

  it('prices an answer at the model asked when another endpoint serves the same slug', async () => {
    const sink = new CollectingSink();
    const manager = makeManager([model('proxy', '/proxy/chat/completions', [0, 0]), model('direct', '/direct/chat/completions', [2.5e-6, 1e-5])], sink, { stream: false });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading', pool: ['direct'] });
    expect(outcome.ok).toBe(true);
    expect(sink.rows[0]!.costUsd).toBeCloseTo(1000 * 2.5e-6 + 100 * 1e-5, 12);
  });

  it('backs off as configured after a 429 that names no wait, not only the pacer’s one second', async () => {
    const sink = new CollectingSink();
    const manager = makeManager([model('A', '/no-wait-429/chat/completions', [1e-7, 4e-7])], sink, { stream: false, backoff: { kind: 'exponential', baseMs: 4000, maxMs: 8000 } });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    expect(outcome.ok).toBe(true);
    const [limited, answered] = sink.rows;
    expect(limited).toMatchObject({ errorClass: 'rate_limit', decision: expect.stringMatching(/^retry_same:/) });
    // Equal jitter: the first step of 4 s waits 2 to 4 s.
    expect(answered!.startedAt - limited!.startedAt).toBeGreaterThanOrEqual(2000);
  });

  it('keeps a refused key out of the audit trail when the provider echoes it', async () => {
    const sink = new CollectingSink();
    const key = 'sk-test-SECRET-0123456789abcdef';
    const manager = makeManager([model('A', '/echo-key/chat/completions', [1e-7, 4e-7])], sink, { stream: false }, { keys: { SIM_KEY: key } });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'INVALID_API_KEY' } });
    expect(sink.rows[0]?.errorMessage).toContain('Invalid credentials');
    expect(JSON.stringify(sink.rows)).not.toContain('SECRET');
  });

  it('records a 200 stream lost before any content at its estimated prompt cost, never as $0', async () => {
    const sink = new CollectingSink();
    const manager = makeManager([model('A', '/processing/chat/completions', [1e-7, 4e-7])], sink, {
      stream: true,
      maxAttempts: 1,
      timeouts: { connectMs: 1000, firstByteMs: 400, idleMs: 400, totalMs: 2000 },
    });
    const outcome = await manager.execute(gradingRequest(), { purpose: 'grading' });
    // The provider accepted the prompt: it is estimated (counted as such), not left out of totals.
    expect(outcome).toMatchObject({ ok: false, costUnpriced: false });
    expect(outcome.costUsd).toBeGreaterThan(0);
    expect(sink.rows[0]).toMatchObject({ httpStatus: 200, errorClass: 'stall_first_byte', costSource: 'estimate', promptTokens: null });
    expect(sink.rows[0]!.costUsd).toBe(outcome.costUsd);
  });
});
