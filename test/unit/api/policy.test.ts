import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../electron/api/retry/backoff.ts';
import { CircuitBreaker } from '../../../electron/api/routing/circuit-breaker.ts';
import { CODE_OF_CLASS, type ErrorClass } from '../../../electron/api/retry/error-classes.ts';
import { modelEntry } from '../../../electron/api/routing/model-registry.ts';
import { LIMITED_SPACING_MS, RatePacer } from '../../../electron/api/pacing/rate-pacer.ts';
import { decide, RETRY_TABLE } from '../../../electron/api/retry/retry-policy.ts';
import { freshStats, orderModels, type ModelStats, type OrderContext } from '../../../electron/api/routing/strategies.ts';
import { checkStructuredAnswer } from '../../../electron/api/client/structured-answer.ts';

describe('backoff', () => {
  it('exponential with equal jitter stays within [step/2, step] and the cap', () => {
    const s = { kind: 'exponential' as const, baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(s, 0, () => 0)).toBe(50);
    expect(backoffDelay(s, 0, () => 1)).toBe(100);
    expect(backoffDelay(s, 2, () => 0.5)).toBe(300);
    expect(backoffDelay(s, 10, () => 1)).toBe(1000);
  });
  it('linear and immediate', () => {
    expect(backoffDelay({ kind: 'linear', baseMs: 100, maxMs: 250 }, 0)).toBe(100);
    expect(backoffDelay({ kind: 'linear', baseMs: 100, maxMs: 250 }, 5)).toBe(250);
    expect(backoffDelay({ kind: 'immediate', baseMs: 100, maxMs: 250 }, 3)).toBe(0);
  });
});

describe('retry table', () => {
  const ctx = { sameModelRetries: 0, retryAfterMs: null, remainingMs: 60_000, backoff: { baseMs: 100, maxMs: 5000 }, random: () => 0.5 };
  it('fails at once on errors retrying cannot fix', () => {
    for (const cls of ['bad_request', 'auth', 'payment'] as ErrorClass[]) {
      expect(decide(cls, ctx)).toEqual({ kind: 'fail', code: CODE_OF_CLASS[cls] });
    }
  });
  it('waits exactly what Retry-After says, and switches when that does not fit the deadline', () => {
    expect(decide('rate_limit', { ...ctx, retryAfterMs: 1234 })).toEqual({ kind: 'retry_same', waitMs: 1234 });
    expect(decide('rate_limit', { ...ctx, retryAfterMs: 70_000 })).toEqual({ kind: 'switch', needLargerContext: false });
    expect(decide('rate_limit', { ...ctx, retryAfterMs: 2000, remainingMs: 1500 })).toEqual({ kind: 'switch', needLargerContext: false });
    // honoured on every attempt, not only the first
    expect(decide('rate_limit', { ...ctx, sameModelRetries: 2, retryAfterMs: 800 })).toEqual({ kind: 'retry_same', waitMs: 800 });
  });
  it('moves to a larger context window after a context-length error', () => {
    expect(decide('context_length', ctx)).toEqual({ kind: 'switch', needLargerContext: true });
  });
  it('retries the same model up to its limit, then switches', () => {
    expect(decide('server_error', ctx).kind).toBe('retry_same');
    expect(decide('server_error', { ...ctx, sameModelRetries: RETRY_TABLE.server_error.sameModelTries })).toEqual({ kind: 'switch', needLargerContext: false });
  });
  it('has a rule for every class', () => {
    for (const cls of Object.keys(CODE_OF_CLASS) as ErrorClass[]) expect(RETRY_TABLE[cls]).toBeDefined();
  });
});

