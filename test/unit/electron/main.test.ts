import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as ErrorsModuleType from '../../../shared/errors.ts';
import { eventChannel, invokeChannel, routeNames } from '../../../shared/ipc/contract.ts';
import { contentSecurityPolicy } from '../../../electron/serve/content-security-policy.ts';
import { webPreferencesFor } from '../../../electron/shell/security.ts';
import { createFakeElectron, FakeWebContents, navigationEvent, type FakeElectron } from './fake-electron.ts';
import { createFakeCore, type FakeCore } from './fake-app.ts';

// main.ts runs at import time, so every scenario loads a fresh copy against fresh fakes:
// vi.doMock is vi.mock without hoisting, paired with vi.resetModules.

const INDEX_HTML = '<!doctype html><title>GradeDesk</title><script type="module" src="./assets/app.js"></script>';
const SECRET = 'TOP-SECRET-OUTSIDE-RENDERER';

interface Loaded {
  electron: FakeElectron;
  core: FakeCore;
  root: string;
  appPath: string;
  userData: string;
}

const roots: string[] = [];
const originalArgv = process.argv;

afterEach(async () => {
  process.argv = originalArgv;
  vi.unstubAllEnvs();
  vi.doUnmock('electron');
  vi.doUnmock('../../../electron/app/create-app.ts');
  vi.restoreAllMocks();
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

type ErrorsModule = typeof ErrorsModuleType;

async function loadMain(
  options: {
    gotLock?: boolean;
    /** Built from the freshly loaded errors module, so `instanceof AppError` holds inside main.ts. */
    failWith?: (errors: ErrorsModule) => Error;
    argv?: string[];
    env?: Record<string, string>;
  } = {},
): Promise<Loaded> {
  const root = await mkdtemp(join(tmpdir(), 'gradedesk-main-'));
  roots.push(root);
  const appPath = join(root, 'app');
  const userData = join(root, 'userData');
  await mkdir(join(appPath, 'dist', 'renderer', 'assets'), { recursive: true });
  await mkdir(userData, { recursive: true });
  await writeFile(join(appPath, 'dist', 'renderer', 'index.html'), INDEX_HTML);
  await writeFile(join(appPath, 'dist', 'renderer', 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(appPath, 'dist', 'secret.txt'), SECRET);
  await writeFile(join(root, 'secret.txt'), SECRET);

  vi.stubEnv('GRADEDESK_CONFIG', '');
  vi.stubEnv('GRADEDESK_DB', '');
  for (const [name, value] of Object.entries(options.env ?? {})) vi.stubEnv(name, value);
  process.argv = [originalArgv[0] ?? 'electron', '.', ...(options.argv ?? [])];
  vi.spyOn(console, 'error').mockImplementation(() => undefined);

  const electron = createFakeElectron({ appPath, userData, gotLock: options.gotLock ?? true });
  vi.resetModules();
  const errors: ErrorsModule = await import('../../../shared/errors.ts');
  const core = createFakeCore(options.failWith ? { failWith: options.failWith(errors) } : {});
  vi.doMock('electron', () => electron.module);
  vi.doMock('../../../electron/app/create-app.ts', () => ({ createApp: core.createApp }));
  await import('../../../electron/shell/main.ts');
  return { electron, core, root, appPath, userData };
}

async function startMain(options: Parameters<typeof loadMain>[0] = {}): Promise<Loaded> {
  const loaded = await loadMain(options);
  loaded.electron.app.emitReady();
  await vi.waitFor(() => expect(loaded.electron.windows).toHaveLength(1));
  return loaded;
}

function onlyWindow(electron: FakeElectron) {
  expect(electron.windows).toHaveLength(1);
  return electron.windows[0]!;
}

function invokeHandler(electron: FakeElectron, route: string) {
  const handler = electron.ipcMain.handlers.get(invokeChannel(route as never));
  if (!handler) throw new Error(`no handler for ${route}`);
  return handler;
}

describe('main.ts before ready', () => {
  it('registers the privileged app scheme, sandboxes everything and takes the single-instance lock', async () => {
    const { electron } = await loadMain();
    expect(electron.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false } },
    ]);
    expect(electron.app.sandboxEnabled).toBe(true);
    expect(electron.log).toContain('app.requestSingleInstanceLock');
    // Nothing that needs a ready app has happened yet.
    expect(electron.windows).toHaveLength(0);
    expect(electron.protocol.handlers.size).toBe(0);
    expect(electron.ipcMain.handleCalls).toEqual([]);
  });

  it('quits without starting when another instance holds the lock', async () => {
    const { electron, core } = await loadMain({ gotLock: false });
    expect(electron.app.quitCalls).toBe(1);
    electron.app.emitReady();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(electron.windows).toHaveLength(0);
    expect(core.created).toHaveLength(0);
    expect(electron.app.listenerCount('web-contents-created')).toBe(0);
  });
});

