import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBaseUrl, probeLocalServer } from '../../../electron/setup/local-servers.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { startHost, type HostFixture } from './helpers.ts';

/** A loopback port nobody listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('local servers', () => {
  let sim: SimulatorHandle;
  let fx: HostFixture;
  let downUrl: string;

  beforeAll(async () => {
    sim = await startSimulator({ keys: null });
    downUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    // The simulator stands where Ollama would be; nothing stands where LM Studio would.
    fx = await startHost('gd-setup-local-', {
      localProbes: [
        { kind: 'ollama', baseUrl: sim.baseUrl },
        { kind: 'lmstudio', baseUrl: downUrl },
      ],
    });
  });
  afterAll(async () => {
    await fx?.close();
    await sim?.close();
  });

  it('finds the server that answers and lists its models; says plainly that the other is not running', async () => {
    const servers = await fx.host.handlers.detectLocalServers({ customUrl: null });
    expect(servers.map((s) => [s.kind, s.reachable])).toEqual([
      ['ollama', true],
      ['lmstudio', false],
    ]);
    expect(servers[0]?.models.map((m) => m.id).sort()).toEqual(['sim/cheap', 'sim/fast', 'sim/smart', 'sim/vision']);
    expect(servers[1]).toMatchObject({ models: [], error: { code: 'CONNECTION_FAILED' } });
    expect(servers[1]?.error?.message).toContain(downUrl);
  });

  it('adds a detected model, which then shows as added', async () => {
    await fx.host.handlers.addLocalModels({ kind: 'ollama', baseUrl: sim.baseUrl, modelIds: ['sim/vision'] });
    const [ollama] = await fx.host.handlers.detectLocalServers({ customUrl: null });
    expect(ollama?.added).toEqual(['sim/vision']);
    expect(await fx.host.handlers.listModels({})).toMatchObject([{ id: 'vision', provider: 'Ollama', keyStatus: 'not_needed' }]);
  });

  it('accepts loopback addresses only, in the forms a teacher types', async () => {
    expect(localBaseUrl('127.0.0.1:8080')).toBe('http://127.0.0.1:8080/v1');
    expect(localBaseUrl('http://localhost:1234/v1/models')).toBe('http://localhost:1234/v1');
    expect(localBaseUrl('http://[::1]:11434/v1/chat/completions/')).toBe('http://[::1]:11434/v1');
    for (const refused of ['http://192.168.1.20:11434/v1', 'https://api.openai.com/v1', 'http://10.0.0.1', 'file:///etc/passwd', 'http://user:pw@127.0.0.1:1/v1', 'not an address at all']) {
      expect(() => localBaseUrl(refused), refused).toThrow(expect.objectContaining({ code: 'LOCAL_URL_NOT_ALLOWED' }));
    }
    await expect(fx.host.handlers.detectLocalServers({ customUrl: 'http://203.0.113.7:11434' })).rejects.toMatchObject({ code: 'LOCAL_URL_NOT_ALLOWED' });
    await expect(fx.host.handlers.addLocalModels({ kind: 'custom', baseUrl: 'http://203.0.113.7/v1', modelIds: ['x'] })).rejects.toMatchObject({ code: 'LOCAL_URL_NOT_ALLOWED' });
  });

  it('reports a server that answers with something else than a model list', async () => {
    const probed = await probeLocalServer('custom', `${sim.baseUrl}/generation?id=`);
    expect(probed.reachable).toBe(false);
    expect(probed.error?.code).toMatch(/BAD_REQUEST|MALFORMED_RESPONSE/);
  });
});
