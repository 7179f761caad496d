/**
 * The HTTP server: routing, socket bookkeeping and shutdown. It binds 127.0.0.1 only — the
 * simulator has no authentication worth the name and must never be reachable from the LAN.
 *
 * Routes (all also under `/api/v1`, OpenRouter's prefix):
 *   POST /v1/chat/completions   JSON or SSE, see chat.ts
 *   GET  /v1/models             OpenRouter-style catalog with per-token prices as strings
 *   GET  /v1/generation?id=     what a generation was billed (404 if unknown)
 *   GET  /v1/key                OpenRouter-style credits of the calling key
 *   GET  /__sim/ledger | /__sim/requests, POST /__sim/profile | /__sim/reset
 *                               control routes of the out-of-process handle, loopback only
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { modelsListing } from './catalog.ts';
import { handleChat } from './chat.ts';
import { FaultProfileError } from './fault-profile.ts';
import { bearerOf, isLoopback, readBody, sendJson } from './http-util.ts';
import { SimulatorState } from './state.ts';
import type { FaultProfile, SimulatorHandle, SimulatorOptions } from './types.ts';

export const HOST = '127.0.0.1';

function notFound(res: ServerResponse, message: string): void {
  sendJson(res, 404, { error: { message, type: 'invalid_request_error', code: 'not_found', param: null } });
}

async function route(state: SimulatorState, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const path = url.pathname.replace(/^\/api\/v1\//, '/v1/').replace(/\/+$/, '');
  const method = req.method ?? 'GET';

  if (path.startsWith('/__sim/')) return control(state, path, method, req, res);
  if (path === '/v1/chat/completions') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    return handleChat(state, req, res, signal);
  }
  if (method !== 'GET') return methodNotAllowed(res, 'GET');
  if (path === '/v1/models') return sendJson(res, 200, modelsListing(state.models));
  if (path === '/v1/generation') {
    const id = url.searchParams.get('id') ?? '';
    const entry = state.ledger.get(id);
    if (entry === undefined) return notFound(res, `Generation ${id} not found.`);
    return sendJson(res, 200, {
      data: {
        id: entry.id,
        model: entry.model,
        created_at: new Date(entry.at).toISOString(),
        tokens_prompt: entry.promptTokens,
        tokens_completion: entry.completionTokens,
        native_tokens_prompt: entry.promptTokens,
        native_tokens_completion: entry.completionTokens,
        native_tokens_cached: entry.cachedTokens,
        total_cost: entry.costUsd,
        usage: entry.costUsd,
        streamed: entry.streamed,
        finish_reason: entry.finishReason,
        provider_name: 'Simulator',
      },
    });
  }
  if (path === '/v1/key') {
    const key = bearerOf(req);
    if (key === null || (state.keys !== null && !Object.hasOwn(state.keys, key))) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided.', type: 'authentication_error', code: 'invalid_api_key', param: null } });
    }
    const limit = state.keys?.[key]?.credits_usd ?? null;
    const usage = state.ledger.spentBy(key);
    return sendJson(res, 200, {
      data: { label: 'simulated key', usage, limit, limit_remaining: limit === null ? null : limit - usage, is_free_tier: false },
    });
  }
  return notFound(res, `No route ${method} ${url.pathname}.`);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: { message: `Use ${allow}.`, type: 'invalid_request_error', code: 'method_not_allowed', param: null } }, { allow });
}

async function control(state: SimulatorState, path: string, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    return sendJson(res, 403, { error: { message: 'Control routes answer loopback only.', type: 'forbidden', code: 'forbidden', param: null } });
  }
  if (path === '/__sim/ledger' && method === 'GET') return sendJson(res, 200, state.ledger.report());
  if (path === '/__sim/requests' && method === 'GET') return sendJson(res, 200, state.requests());
  if (path === '/__sim/reset' && method === 'POST') {
    state.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/__sim/profile' && method === 'POST') {
    try {
      state.setProfile(JSON.parse((await readBody(req)).toString('utf8')));
    } catch (error) {
      const message = error instanceof FaultProfileError || error instanceof SyntaxError ? error.message : String(error);
      return sendJson(res, 400, { error: { message, type: 'invalid_request_error', code: 'invalid_profile', param: null } });
    }
    return sendJson(res, 200, { ok: true });
  }
  return notFound(res, `No control route ${method} ${path}.`);
}

/**
 * Starts a simulator on 127.0.0.1 (a random port unless `options.port` is given). Rejects
 * with a FaultProfileError for an invalid `options.profile`.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const state = new SimulatorState(options);
  const sockets = new Set<Socket>();
  const active = new Set<AbortController>();
  const server = createServer((req, res) => {
    // One abort signal per request: fired if the client goes away early or the server closes.
    const request = new AbortController();
    active.add(request);
    res.on('error', () => undefined);
    res.on('close', () => {
      active.delete(request);
      if (!res.writableFinished) request.abort();
    });
    route(state, req, res, request.signal).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, { error: { message, type: 'server_error', code: 'simulator_bug', param: null } });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  const port = address.port;

  let closed: Promise<void> | null = null;
  return {
    baseUrl: `http://${HOST}:${port}/v1`,
    port,
    ledger: () => state.ledger.report(),
    requests: () => state.requests(),
    setProfile: (profile: FaultProfile) => state.setProfile(profile),
    reset: () => state.reset(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const request of active) request.abort();
        state.timers.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
