import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startSimulator, type SimulatorHandle, type FaultProfile } from '../../../electron/simulator/index.ts';
import { pickFault } from '../../../electron/simulator/fault-profile.ts';
import { mulberry32, rngFor, sampleDist } from '../../../electron/simulator/random.ts';
import { RateLimiter } from '../../../electron/simulator/rate-limiter.ts';
import { KEY, chatBody, createClient, json, streamBody, type ErrorJson } from './helpers.ts';

const client = createClient();
afterAll(() => client.close());

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function started(profile: FaultProfile, seed?: number): Promise<SimulatorHandle> {
  sim = await startSimulator(seed === undefined ? { profile } : { profile, seed });
  return sim;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limiting', () => {
  it('refuses over rpm with honest Retry-After, retry-after-ms and x-ratelimit headers', async () => {
    const s = await started({ rateLimit: { rpm: 2, windowMs: 600 } });
    const first = await client.chat(s.baseUrl, chatBody());
    const second = await client.chat(s.baseUrl, chatBody());
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers['x-ratelimit-limit-requests']).toBe('2');
    expect(first.headers['x-ratelimit-remaining-requests']).toBe('1');
    expect(second.headers['x-ratelimit-remaining-requests']).toBe('0');

    const refused = await client.chat(s.baseUrl, chatBody());
    expect(refused.status).toBe(429);
    expect(json<ErrorJson>(refused).error.code).toBe('rate_limit_exceeded');
    const waitMs = Number(refused.headers['retry-after-ms']);
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(600);
    expect(refused.headers['retry-after']).toBe(String(Math.ceil(waitMs / 1000)));
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(refused.headers['x-ratelimit-reset-requests']).toBe(`${waitMs / 1000}s`);

    // Half-way through the wait: still refused, and the new hint is shorter.
    await sleep(Math.floor(waitMs / 2));
    const early = await client.chat(s.baseUrl, chatBody());
    expect(early.status).toBe(429);
    const rest = Number(early.headers['retry-after-ms']);
    expect(rest).toBeLessThan(waitMs);

    // Waiting exactly the hint is enough.
    await sleep(rest);
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
    expect(s.ledger().entries).toHaveLength(3);
    expect(s.requests().map((entry) => entry.outcome)).toEqual(['ok', 'ok', 'rate_limit_429', 'rate_limit_429', 'ok']);
  });

  it('counts per key by default, and per key × model with scope key_model', async () => {
    const s = await started({ rateLimit: { rpm: 1, windowMs: 5_000 } });
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
    expect((await client.chat(s.baseUrl, chatBody({ model: 'sim/smart' }))).status).toBe(429);
    expect((await client.chat(s.baseUrl, chatBody(), 'sk-other')).status).toBe(200);

    s.setProfile({ rateLimit: { rpm: 1, windowMs: 5_000, scope: 'key_model' } });
    s.reset();
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
    expect((await client.chat(s.baseUrl, chatBody({ model: 'sim/smart' }))).status).toBe(200);
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(429);
  });

  it('a per-model rate limit counts for that model only', async () => {
    const s = await started({ models: { 'sim/smart': { rateLimit: { rpm: 1, windowMs: 5_000 } } } });
    expect((await client.chat(s.baseUrl, chatBody({ model: 'sim/smart' }))).status).toBe(200);
    expect((await client.chat(s.baseUrl, chatBody({ model: 'sim/smart' }))).status).toBe(429);
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
  });

  it('reset() clears the windows', async () => {
    const s = await started({ rateLimit: { rpm: 1, windowMs: 60_000 } });
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(429);
    s.reset();
    expect((await client.chat(s.baseUrl, chatBody())).status).toBe(200);
  });

  it('the limiter frees a slot exactly windowMs after it was taken', () => {
    let now = 1000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take('k', 2, 100).admitted).toBe(true);
    now = 1030;
    expect(limiter.take('k', 2, 100).remaining).toBe(0);
    now = 1050;
    expect(limiter.take('k', 2, 100)).toMatchObject({ admitted: false, retryAfterMs: 50 });
    now = 1099.5;
    expect(limiter.take('k', 2, 100)).toMatchObject({ admitted: false, retryAfterMs: 1 });
    now = 1100;
    expect(limiter.take('k', 2, 100)).toMatchObject({ admitted: true, remaining: 0, resetMs: 30 });
  });
});