describe('main.ts on ready', () => {
  it('creates exactly one window with the secure web preferences and the bundled preload', async () => {
    const { electron, appPath } = await startMain();
    const window = onlyWindow(electron);
    const preload = join(appPath, 'dist-electron', 'preload.cjs');
    expect(window.options.webPreferences).toEqual(webPreferencesFor(preload));
    expect(window.options.webPreferences).toEqual({
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
    expect(window.options.show).toBe(false);
    expect(typeof window.options.backgroundColor).toBe('string');
    expect(window.loadedUrls).toEqual(['app://gradedesk/index.html']);
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('registers the scheme before ready, and locks permissions and serves app:// before the window exists', async () => {
    const { electron } = await startMain();
    const at = (entry: string) => electron.log.indexOf(entry);
    expect(at('protocol.registerSchemesAsPrivileged')).toBeGreaterThanOrEqual(0);
    expect(at('protocol.registerSchemesAsPrivileged')).toBeLessThan(at('app.ready'));
    expect(at('app.enableSandbox')).toBeLessThan(at('app.ready'));
    for (const step of ['session.setPermissionRequestHandler', 'session.setPermissionCheckHandler', 'protocol.handle:app']) {
      expect(at(step)).toBeGreaterThan(at('app.ready'));
      expect(at(step)).toBeLessThan(at('new BrowserWindow'));
    }
    expect(electron.log.filter((entry) => entry === 'new BrowserWindow')).toHaveLength(1);
  });

  it('registers every route exactly once with ipcMain.handle, and nothing else', async () => {
    const { electron } = await startMain();
    const expected = routeNames.map((route) => invokeChannel(route));
    expect([...electron.ipcMain.handleCalls].sort()).toEqual([...expected].sort());
    expect(electron.ipcMain.handleCalls).toHaveLength(routeNames.length);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...expected].sort());
  });

  it('passes the paths, mode and secret store to the core', async () => {
    const { core, userData } = await startMain();
    expect(core.created).toHaveLength(1);
    const options = core.created[0]!;
    expect(options).toMatchObject({
      configPath: null,
      dbPath: join(userData, 'gradedesk.db'),
      demo: false,
      mode: 'electron',
      version: '0.1.0-test',
    });
    // The secret store writes through safeStorage into userData, never in plain text.
    await options.secrets.set('OPENROUTER_API_KEY', 'sk-or-plain-value');
    expect(await options.secrets.get('OPENROUTER_API_KEY')).toBe('sk-or-plain-value');
    const onDisk = await readFile(join(userData, 'secrets.json'), 'utf8');
    expect(onDisk).toContain('OPENROUTER_API_KEY');
    expect(onDisk).not.toContain('sk-or-plain-value');
  });

  it('reads GRADEDESK_CONFIG, GRADEDESK_DB and --demo', async () => {
    const { core } = await startMain({
      env: { GRADEDESK_CONFIG: join('/tmp', 'gd-config.json'), GRADEDESK_DB: '/tmp/gd-test.db' },
      argv: ['--demo'],
    });
    expect(core.created[0]).toMatchObject({ configPath: '/tmp/gd-config.json', dbPath: '/tmp/gd-test.db', demo: true });
  });

  it('uses <userData>/config.json when it exists', async () => {
    const loaded = await loadMain();
    await writeFile(join(loaded.userData, 'config.json'), '{"models":{}}');
    loaded.electron.app.emitReady();
    await vi.waitFor(() => expect(loaded.core.created).toHaveLength(1));
    expect(loaded.core.created[0]!.configPath).toBe(join(loaded.userData, 'config.json'));
  });

  it('shows the error and quits when the core cannot start', async () => {
    const { electron } = await loadMain({
      failWith: ({ AppError }) => new AppError('DATABASE_TOO_NEW', 'This database was written by a newer GradeDesk.'),
    });
    electron.app.emitReady();
    await vi.waitFor(() => expect(electron.dialog.errors).toHaveLength(1));
    expect(electron.dialog.errors[0]!.content).toBe('This database was written by a newer GradeDesk.');
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toHaveLength(0);
    expect(electron.ipcMain.handleCalls).toEqual([]);
  });

  it('hides unexpected startup errors behind a teacher-readable message', async () => {
    const { electron } = await loadMain({ failWith: () => new Error('SQLITE_CANTOPEN at /home/x') });
    electron.app.emitReady();
    await vi.waitFor(() => expect(electron.dialog.errors).toHaveLength(1));
    expect(electron.dialog.errors[0]!.content).not.toContain('SQLITE_CANTOPEN');
  });
});

describe('main.ts IPC', () => {
  it('answers a trusted main-frame request through the router', async () => {
    const { electron, core } = await startMain();
    const contents = onlyWindow(electron).webContents;
    const trusted = { sender: contents, senderFrame: contents.mainFrame };

    await expect(invokeHandler(electron, 'getAppInfo')(trusted, {})).resolves.toEqual({
      ok: true,
      data: { version: '0.1.0-test', mode: 'electron', demo: false, configPath: null, configError: null },
    });
    await expect(invokeHandler(electron, 'checkModel')(trusted, { modelId: 'm1' })).resolves.toMatchObject({
      ok: true,
      data: { modelId: 'm1' },
    });
    expect(core.calls.map((call) => call.route)).toEqual(['getAppInfo', 'checkModel']);
    // The router validates the input before the handler sees it.
    await expect(invokeHandler(electron, 'checkModel')(trusted, { modelId: 7 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(core.calls).toHaveLength(2);
  });

  it('rejects sub-frames, other origins, and gone frames with SENDER_REJECTED before any handler runs', async () => {
    const { electron, core } = await startMain();
    const contents = onlyWindow(electron).webContents;
    const handler = invokeHandler(electron, 'getAppInfo');
    const rejected = { ok: false, error: { code: 'SENDER_REJECTED' } };

    const subFrame = { url: 'app://gradedesk/index.html' };
    await expect(handler({ sender: contents, senderFrame: subFrame }, {})).resolves.toMatchObject(rejected);
    await expect(handler({ sender: contents, senderFrame: null }, {})).resolves.toMatchObject(rejected);
    await expect(
      handler({ sender: contents, senderFrame: { url: 'app://gradedesk/index.html', detached: true } }, {}),
    ).resolves.toMatchObject(rejected);

    contents.mainFrame.url = 'https://evil.example/';
    await expect(handler({ sender: contents, senderFrame: contents.mainFrame }, {})).resolves.toMatchObject(rejected);
    contents.mainFrame.url = 'app://gradedesk.evil/index.html';
    await expect(handler({ sender: contents, senderFrame: contents.mainFrame }, {})).resolves.toMatchObject(rejected);
    contents.mainFrame.url = 'file:///index.html';
    await expect(handler({ sender: contents, senderFrame: contents.mainFrame }, {})).resolves.toMatchObject(rejected);

    expect(core.calls).toHaveLength(0);
  });

  it('forwards core events to the window on the event channel, payload only', async () => {
    const { electron, core } = await startMain();
    const contents = onlyWindow(electron).webContents;
    const payload = {
      modelId: 'm1',
      checkedAt: '2025-01-01T00:00:00.000Z',
      ok: false,
      latencyMs: null,
      httpStatus: 401,
      errorClass: 'auth',
      error: { code: 'INVALID_API_KEY', message: 'The key was refused.' },
    };
    core.emit('modelChecked', payload);
    expect(contents.sent).toEqual([{ channel: eventChannel('modelChecked'), args: [payload] }]);
  });
});

describe('main.ts hardening', () => {
  it('denies new windows, navigation and redirects away from the app, and webviews', async () => {
    const { electron } = await startMain();
    const contents = onlyWindow(electron).webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });

    const away = navigationEvent('https://example.com/');
    contents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);

    const lookalike = navigationEvent('app://gradedesk.evil/index.html');
    contents.emit('will-navigate', lookalike);
    expect(lookalike.defaultPrevented).toBe(true);

    const inside = navigationEvent('app://gradedesk/index.html#/history');
    contents.emit('will-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);

    const redirect = navigationEvent('http://127.0.0.1:9/');
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);

    const webview = navigationEvent('');
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
  });

  it('hardens every webContents, not only the main window', async () => {
    const { electron } = await startMain();
    const other = new FakeWebContents();
    electron.app.emit('web-contents-created', { preventDefault() {} }, other);
    expect(other.windowOpenHandler?.({})).toEqual({ action: 'deny' });
    const away = navigationEvent('https://example.com/');
    other.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
  });

  it('refuses every permission request and check but notifications from the app’s own page', async () => {
    const { electron } = await startMain();
    const { permissionRequestHandler, permissionCheckHandler } = electron.defaultSession;
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal']) {
      const answers: boolean[] = [];
      permissionRequestHandler?.({}, permission, (granted) => answers.push(granted), { requestingUrl: 'app://gradedesk/index.html' });
      expect(answers).toEqual([false]);
      expect(permissionCheckHandler?.(null, permission, 'app://gradedesk', {})).toBe(false);
    }
    const asked = (url: string | undefined): boolean[] => {
      const answers: boolean[] = [];
      permissionRequestHandler?.({}, 'notifications', (granted) => answers.push(granted), url === undefined ? {} : { requestingUrl: url });
      return answers;
    };
    expect(asked('app://gradedesk/index.html')).toEqual([true]);
    expect(asked('https://example.com/')).toEqual([false]);
    expect(asked(undefined)).toEqual([false]);
    expect(permissionCheckHandler?.(null, 'notifications', 'app://gradedesk', {})).toBe(true);
    expect(permissionCheckHandler?.(null, 'notifications', 'https://example.com', {})).toBe(false);
  });
});

describe('main.ts app:// protocol', () => {
  async function serve(electron: FakeElectron, url: string, method = 'GET') {
    const handler = electron.protocol.handlers.get('app');
    if (!handler) throw new Error('app:// is not handled');
    return handler({ url, method });
  }

  it('serves index.html with the strict CSP', async () => {
    const { electron } = await startMain();
    for (const url of ['app://gradedesk/index.html', 'app://gradedesk/', 'app://gradedesk/index.html?x=1#top']) {
      const response = await serve(electron, url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ connectSrc: [] }));
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'none'");
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toBe(INDEX_HTML);
    }
    const script = await serve(electron, 'app://gradedesk/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('refuses traversal, other hosts, missing files and non-GET methods', async () => {
    const { electron } = await startMain();
    for (const url of [
      'app://gradedesk/../secret.txt',
      'app://gradedesk/..%2fsecret.txt',
      'app://gradedesk/%2e%2e/secret.txt',
      'app://gradedesk/%2e%2e/%2e%2e/secret.txt',
      'app://gradedesk/assets/..%5c..%5csecret.txt',
      'app://gradedesk/assets\\..\\..\\secret.txt',
      'app://gradedesk//etc/passwd',
      'app://gradedesk/%2fetc%2fpasswd',
      'app://gradedesk/missing.js',
      'app://other/index.html',
      'app://gradedesk.evil/index.html',
    ]) {
      const response = await serve(electron, url);
      const body = await response.text();
      // `../secret.txt` is normalized by the URL parser to `/secret.txt`, which is simply absent.
      expect(response.status, url).toBe(404);
      expect(body, url).not.toContain(SECRET);
      expect(response.headers.get('content-security-policy'), url).toBe(contentSecurityPolicy({ connectSrc: [] }));
    }
    expect((await serve(electron, 'app://gradedesk/index.html', 'POST')).status).toBe(405);
  });
});

describe('main.ts lifecycle', () => {
  it('quits when the last window closes (except on macOS)', async () => {
    const { electron } = await startMain();
    electron.app.emit('window-all-closed');
    expect(electron.app.quitCalls).toBe(process.platform === 'darwin' ? 0 : 1);
  });

  it('holds the quit until the core has closed, then quits once', async () => {
    const { electron, core } = await startMain();
    const first = navigationEvent('');
    electron.app.emit('before-quit', first);
    expect(first.defaultPrevented).toBe(true);
    const again = navigationEvent('');
    electron.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(electron.app.quitCalls).toBe(1));
    expect(core.closed).toBe(1);
    // The second round of before-quit (from app.quit) is let through.
    const last = navigationEvent('');
    electron.app.emit('before-quit', last);
    expect(last.defaultPrevented).toBe(false);
    expect(core.closed).toBe(1);
  });

  it('brings the window back on activate only when it was closed', async () => {
    const { electron } = await startMain();
    electron.app.emit('activate');
    expect(electron.windows).toHaveLength(1);
    electron.windows[0]!.destroyed = true;
    electron.windows[0]!.emit('closed');
    electron.app.emit('activate');
    expect(electron.windows).toHaveLength(2);
  });
});
