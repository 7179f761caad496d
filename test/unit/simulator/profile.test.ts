import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FaultProfileError, parseFaultProfile, startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { effectiveProfile, pickFault } from '../../../electron/simulator/fault-profile.ts';
import { isLoopback } from '../../../electron/simulator/http-util.ts';
import { chatBody, createClient, json } from './helpers.ts';

const client = createClient();
afterAll(() => client.close());

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

function errorOf(input: unknown): string {
  try {
    parseFaultProfile(input);
  } catch (error) {
    expect(error).toBeInstanceOf(FaultProfileError);
    return (error as Error).message;
  }
  throw new Error('expected the profile to be rejected');
}

describe('parseFaultProfile', () => {
  it('accepts a full profile', () => {
    const profile = {
      latencyMs: { mean: 200, sd: 50 },
      ttftMs: { min: 10, max: 40 },
      chunks: 8,
      rateLimit: { rpm: 60, scope: 'key_model' as const },
      faults: { rate_limit_429: { rate: 0.1, retryAfterMs: 500 }, connection_reset: { at: [3, 9] } },
      models: { 'sim/fast': { downBetweenMs: [100, 200] as [number, number], latencyMs: 5 } },
      stallMs: 1000,
    };
    expect(parseFaultProfile(profile)).toEqual(profile);
    expect(parseFaultProfile(undefined)).toEqual({});
  });

  it.each([
    [{ faults: { rate_limit_429: { rate: 2 } } }, 'faults.rate_limit_429.rate'],
    [{ faults: { teapot_418: { rate: 0.5 } } }, 'faults'],
    [{ faults: { server_error_500: { at: [0] } } }, 'faults.server_error_500.at.0'],
    [{ latencyMs: { min: 50, max: 10 } }, 'latencyMs'],
    [{ ttftMs: -1 }, 'ttftMs'],
    [{ rateLimit: { rpm: 0 } }, 'rateLimit.rpm'],
    [{ rateLimit: { rpm: 5, scope: 'model' } }, 'rateLimit.scope'],
    [{ chunks: 1.5 }, 'chunks'],
    [{ models: { 'sim/fast': { downBetweenMs: [5] } } }, 'models.sim/fast.downBetweenMs'],
    [{ stalMs: 100 }, 'stalMs'],
  ])('names the field of %j', (input, field) => {
    expect(errorOf(input)).toContain(field);
  });
});

describe('effective profile and fault choice', () => {
  it('lets a model override replace fields and merge faults kind by kind', () => {
    const merged = effectiveProfile(
      {
        latencyMs: 100,
        chunks: 3,
        faults: { server_error_500: { rate: 0.1 }, timeout_408: { at: [1] } },
        models: { 'sim/smart': { latencyMs: 5, faults: { server_error_500: { rate: 0.9 } } } },
      },
      'sim/smart',
    );
    expect(merged).toMatchObject({ latencyMs: 5, chunks: 3, stallMs: 30_000, faults: { server_error_500: { rate: 0.9 }, timeout_408: { at: [1] } } });
  });

  it('prefers `at` over rates and takes kinds in a fixed order', () => {
    const always = () => 0;
    expect(pickFault({ empty_completion: { at: [2] }, server_error_500: { rate: 1 } }, 2, always)).toBe('empty_completion');
    expect(pickFault({ empty_completion: { at: [2] }, server_error_500: { rate: 1 } }, 3, always)).toBe('server_error_500');
    expect(pickFault({ gateway_timeout_504: { at: [4] }, bad_request_400: { at: [4] } }, 4, always)).toBe('bad_request_400');
    expect(pickFault({ server_error_500: { rate: 0 } }, 1, always)).toBeNull();
  });
});

describe('profiles on a running simulator', () => {
  it('rejects an invalid profile at start and in setProfile, keeping the old one', async () => {
    await expect(startSimulator({ profile: { chunks: 0 } })).rejects.toThrow(/chunks/);
    sim = await startSimulator({ profile: { faults: { server_error_500: { at: [1] } } } });
    expect(() => sim!.setProfile({ faults: { server_error_500: { rate: -1 } } })).toThrow(/faults\.server_error_500\.rate/);
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(500);
  });

  it('answers control routes: profile (with field errors), requests, ledger and reset', async () => {
    sim = await startSimulator();
    const control = (path: string, body?: unknown) => client.send(`http://127.0.0.1:${sim!.port}/__sim/${path}`, { body, method: body === undefined ? 'GET' : 'POST' });
    const bad = await control('profile', { faults: { timeout_408: { at: ['x'] } } });
    expect(bad.status).toBe(400);
    expect(json<{ error: { message: string } }>(bad).error.message).toContain('faults.timeout_408.at.0');
    expect((await control('profile', { faults: { timeout_408: { at: [1] } } })).status).toBe(200);
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(408);
    expect((await client.chat(sim.baseUrl, chatBody())).status).toBe(200);
    const requests = json<{ n: number; outcome: string }[]>(await control('requests'));
    expect(requests.map((request) => [request.n, request.outcome])).toEqual([
      [1, 'timeout_408'],
      [2, 'ok'],
    ]);
    const ledger = json<{ entries: { n: number }[]; totalUsd: number }>(await control('ledger'));
    expect(ledger.entries.map((entry) => entry.n)).toEqual([2]);
    expect(ledger.totalUsd).toBe(sim.ledger().totalUsd);
    expect((await control('reset', {})).status).toBe(200);
    expect(sim.requests()).toEqual([]);
    expect((await control('nothing')).status).toBe(404);
  });

  it('treats only loopback peers as local', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['192.168.1.5', '10.0.0.1', undefined].some(isLoopback)).toBe(false);
  });
});
