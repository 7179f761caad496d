import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/server.ts';
import { resolveStaticPath } from '../../../electron/serve/static-files.ts';
import type { EventListener } from '../../../shared/ipc/contract.ts';
import type { Handlers } from '../../../shared/ipc/contract.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';

const root = mkdtempSync(join(tmpdir(), 'gd-bm-'));
const rendererDir = join(root, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>GradeDesk</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'outside');
symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'link.txt'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const listeners = new Set<EventListener>();
const handlers: Handlers = makeHandlers({
  getAppInfo: () => ({ version: 't', mode: 'browser', demo: false, configPath: null, configError: null }),
  checkModel: ({ modelId }) => {
    const check = { modelId, checkedAt: new Date(0).toISOString(), ok: true, latencyMs: 3, httpStatus: 200, errorClass: null, error: null };
    for (const l of listeners) l('modelChecked', check);
    return check;
  },
});
const app = {
  handlers,
  onEvent(listener: EventListener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

let server: BrowserModeServer;
beforeAll(async () => {
  server = await startBrowserMode({ app, rendererDir, token: 'T0KEN' });
});
afterAll(() => server.close());

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.terminate();
});

function connect(path: string, headers: Record<string, string> = { origin: server.origin }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    sockets.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, id: number, route: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { id?: number };
      if (msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, route, input }));
  });
}

describe('browser mode server', () => {
  it('prints a loopback URL with the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=T0KEN$/);
  });

  it('refuses pages without the token and serves them with it, with the CSP header', async () => {
    const without = await request(`${server.origin}/`);
    expect(without.statusCode).toBe(403);
    await without.body.dump();
    const wrong = await request(`${server.origin}/?token=nope`);
    expect(wrong.statusCode).toBe(403);
    await wrong.body.dump();
    const ok = await request(server.url);
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toContain('GradeDesk');
    const csp = String(ok.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    // the page's assets load with the cookie the page got
    const asset = await request(`${server.origin}/assets/app.js`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(asset.statusCode).toBe(200);
    expect(String(asset.headers['content-type'])).toContain('javascript');
    await asset.body.dump();
  });

  it('refuses another Host (DNS rebinding), traversal and symlinks out of the folder', async () => {
    const rebinding = await request(server.url, { headers: { host: `evil.example:${server.port}` } });
    expect(rebinding.statusCode).toBe(421);
    await rebinding.body.dump();
    for (const path of ['/%2e%2e/secret.txt', '/link.txt', '/assets/../../secret.txt']) {
      const res = await request(`${server.origin}${path}?token=T0KEN`);
      expect(res.statusCode).toBe(404);
      expect(await res.body.text()).not.toContain('outside');
    }
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    await expect(connect('/bridge')).rejects.toThrow(/403/);
    await expect(connect('/bridge?token=bad')).rejects.toThrow(/403/);
    await expect(connect('/bridge?token=T0KEN', { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(connect('/bridge?token=T0KEN', {})).rejects.toThrow(/403/);
  });

  it('routes requests through the validating router and pushes events', async () => {
    const ws = await connect('/bridge?token=T0KEN');
    const events: unknown[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { event?: string };
      if (msg.event) events.push(msg);
    });
    expect(await call(ws, 1, 'getAppInfo', {})).toMatchObject({ id: 1, result: { ok: true, data: { mode: 'browser' } } });
    expect(await call(ws, 2, 'checkModel', { modelId: 7 })).toMatchObject({ id: 2, result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    expect(await call(ws, 3, 'dropTables', {})).toMatchObject({ id: 3, result: { ok: false, error: { code: 'UNKNOWN_ROUTE' } } });
    expect(await call(ws, 4, 'checkModel', { modelId: 'm' })).toMatchObject({ id: 4, result: { ok: true } });
    expect(events).toEqual([expect.objectContaining({ event: 'modelChecked', payload: expect.objectContaining({ modelId: 'm' }) })]);
  });
});

describe('browser mode server under bad input', () => {
  it('survives a request line it cannot parse, a route that is not a name, and an oversized frame', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: server.port }, () => {
        socket.write(`GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 (400|403)/);

    const ws = await connect('/bridge?token=T0KEN');
    ws.send(JSON.stringify({ id: 9, route: { toString: 1 }, input: {} }));
    const reply = await new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    expect(reply).toMatchObject({ id: 9, result: { ok: false, error: { code: 'UNKNOWN_ROUTE' } } });

    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.send('x'.repeat(8 * 1024 * 1024));
    await closed;
    // The server is still there for the next connection.
    const again = await connect('/bridge?token=T0KEN');
    expect(await call(again, 1, 'getAppInfo', {})).toMatchObject({ id: 1, result: { ok: true } });
  });
});

describe('resolveStaticPath', () => {
  it('maps inside paths and refuses everything else', () => {
    expect(resolveStaticPath(rendererDir, '/')).toBe(join(rendererDir, 'index.html'));
    expect(resolveStaticPath(rendererDir, '/assets/app.js')).toBe(join(rendererDir, 'assets', 'app.js'));
    for (const bad of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/a\\..\\b', '/%00', '/%E0%A4%A', '/link.txt']) {
      expect(resolveStaticPath(rendererDir, bad), bad).toBeNull();
    }
  });
});
