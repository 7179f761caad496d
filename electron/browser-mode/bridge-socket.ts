import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeMessage, BridgeRequest } from '../../shared/ipc/contract.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { Router } from '../ipc/router.ts';
import type { AccessRules } from './access.ts';

/** The loopback WebSocket at `/bridge`: requests to the router, answers and events back. */
interface BridgeSocket {
  /** Sends a message to every open page. */
  broadcast(message: BridgeMessage): void;
  /** Ends every connection and stops accepting new ones. */
  close(): void;
}

/** Answers each request of one page through the router; anything that is not a request is ignored. */
function answerRequests(ws: WebSocket, router: Router, pageOrigin: string): void {
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
      .handle(message.route, message.input, { url: pageOrigin, isMainFrame: true })
      .then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, result } satisfies BridgeMessage));
      })
      .catch(() => ws.terminate());
  });
}

/** Upgrades `/bridge` requests that pass the access rules; every other upgrade gets a 403. */
export function attachBridgeSocket(server: Server, access: AccessRules, router: Router): BridgeSocket {
  const clients = new Set<WebSocket>();
  // Generous enough that any request the browser client lets through (UTF-8 is at most 3 bytes
  // per UTF-16 unit) reaches the router, which answers PAYLOAD_TOO_LARGE with a code.
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.requestBytes * 4 });
  server.on('upgrade', (req, socket, head) => {
    // Runs outside any promise: a request line URL cannot parse must be refused, not thrown.
    const url = URL.canParse(req.url ?? '/', access.origin) ? new URL(req.url ?? '/', access.origin) : null;
    const reqOrigin = req.headers.origin ?? '';
    if (
      url === null ||
      url.pathname !== '/bridge' ||
      !access.isAllowedHost(req.headers.host) ||
      !access.isAllowedOrigin(reqOrigin) ||
      !access.hasToken(req, url)
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // An oversized or malformed frame ends this connection, never the server.
      ws.on('error', () => ws.terminate());
      answerRequests(ws, router, reqOrigin);
    });
  });
  return {
    broadcast(message) {
      const text = JSON.stringify(message);
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close() {
      for (const ws of clients) ws.terminate();
      wss.close();
    },
  };
}
