import { invokeChannel, type RouteName } from '../../shared/ipc/contract.ts';
import type { Router, SenderInfo } from '../ipc/router.ts';

/**
 * The Electron transport of the router: one `ipcMain.handle` per route of the contract, each
 * turning the IPC event into a `SenderInfo` the router judges before anything else. Typed
 * structurally (no `electron` import) so tests pass fakes; main.ts passes the real `ipcMain`.
 */

/** The part of Electron's `WebFrameMain` used to judge a sender. */
export interface FrameLike {
  readonly url: string;
  /** Electron ≥ 34: the frame has navigated away or was destroyed. */
  readonly detached?: boolean;
}

/** The part of Electron's `IpcMainInvokeEvent` used to judge a sender. */
export interface IpcInvokeEventLike {
  /** null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: FrameLike | null;
  readonly sender: { readonly mainFrame: FrameLike };
}

/**
 * The event is typed `unknown` on purpose: the transport does not rely on its shape
 * (`senderInfoFromEvent` turns anything unexpected into an untrusted sender), and any fake or
 * real `ipcMain` whose listener receives some event fits. Electron awaits the return value.
 */
export type IpcInvokeListener = (event: unknown, ...args: unknown[]) => unknown;

/** The part of Electron's `ipcMain` the transport uses. */
export interface IpcMainLike {
  handle(channel: string, listener: IpcInvokeListener): void;
  removeHandler(channel: string): void;
}

/** What an unidentifiable sender looks like to the router: never trusted. */
const UNKNOWN_SENDER: SenderInfo = Object.freeze({ url: '', isMainFrame: false });

/**
 * The sender of an IPC message as the router sees it. A missing, detached or destroyed frame
 * (reading its properties can throw once it is disposed) yields an untrusted sender, so a
 * message from a page that is already gone is refused rather than attributed to its successor.
 */
export function senderInfoFromEvent(event: IpcInvokeEventLike): SenderInfo {
  try {
    const frame = event.senderFrame;
    if (frame === null || frame === undefined || frame.detached === true) return UNKNOWN_SENDER;
    const url = frame.url;
    if (typeof url !== 'string') return UNKNOWN_SENDER;
    return { url, isMainFrame: frame === event.sender.mainFrame };
  } catch {
    return UNKNOWN_SENDER;
  }
}

/**
 * Registers one invoke handler per route (duplicates in `routeNames` are registered once) and
 * returns a function that removes them all. Only the first argument after the event is the
 * input; the router answers `IpcResult` and never throws, so `invoke` never rejects because of
 * a handler.
 */
export function registerIpcRoutes(
  ipcMain: IpcMainLike,
  router: Router,
  routeNames: readonly RouteName[],
): () => void {
  const channels: string[] = [];
  try {
    for (const route of new Set(routeNames)) {
      const channel = invokeChannel(route);
      ipcMain.handle(channel, (event, input) =>
        router.handle(route, input, senderInfoFromEvent(event as IpcInvokeEventLike)),
      );
      channels.push(channel);
    }
  } catch (error) {
    // Electron throws when a channel already has a handler: leave nothing half-registered.
    for (const channel of channels) ipcMain.removeHandler(channel);
    throw error;
  }
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
