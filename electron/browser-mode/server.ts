import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { EventListener, Handlers, Unsubscribe } from '../../shared/ipc/contract.ts';
import { createRouter } from '../ipc/router.ts';
import { contentSecurityPolicy } from '../serve/content-security-policy.ts';
import { contentTypeOf, resolveStaticPath } from '../serve/static-files.ts';
import { accessRules, HOST, type AccessRules } from './access.ts';
import { attachBridgeSocket } from './bridge-socket.ts';
import { EXPORTS_PREFIX, exportedFilePath, sendExportedFile } from './exports-download.ts';

/** What browser mode serves: a handler for every route, and the app's events. */
interface ServedApp {
  readonly handlers: Handlers;
  onEvent(listener: EventListener): Unsubscribe;
}

export interface BrowserModeOptions {
  app: ServedApp;
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed only in tests; otherwise 32 random bytes. */
  token?: string;
  onInternalError?: (route: string, error: unknown) => void;
  /** The exports folder (`<data folder>/exports`): its files are offered as downloads. */
  exportsDir?: string;
}

export interface BrowserModeServer {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(message);
}

/** An HTTP server on loopback, with its open sockets tracked so that close() need not wait for keep-alives. */
async function listenOnLoopback(port: number): Promise<{ server: Server; sockets: Set<Socket>; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  return { server, sockets, port: (server.address() as AddressInfo).port };
}

/**
 * The page and its assets: GET and HEAD only, with the token, from `rendererDir` only, each
 * answer with the CSP and the cookie that lets the page load the rest without the token.
 */
function serveRenderer(rendererDir: string, access: AccessRules, token: string, csp: string, exportsDir: string | null) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      if (!access.isAllowedHost(req.headers.host)) return refuse(res, 421, 'Wrong host.');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
      const url = new URL(req.url ?? '/', access.origin);
      if (!access.hasToken(req, url)) return refuse(res, 403, 'Open the URL that `npm run preview` printed (it carries the token).');
      if (url.pathname.startsWith(EXPORTS_PREFIX)) {
        const exported = exportsDir === null ? null : await exportedFilePath(exportsDir, url.pathname);
        return exported === null ? refuse(res, 404, 'Not found.') : sendExportedFile(res, req, exported);
      }
      const file = resolveStaticPath(rendererDir, url.pathname);
      if (file === null || !(await stat(file).then((s) => s.isFile(), () => false))) return refuse(res, 404, 'Not found.');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': contentTypeOf(file),
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cache-control': 'no-store',
        'set-cookie': `${access.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.destroy();
    });
  };
}

/**
 * Browser mode: the real renderer against the real core, in any Chromium, without the Electron
 * binary. Only loopback; every request needs the random token and must name this server in its
 * Host and Origin headers (access.ts).
 */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const { server, sockets, port } = await listenOnLoopback(options.port ?? 0);
  const access = accessRules(port, token);
  const csp = contentSecurityPolicy({ connectSrc: [`ws://${HOST}:${port}`, `ws://localhost:${port}`] });
  const router = createRouter(options.app.handlers, {
    isTrustedSender: (sender) => sender.isMainFrame && access.isAllowedOrigin(sender.url),
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });

  server.on('request', serveRenderer(options.rendererDir, access, token, csp, options.exportsDir ?? null));
  const bridge = attachBridgeSocket(server, access, router);
  const unsubscribe = options.app.onEvent((event, payload) => bridge.broadcast({ event, payload }));

  let closing: Promise<void> | null = null;
  return {
    url: `${access.origin}/?token=${encodeURIComponent(token)}`,
    origin: access.origin,
    token,
    port,
    close() {
      closing ??= (async () => {
        unsubscribe();
        bridge.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