describe('circuit breaker', () => {
  const settings = { consecutiveFailures: 3, failureRate: 0.5, windowSize: 10, minimumCalls: 6, openMs: 1000, maxOpenMs: 8000 };
  it('opens after consecutive failures, half-opens after the cool-down with one probe, and doubles on a failed probe', () => {
    const b = new CircuitBreaker(settings);
    b.onFailure(0);
    b.onFailure(1);
    expect(b.state(2)).toBe('closed');
    b.onFailure(2);
    expect(b.state(3)).toBe('open');
    expect(b.canPass(500)).toBe(false);
    expect(b.state(1002)).toBe('half_open');
    expect(b.tryAcquire(1002)).toBe(true);
    expect(b.tryAcquire(1003)).toBe(false); // one probe at a time
    b.onFailure(1100);
    expect(b.state(2000)).toBe('open');
    expect(b.reopensAt()).toBe(3100);
    expect(b.tryAcquire(3100)).toBe(true);
    b.onSuccess();
    expect(b.state(3101)).toBe('closed');
  });
  it('opens on a failure rate over a count window only after the minimum', () => {
    const b = new CircuitBreaker(settings);
    for (let i = 0; i < 5; i++) {
      b.onSuccess();
      b.onFailure(i);
    }
    expect(b.state(10)).toBe('open');
    const few = new CircuitBreaker(settings);
    few.onFailure(0);
    few.onSuccess();
    few.onFailure(1);
    expect(few.state(2)).toBe('closed');
  });
  it('survives a restart through its snapshot', () => {
    const b = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) b.onFailure(100);
    const restored = new CircuitBreaker(settings, JSON.parse(JSON.stringify(b.toSnapshot())));
    expect(restored.state(500)).toBe('open');
    expect(restored.state(1100)).toBe('half_open');
  });
});

describe('rate pacer', () => {
  it('blocks a scope until the Retry-After time', () => {
    const p = new RatePacer();
    p.onRateLimited('k', 1000, 500, null);
    expect(p.reserve(['k'], 1000).startAt).toBe(1500);
    expect(p.reserve(['other'], 1000).startAt).toBe(1000);
  });
  it('paces to the configured rpm over a sliding minute', () => {
    const p = new RatePacer();
    p.configure('m', 2);
    expect(p.reserve(['m'], 0).startAt).toBe(0);
    expect(p.reserve(['m'], 30).startAt).toBe(30);
    expect(p.reserve(['m'], 40).startAt).toBe(60_000);
  });
  it('spaces starts on a limited scope, so a 429 is read before the next request leaves', () => {
    const p = new RatePacer();
    p.configure('m', 100);
    expect([0, 0, 0].map(() => p.reserve(['m'], 0).startAt)).toEqual([0, LIMITED_SPACING_MS, 2 * LIMITED_SPACING_MS]);
    // No limit known: no spacing (a provider that never said no is not slowed down)...
    expect([0, 0].map(() => p.reserve(['free'], 0).startAt)).toEqual([0, 0]);
    // ...until it answers a 429.
    p.onRateLimited('free', 0, 100, null);
    expect([0, 0].map(() => p.reserve(['free'], 0).startAt)).toEqual([100, 100 + LIMITED_SPACING_MS]);
  });
  it('keeps actual sends on a limited scope apart, even when their starts were bunched', () => {
    const p = new RatePacer();
    p.configure('m', 100);
    p.markSent(['m', 'free'], 1000);
    expect(p.sendGap(['m'], 1005)).toBe(LIMITED_SPACING_MS - 5);
    expect(p.sendGap(['m'], 1000 + LIMITED_SPACING_MS)).toBe(0);
    expect(p.sendGap(['free'], 1005)).toBe(0);
  });
  it('waits for the reset when headers say nothing remains', () => {
    const p = new RatePacer();
    p.onHint('k', 0, { limit: 10, remaining: 0, resetMs: 700 });
    expect(p.reserve(['k'], 0).startAt).toBe(700);
    expect(p.report(0)[0]).toMatchObject({ providerLimit: 10, preemptiveWaits: 1 });
  });
  it('learns a limit from 429s without a Retry-After, and not from a handful of requests', () => {
    const p = new RatePacer();
    for (let i = 0; i < 3; i++) p.reserve(['k'], i);
    p.onRateLimited('k', 10, null, null);
    expect(p.report(10)[0]?.learnedRpm).toBeNull();
    for (let i = 0; i < 10; i++) p.reserve(['k'], 2000 + i);
    p.onRateLimited('k', 2100, null, null);
    expect(p.report(2100)[0]?.learnedRpm).toBe(12);
  });
  it('counts the starts that taught a limit against it', () => {
    const p = new RatePacer();
    for (let i = 0; i < 10; i++) p.reserve(['k'], 1000 + i * 10);
    p.onRateLimited('k', 1100, null, null);
    expect(p.report(1100)[0]?.learnedRpm).toBe(9);
    // Ten starts in this minute already: the next waits for the window, not only the 1 s block.
    expect(p.reserve(['k'], 2100).startAt).toBeGreaterThanOrEqual(60_000);
  });
  it('raises a learned limit again after each whole minute without another lesson', () => {
    const p = new RatePacer();
    for (let i = 0; i < 9; i++) p.reserve(['k'], i * 10);
    p.onRateLimited('k', 100, null, null);
    expect(p.report(100)[0]?.learnedRpm).toBe(8);
    p.reserve(['k'], 61_000);
    expect(p.report(61_000)[0]?.learnedRpm).toBe(10);
    p.reserve(['k'], 90_000); // within the next minute: unchanged
    expect(p.report(90_000)[0]?.learnedRpm).toBe(10);
    p.reserve(['k'], 122_000);
    expect(p.report(122_000)[0]?.learnedRpm).toBe(12);
  });
  it('does not let one model’s start far ahead hold up another model on the same key', () => {
    const p = new RatePacer();
    p.onRateLimited('key', 0, 100, null); // the key is known to be limited
    p.onRateLimited('model:m1', 1000, 30_000, null); // m1 alone is down for 30 s
    expect(p.reserve(['key', 'model:m1'], 1000).startAt).toBe(31_000);
    expect(p.earliestStart(['key', 'model:m2'], 1000)).toBe(1000);
    expect(p.reserve(['key', 'model:m2'], 1000).startAt).toBe(1000);
    // ...while starts near each other stay spaced.
    expect(p.reserve(['key', 'model:m2'], 1000).startAt).toBe(1000 + LIMITED_SPACING_MS);
  });
  it('gives a cancelled reservation back', () => {
    const p = new RatePacer();
    p.configure('m', 1);
    const slot = p.reserve(['m'], 0);
    slot.cancel();
    expect(p.reserve(['m'], 1).startAt).toBe(1);
  });
});

