import { EventEmitter } from 'node:events';

/**
 * A recording stand-in for the main-process `electron` module, enough for main.ts to run under
 * plain Node. It behaves like Electron where a mistake would matter (privileged schemes after
 * ready throw, a second handler on one channel throws, BrowserWindow announces its webContents
 * through 'web-contents-created') and records everything else in `log` and on the fakes.
 */

export interface FakeFrame {
  url: string;
  detached?: boolean;
}

export interface NavigationEvent {
  url: string;
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function navigationEvent(url: string): NavigationEvent {
  return {
    url,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame = { url: '' };
  windowOpenHandler: ((details: unknown) => unknown) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  setWindowOpenHandler(handler: (details: unknown) => unknown): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}

export interface FakeElectronOptions {
  appPath: string;
  userData: string;
  /** What `requestSingleInstanceLock` answers. */
  gotLock?: boolean;
}

export function createFakeElectron(options: FakeElectronOptions) {
  const log: string[] = [];
  let ready = false;
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  class FakeApp extends EventEmitter {
    quitCalls = 0;
    sandboxEnabled = false;
    whenReady(): Promise<void> {
      return readyPromise;
    }
    isReady(): boolean {
      return ready;
    }
    getAppPath(): string {
      return options.appPath;
    }
    getPath(name: string): string {
      if (name !== 'userData') throw new Error(`fake app.getPath: unexpected ${name}`);
      return options.userData;
    }
    getVersion(): string {
      return '0.1.0-test';
    }
    requestSingleInstanceLock(): boolean {
      log.push('app.requestSingleInstanceLock');
      return options.gotLock ?? true;
    }
    enableSandbox(): void {
      if (ready) throw new Error('app.enableSandbox() must be called before ready');
      log.push('app.enableSandbox');
      this.sandboxEnabled = true;
    }
    quit(): void {
      log.push('app.quit');
      this.quitCalls += 1;
    }
    /** Test control: Electron finished starting. */
    emitReady(): void {
      ready = true;
      log.push('app.ready');
      this.emit('ready');
      resolveReady();
    }
  }
  const app = new FakeApp();

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends EventEmitter {
    readonly options: Record<string, unknown>;
    readonly webContents = new FakeWebContents();
    loadedUrls: string[] = [];
    shown = false;
    destroyed = false;
    constructor(windowOptions: Record<string, unknown>) {
      super();
      if (!ready) throw new Error('BrowserWindow cannot be created before ready');
      log.push('new BrowserWindow');
      this.options = windowOptions;
      windows.push(this);
      app.emit('web-contents-created', { preventDefault() {} }, this.webContents);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((window) => !window.destroyed);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrls.push(url);
      this.webContents.mainFrame.url = url;
    }
    show(): void {
      this.shown = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
  }

  type InvokeListener = (event: unknown, ...args: unknown[]) => unknown;
  const ipcMain = {
    handlers: new Map<string, InvokeListener>(),
    handleCalls: [] as string[],
    handle(channel: string, listener: InvokeListener): void {
      this.handleCalls.push(channel);
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, listener);
    },
    removeHandler(channel: string): void {
      this.handlers.delete(channel);
    },
    on(): never {
      throw new Error('main.ts must use ipcMain.handle only');
    },
  };

  type ProtocolHandler = (request: { url: string; method: string }) => Promise<Response> | Response;
  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, ProtocolHandler>(),
    registerSchemesAsPrivileged(schemes: unknown[]): void {
      if (ready) throw new Error('registerSchemesAsPrivileged must be called before ready');
      log.push('protocol.registerSchemesAsPrivileged');
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: ProtocolHandler): void {
      log.push(`protocol.handle:${scheme}`);
      this.handlers.set(scheme, handler);
    },
  };

  type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
  const defaultSession = {
    permissionRequestHandler: null as PermissionRequestHandler | null,
    permissionCheckHandler: null as ((...args: unknown[]) => boolean) | null,
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      log.push('session.setPermissionRequestHandler');
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
      log.push('session.setPermissionCheckHandler');
      this.permissionCheckHandler = handler;
    },
  };

  const safeStorage = {
    isEncryptionAvailable: () => true,
    encryptString: (text: string) => Buffer.from(`enc:${text}`, 'utf8'),
    decryptString: (buffer: Buffer) => buffer.toString('utf8').replace(/^enc:/, ''),
  };

  const dialog = {
    errors: [] as Array<{ title: string; content: string }>,
    showErrorBox(title: string, content: string): void {
      this.errors.push({ title, content });
    },
  };

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    protocol,
    session: { defaultSession },
    safeStorage,
    dialog,
  };

  return { module, app, windows, ipcMain, protocol, defaultSession, dialog, log };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
