import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeMessage, BridgeRequest } from '../../shared/ipc/contract.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { GradeDeskApp } from '../app/create-app.ts';
import { createRouter, type Router } from '../ipc/router.ts';
import { contentSecurityPolicy } from '../serve/content-security-policy.ts';
import { contentTypeOf, resolveStaticPath } from '../serve/static-files.ts';

export interface BrowserModeOptions {
  app: Pick<GradeDeskApp, 'handlers' | 'onEvent'>;
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed only in tests; otherwise 32 random bytes. */
  token?: string;
  onInternalError?: (route: string, error: unknown) => void;
}

export interface BrowserModeServer {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(message);
}

/**
 * Browser mode: the real renderer against the real core, in any Chromium, without the Electron
 * binary. Only loopback; every request needs the random token (in the URL once, then in a
 * SameSite=Strict cookie for the page's own assets); the Host and Origin headers must name this
 * server, which keeps other sites and DNS-rebinding pages out.
 */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const sockets = new Set<Socket>();
  const clients = new Set<WebSocket>();
  const server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  const allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([origin, `http://localhost:${port}`]);
  const cookieName = `gradedesk_token_${port}`;
  const csp = contentSecurityPolicy({ connectSrc: [`ws://${HOST}:${port}`, `ws://localhost:${port}`] });

  const router: Router = createRouter(options.app.handlers, {
    isTrustedSender: (sender) => sender.isMainFrame && allowedOrigins.has(sender.url),
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });

  const hasToken = (req: IncomingMessage, url: URL): boolean => {
    const fromQuery = url.searchParams.get('token');
    const fromCookie = cookieValue(req.headers.cookie, cookieName);
    return (fromQuery !== null && sameSecret(fromQuery, token)) || (fromCookie !== null && sameSecret(fromCookie, token));
  };

  server.on('request', (req, res) => {
    void (async () => {
      if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 421, 'Wrong host.');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
      const url = new URL(req.url ?? '/', origin);
      if (!hasToken(req, url)) return refuse(res, 403, 'Open the URL that `npm run preview` printed (it carries the token).');
      const file = resolveStaticPath(options.rendererDir, url.pathname);
      if (file === null || !(await stat(file).then((s) => s.isFile(), () => false))) return refuse(res, 404, 'Not found.');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': contentTypeOf(file),
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cache-control': 'no-store',
        'set-cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.destroy();
    });
  });

  // Generous enough that any request the browser client lets through (UTF-8 is at most 3 bytes
  // per UTF-16 unit) reaches the router, which answers PAYLOAD_TOO_LARGE with a code.
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.requestBytes * 4 });
  server.on('upgrade', (req, socket, head) => {
    // Runs outside any promise: a request line URL cannot parse must be refused, not thrown.
    const url = URL.canParse(req.url ?? '/', origin) ? new URL(req.url ?? '/', origin) : null;
    const reqOrigin = req.headers.origin ?? '';
    if (
      url === null ||
      url.pathname !== '/bridge' ||
      !allowedHosts.has(req.headers.host ?? '') ||
      !allowedOrigins.has(reqOrigin) ||
      !hasToken(req, url)
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // An oversized or malformed frame ends this connection, never the server.
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let message: BridgeRequest;
        try {
          message = JSON.parse(data.toString()) as BridgeRequest;
        } catch {
          return;
        }
        if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
        void router
          .handle(message.route, message.input, { url: reqOrigin, isMainFrame: true })
          .then((result) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, result } satisfies BridgeMessage));
          })
          .catch(() => ws.terminate());
      });
    });
  });

  const unsubscribe = options.app.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload } satisfies BridgeMessage);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    token,
    port,
    close() {
      closing ??= (async () => {
        unsubscribe();
        for (const ws of clients) ws.terminate();
        wss.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
