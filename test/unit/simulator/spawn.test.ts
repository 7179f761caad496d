import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnSimulator, startSimulator, type RemoteSimulatorHandle } from '../../../electron/simulator/index.ts';
import { chatBody, createClient, json } from './helpers.ts';

let remote: RemoteSimulatorHandle | null = null;
const client = createClient();
afterEach(async () => {
  await remote?.close();
  remote = null;
});
afterAll(() => client.close());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('spawnSimulator', () => {
  it('runs the simulator in a child process controlled over HTTP, and close() kills it', async () => {
    remote = await spawnSimulator({ keys: { 'sk-child': {} }, seed: 5 });
    expect(remote.baseUrl).toBe(`http://127.0.0.1:${remote.port}/v1`);
    expect(remote.pid).not.toBe(process.pid);
    expect(alive(remote.pid)).toBe(true);

    const reply = await client.chat(remote.baseUrl, chatBody(), 'sk-child');
    expect(reply.status).toBe(200);
    const cost = json(reply).usage.cost;
    const ledger = await remote.ledger();
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.totalUsd).toBe(cost);
    expect((await client.chat(remote.baseUrl, chatBody(), 'sk-stranger')).status).toBe(401);

    await remote.setProfile({ faults: { bad_gateway_502: { at: [3] } } });
    expect((await client.chat(remote.baseUrl, chatBody(), 'sk-child')).status).toBe(502);
    expect((await remote.requests()).map((request) => request.outcome)).toEqual(['ok', 'unauthorized_401', 'bad_gateway_502']);
    await expect(remote.setProfile({ chunks: -1 } as never)).rejects.toThrow(/chunks/);
    await remote.reset();
    expect(await remote.requests()).toEqual([]);

    const pid = remote.pid;
    await remote.close();
    await remote.close();
    expect(alive(pid)).toBe(false);
    const after = await client.chat(remote.baseUrl, chatBody(), 'sk-child');
    expect(after.error?.code).toBe('ECONNREFUSED');
  });

  it('rejects invalid options before spawning', async () => {
    await expect(spawnSimulator({ profile: { chunks: 0 } })).rejects.toThrow(/profile.*chunks|chunks/);
    await expect(spawnSimulator({ seed: 1.5 })).rejects.toThrow(/seed/);
  });

  it('reports a child that cannot start, with its error', async () => {
    const taken = await startSimulator();
    try {
      await expect(spawnSimulator({ port: taken.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await taken.close();
    }
  });
});
