import type {
  BridgeMessage,
  EventName,
  EventPayload,
  GradeDeskApi,
  IpcResult,
  RouteName,
} from '../../../shared/ipc/contract.ts';
import { isEventName, routeNames } from '../../../shared/ipc/contract.ts';
import { LIMITS } from '../../../shared/ipc/common.ts';

/** What the browser client needs from a WebSocket; lets tests use a Node `ws` socket. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

/**
 * The browser-mode implementation of `GradeDeskApi`: the same verbs as the Electron preload,
 * carried over the loopback WebSocket that `npm run preview` serves. A request made before the
 * socket opens waits for it; a closed socket answers every pending and later call with
 * BRIDGE_CLOSED instead of leaving promises hanging.
 */
export function createBrowserBridge(socket: SocketLike): GradeDeskApi {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const opened = new Promise<void>((resolve) => {
    if (socket.readyState === OPEN) resolve();
    else socket.addEventListener('open', () => resolve());
  });

  const closedResult: IpcResult<never> = {
    ok: false,
    error: { code: 'BRIDGE_CLOSED', message: 'The connection to GradeDesk was lost. Reload the page.' },
  };
  const onClosed = (): void => {
    closed = true;
    for (const resolve of pending.values()) resolve(closedResult);
    pending.clear();
  };
  socket.addEventListener('close', onClosed);
  socket.addEventListener('error', onClosed);

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: BridgeMessage;
    try {
      message = JSON.parse(event.data) as BridgeMessage;
    } catch {
      return;
    }
    if ('id' in message) {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.result);
    } else if (isEventName(message.event)) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  });

  const invoke = async (route: RouteName, input: unknown): Promise<IpcResult<unknown>> => {
    await opened;
    if (closed) return closedResult;
    const id = nextId++;
    const text = JSON.stringify({ id, route, input });
    // The server drops a socket that sends more than it accepts; answer like the router does
    // instead of losing the connection.
    if (text.length > LIMITS.requestBytes) {
      return { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `The request is larger than ${LIMITS.requestBytes} bytes.` } };
    }
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(text);
    });
  };

  const api: Record<string, unknown> = {};
  for (const route of routeNames) api[route] = (input: unknown) => invoke(route, input);
  api.on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}".`);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const wrapped = (payload: unknown): void => listener(payload as EventPayload<E>);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  };
  return Object.freeze(api) as GradeDeskApi;
}

/** The token travels in the page URL (`?token=`) and is handed on to the socket. */
export function bridgeUrlFromLocation(location: { host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return `ws://${location.host}/bridge?token=${encodeURIComponent(token)}`;
}