describe('strategies', () => {
  const models = [
    modelEntry('cheap', { endpoint: 'http://x', cost_per_token: 1e-7, weight: 1, max_concurrency: 2 }),
    modelEntry('pricey', { endpoint: 'http://x', cost_per_token: 1e-5, weight: 3, max_concurrency: 10 }),
    modelEntry('unpriced', { endpoint: 'http://x' }),
  ];
  const stats = new Map<string, ModelStats>(models.map((m) => [m.id, freshStats()]));
  const ctx = (over: Partial<OrderContext> = {}): OrderContext => ({
    stats: (id) => stats.get(id) ?? freshStats(),
    estimate: { promptTokens: 1000, outputTokens: 500 },
    random: () => 0.99,
    lastPicked: () => -1,
    exploration: 0,
    ...over,
  });
  const ids = (list: { id: string }[]) => list.map((m) => m.id);

  it('cost puts unpriced last', () => expect(ids(orderModels('cost', models, ctx()))).toEqual(['cheap', 'pricey', 'unpriced']));
  it('round robin goes to the least recently chosen', () => {
    const last = new Map([['cheap', 4], ['pricey', 2], ['unpriced', 3]]);
    expect(ids(orderModels('round_robin', models, ctx({ lastPicked: (id) => last.get(id) ?? -1 })))).toEqual(['pricey', 'unpriced', 'cheap']);
    expect(ids(orderModels('round_robin', models, ctx()))[0]).toBe('cheap'); // none chosen yet: config order
  });
  it('least busy divides in-flight by capacity', () => {
    stats.set('cheap', { ...freshStats(), inFlight: 2 });
    stats.set('pricey', { ...freshStats(), inFlight: 3 });
    stats.set('unpriced', { ...freshStats(), inFlight: 3 });
    expect(ids(orderModels('least_busy', models, ctx()))[0]).toBe('pricey');
  });
  it('latency prefers the fastest, with exploration', () => {
    stats.set('cheap', { ...freshStats(), latencyMs: 900 });
    stats.set('pricey', { ...freshStats(), latencyMs: 300 });
    stats.set('unpriced', { ...freshStats(), latencyMs: 600 });
    expect(ids(orderModels('latency', models, ctx()))).toEqual(['pricey', 'unpriced', 'cheap']);
    const explored = orderModels('latency', models, ctx({ exploration: 1, random: () => 0.1 }));
    expect(explored[0]?.id).not.toBe('pricey');
  });
  it('latency counts failures: a model that never answered is not the fastest', () => {
    stats.set('cheap', { ...freshStats(), latencyMs: null, successRate: 0.001 });
    stats.set('pricey', { ...freshStats(), latencyMs: 300 });
    stats.set('unpriced', { ...freshStats(), latencyMs: 250, successRate: 0.5 });
    expect(ids(orderModels('latency', models, ctx()))).toEqual(['pricey', 'unpriced', 'cheap']);
    stats.set('cheap', freshStats()); // never tried: measured first
    expect(ids(orderModels('latency', models, ctx()))[0]).toBe('cheap');
  });
  it('weighted random follows weights', () => {
    expect(ids(orderModels('weighted_random', models.slice(0, 2), ctx({ random: () => 0.1 })))[0]).toBe('cheap');
    expect(ids(orderModels('weighted_random', models.slice(0, 2), ctx({ random: () => 0.5 })))[0]).toBe('pricey');
  });
  it('fallback follows the configured order', () => {
    expect(ids(orderModels('fallback', models, ctx({ fallbackOrder: ['unpriced', 'cheap'] })))).toEqual(['unpriced', 'cheap', 'pricey']);
  });
  it('performance favours success and price', () => {
    stats.set('cheap', { ...freshStats(), successRate: 0.2, latencyMs: 500 });
    stats.set('pricey', { ...freshStats(), successRate: 1, latencyMs: 500 });
    expect(ids(orderModels('performance', models.slice(0, 2), ctx()))[0]).toBe('pricey');
    stats.set('cheap', { ...freshStats(), successRate: 1, latencyMs: 500 });
    expect(ids(orderModels('performance', models.slice(0, 2), ctx()))[0]).toBe('cheap');
  });
});

