import {
  eventChannel,
  invokeChannel,
  isEventName,
  routeNames,
  type GradeDeskApi,
  type IpcResult,
} from '../../shared/ipc/contract.ts';

/**
 * The Electron side of `window.gradedesk` (the browser-mode client is the other one): verbs
 * and unsubscribable events derived from the IPC contract, never `ipcRenderer` itself.
 *
 * Bundled to CommonJS by esbuild, because a sandboxed preload cannot be an ES module: no
 * `import.meta`, no top-level await.
 */

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's `ipcRenderer` the bridge uses; tests pass a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

/** Answered instead of a rejected promise, which would lose everything but a message. */
const UNREACHABLE: IpcResult<never> = Object.freeze({
  ok: false,
  error: Object.freeze({
    code: 'BRIDGE_CLOSED',
    message: 'The GradeDesk window could not reach the app. Restart GradeDesk; if it happens again, the details are in the log.',
  }),
}) as IpcResult<never>;

/**
 * Builds the frozen `window.gradedesk` object: one function per route that invokes the route's
 * channel with its input, and `on(event, listener)` that hands the listener the payload only
 * (never the IPC event, which would leak `sender`) and returns an unsubscribe that removes
 * exactly that subscription. An unknown event name or a non-function listener throws.
 */
export function buildGradeDeskApi(ipc: IpcRendererLike): GradeDeskApi {
  const verbs: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const route of routeNames) {
    const channel = invokeChannel(route);
    verbs[route] = (input) => ipc.invoke(channel, input).catch(() => UNREACHABLE);
  }
  const on: GradeDeskApi['on'] = (event, listener) => {
    if (!isEventName(event)) throw new TypeError(`GradeDesk has no event called ${JSON.stringify(String(event))}.`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    const channel = eventChannel(event);
    const wrapper: IpcListener = (_event, payload) => listener(payload as Parameters<typeof listener>[0]);
    ipc.on(channel, wrapper);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, wrapper);
    };
  };
  // The verbs are built from the route list at run time; the contract's types are what the
  // main process answers (the router validates input and always resolves an IpcResult).
  return Object.freeze({ ...(verbs as Omit<GradeDeskApi, 'on'>), on } satisfies GradeDeskApi);
}