describe('faults by rate', () => {
  const faults = { server_error_500: { rate: 0.25 }, empty_completion: { rate: 0.1 } };
  /** What request n must get: a pure function of (seed, n), independent of timing. */
  const expected = (seed: number, count: number) =>
    Array.from({ length: count }, (_, i) => pickFault(faults, i + 1, (n, purpose) => rngFor(seed, purpose, n)()) ?? 'ok');

  it('roughly matches the rate over 400 requests, decided by seed and request number', async () => {
    const s = await started({ faults }, 11);
    // Many requests at once through a wide pool: numbering is by arrival, outcome by number.
    const agent = new Agent({ connections: 32 });
    try {
      await Promise.all(
        Array.from({ length: 400 }, () =>
          request(`${s.baseUrl}/chat/completions`, {
            method: 'POST',
            dispatcher: agent,
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(chatBody()),
          }).then((response) => response.body.dump()),
        ),
      );
    } finally {
      await agent.close();
    }
    const outcomes = s.requests().sort((a, b) => a.n - b.n).map((entry) => entry.outcome);
    expect(outcomes).toHaveLength(400);
    const errors = outcomes.filter((outcome) => outcome === 'server_error_500').length;
    const empties = outcomes.filter((outcome) => outcome === 'empty_completion').length;
    expect(errors).toBeGreaterThan(400 * 0.18);
    expect(errors).toBeLessThan(400 * 0.32);
    // empty_completion is drawn only where no earlier kind hit: about 0.75 × 0.1.
    expect(empties).toBeGreaterThan(400 * 0.04);
    expect(empties).toBeLessThan(400 * 0.12);
    expect(outcomes).toEqual(expected(11, 400));
    expect(expected(12, 400)).not.toEqual(outcomes);
    expect(s.ledger().entries).toHaveLength(400 - errors);
  });
});

describe('latency', () => {
  it('holds the first chunk for ttftMs and the whole stream for latencyMs', async () => {
    const s = await started({ ttftMs: 80, latencyMs: 200, chunks: 4 });
    const agent = new Agent();
    try {
      const started = performance.now();
      const response = await request(`${s.baseUrl}/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(streamBody()),
      });
      const arrivals: number[] = [];
      for await (const _chunk of response.body) arrivals.push(performance.now() - started);
      const first = arrivals[0]!;
      const last = arrivals.at(-1)!;
      expect(first).toBeGreaterThanOrEqual(75);
      expect(last).toBeGreaterThanOrEqual(195);
      // The three chunks after the first are spread over latency − TTFT = 120 ms.
      expect(last - first).toBeGreaterThanOrEqual(110);
    } finally {
      await agent.close();
    }
    const plain = await client.chat(s.baseUrl, chatBody());
    expect(plain.status).toBe(200);
    expect(plain.elapsedMs).toBeGreaterThanOrEqual(195);
  });

  it('bills a client that disconnects mid-stream for the chunks emitted until then', async () => {
    const s = await started({});
    const full = JSON.parse((await client.chat(s.baseUrl, chatBody())).text) as { usage: { completion_tokens: number } };
    s.reset();
    s.setProfile({ latencyMs: 600, chunks: 4 });
    const agent = new Agent();
    try {
      const response = await request(`${s.baseUrl}/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(streamBody()),
      });
      let seen = '';
      for await (const chunk of response.body) {
        seen += String(chunk);
        if (seen.includes('"content"')) break; // leaving the loop destroys the body
      }
    } finally {
      await agent.close();
    }
    for (let i = 0; i < 50 && !s.ledger().entries[0]?.done; i += 1) await sleep(10);
    const entry = s.ledger().entries[0]!;
    expect(entry).toMatchObject({ done: true, finishReason: null, streamed: true });
    expect(entry.completionTokens).toBeGreaterThan(0);
    expect(entry.completionTokens).toBeLessThan(full.usage.completion_tokens);
    const sent = s.ledger().entries[0]!;
    await sleep(250); // past the next chunk's time: nothing more is billed
    expect(s.ledger().entries[0]!.completionTokens).toBe(sent.completionTokens);
  });

  it('samples distributions deterministically and never below zero', () => {
    const uniform = Array.from({ length: 200 }, (_, i) => sampleDist({ min: 10, max: 20 }, mulberry32(i)));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(20);
    const normal = Array.from({ length: 2000 }, (_, i) => sampleDist({ mean: 50, sd: 10 }, mulberry32(i)));
    const mean = normal.reduce((sum, x) => sum + x, 0) / normal.length;
    expect(mean).toBeGreaterThan(48);
    expect(mean).toBeLessThan(52);
    expect(Math.min(...Array.from({ length: 500 }, (_, i) => sampleDist({ mean: 1, sd: 50 }, mulberry32(i))))).toBe(0);
    expect(sampleDist({ mean: 50, sd: 10 }, mulberry32(3))).toBe(sampleDist({ mean: 50, sd: 10 }, mulberry32(3)));
    expect(sampleDist(42, mulberry32(1))).toBe(42);
  });
});

describe('close()', () => {
  it('ends a 30 s stall at once, clears its timer and drops the client', async () => {
    const s = await started({ faults: { stall_before_first_byte: { at: [1] } } });
    const pending = client.chat(s.baseUrl, chatBody());
    await sleep(30);
    const closedAt = performance.now();
    await s.close();
    expect(performance.now() - closedAt).toBeLessThan(500);
    const reply = await pending;
    expect(reply.status).toBeNull();
    expect(reply.error).not.toBeNull();
    expect(reply.elapsedMs).toBeLessThan(1_000);
  });

  it('ends a stream stalled in the middle', async () => {
    const s = await started({ faults: { stall_mid_stream: { at: [1] } } });
    const pending = client.chat(s.baseUrl, streamBody());
    await sleep(50);
    await s.close();
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.error).not.toBeNull();
    expect(reply.elapsedMs).toBeLessThan(1_000);
  });
});