describe('structured answers', () => {
  const output = {
    name: 'x',
    schema: {},
    validate: (v: unknown) =>
      typeof v === 'object' && v !== null && typeof (v as { a?: unknown }).a === 'number' ? { ok: true as const, value: v } : { ok: false as const, message: 'a must be a number' },
  };
  it('repairs near-misses before validating', () => {
    expect(checkStructuredAnswer('```json\n{"a": 1,}\n```', output)).toMatchObject({ ok: true, value: { a: 1 } });
    expect(checkStructuredAnswer('{"a": 2', output)).toMatchObject({ ok: true, repaired: true });
  });
  it('never repairs an answer the token limit cut off, and accepts a complete one that hit it', () => {
    expect(checkStructuredAnswer('{"a": 2', output, 'length')).toMatchObject({ ok: false, errorClass: 'schema_invalid', message: expect.stringContaining('max_tokens') });
    expect(checkStructuredAnswer('{"a": 2}', output, 'length')).toMatchObject({ ok: true, value: { a: 2 }, repaired: false });
  });
  it('classifies invalid and non-JSON answers', () => {
    expect(checkStructuredAnswer('{"a": "x"}', output)).toMatchObject({ ok: false, errorClass: 'schema_invalid' });
    expect(checkStructuredAnswer('', output)).toMatchObject({ ok: false });
  });
});
