/**
 * A fake ipcMain/ipcRenderer pair that behaves like Electron where it matters for the bridge:
 * arguments and results cross by structured clone (functions and class instances do not
 * survive), and the sender frame of every invoke is the given URL in the main frame.
 */
type Handler = (event: unknown, ...args: unknown[]) => unknown;
type Listener = (event: unknown, ...args: unknown[]) => void;

export function createFakeIpcPair(frameUrl: string, isMainFrame = true) {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<Listener>>();
  const mainFrame = { url: frameUrl };
  const senderFrame = isMainFrame ? mainFrame : { url: frameUrl };
  const event = { senderFrame, sender: { mainFrame } };

  const ipcMain = {
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler(event, ...structuredClone(args)));
    },
    on(channel: string, listener: Listener) {
      const set = listeners.get(channel) ?? new Set<Listener>();
      listeners.set(channel, set);
      set.add(listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  };
  return {
    ipcMain,
    ipcRenderer,
    handlers,
    /** webContents.send from the main process. */
    send(channel: string, payload: unknown) {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipc-renderer-event' }, structuredClone(payload));
    },
  };
}
