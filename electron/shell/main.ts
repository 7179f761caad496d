import { dirname, join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { AppError } from '../../shared/errors.ts';
import { eventChannel, routeNames } from '../../shared/ipc/contract.ts';
import { createAppHost, type AppHost } from '../app/app-host.ts';
import type { Log } from '../app/create-app.ts';
import { createRouter } from '../ipc/router.ts';
import { makeDataFolder, resolveDataFiles } from '../app/data-files.ts';
import { createFileLog, type FileLog } from '../logging/log-file.ts';
import { createDesktopKeyVault } from '../secrets/key-vault.ts';
import { createPlainTextSecretStore } from '../secrets/plain-text-store.ts';
import { createEnvSecretStore } from '../secrets/secret-store.ts';
import { contentSecurityPolicy } from '../serve/content-security-policy.ts';
import { registerIpcRoutes } from './electron-ipc.ts';
import { createSafeStorageSecretStore, encryptionAvailable } from './safe-storage-store.ts';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, isTrustedSender, webPreferencesFor } from './security.ts';
import { createAppProtocolHandler, hardenWebContents, lockPermissions } from './window.ts';

/**
 * The Electron composition: wires security.ts's decisions and the core (app/create-app.ts) to
 * Electron. Bundled to dist-electron/main.js; the preload to dist-electron/preload.cjs; the
 * renderer to dist/renderer. Every path below is relative to `app.getAppPath()` (the package
 * root, or the asar archive when packaged).
 */

/** Set once the data folder is known; until then (and always) the console has the lines too. */
let fileLog: FileLog | null = null;

const log: Log = (level, message, details) => {
  fileLog?.log(level, message, details);
  const line = `[gradedesk] ${message}`;
  if (details === undefined) console[level](line);
  else console[level](line, details);
};

// Before ready: the scheme must be privileged before the first session exists, and every
// renderer is sandboxed whatever a window's own options say.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
app.enableSandbox();

let core: AppHost | null = null;
let mainWindow: BrowserWindow | null = null;
let quitState: 'running' | 'closing' | 'closed' = 'running';

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'GradeDesk',
    backgroundColor: '#f6f5f2',
    webPreferences: webPreferencesFor(join(app.getAppPath(), 'dist-electron', 'preload.cjs')),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => log('error', 'The window could not load the app.', { error: String(error) }));
  return window;
}

async function start(): Promise<void> {
  lockPermissions(session.defaultSession);
  const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, contentSecurityPolicy({ connectSrc: [] })));

  // The same files the CLI and browser mode open (app/data-files.ts); the config file is optional
  // until the teacher sets up a model, and then the app writes it.
  const userData = app.getPath('userData');
  const files = resolveDataFiles(process.env, userData);
  makeDataFolder(files);
  fileLog = createFileLog({ dataDir: dirname(resolve(files.dbPath)) });
  // Keys go to the OS keychain; to an unencrypted file only when there is none and the teacher says so.
  const vault = createDesktopKeyVault({
    encrypted: createSafeStorageSecretStore(safeStorage, join(userData, 'secrets.json')),
    encryptionAvailable: () => encryptionAvailable(safeStorage),
    plainText: createPlainTextSecretStore(join(userData, 'secrets-NOT-ENCRYPTED.json')),
    env: createEnvSecretStore(),
  });
  core = await createAppHost({
    configFile: resolve(files.configPath),
    configFileChosen: Boolean(process.env.GRADEDESK_CONFIG),
    dbPath: resolve(files.dbPath),
    demo: process.argv.includes('--demo'),
    mode: 'electron',
    vault,
    log,
    logPath: fileLog.path,
    version: app.getVersion(),
    // "Show in folder" for exports and backups; the handlers pass only paths inside the data folder.
    reveal: (file) => shell.showItemInFolder(file),
  });

  const router = createRouter(core.handlers, {
    isTrustedSender,
    onInternalError: (route, error) => log('error', `Request ${route} failed.`, { error: error instanceof Error ? error.stack : String(error) }),
  });
  registerIpcRoutes(ipcMain, router, routeNames);
  core.onEvent((event, payload) => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel(event), payload);
  });
  mainWindow = createMainWindow();
}

function failStartup(error: unknown): void {
  log('error', 'GradeDesk could not start.', { error: error instanceof Error ? error.stack : String(error) });
  const where = fileLog ? ` (${fileLog.path})` : '';
  const message = error instanceof AppError ? error.message : `Something went wrong while starting; the details are in the log${where}.`;
  dialog.showErrorBox('GradeDesk could not start', message);
  app.quit(); // before-quit closes the core if it was already created
}

if (!app.requestSingleInstanceLock()) {
  // Another GradeDesk owns the database; it is brought to the front by 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core !== null && mainWindow === null) mainWindow = createMainWindow();
  });
  app.on('before-quit', (event) => {
    // Hold the quit until the core has closed (queue drained, database closed), then quit again.
    if (core === null || quitState === 'closed') return;
    event.preventDefault();
    if (quitState === 'closing') return;
    quitState = 'closing';
    core
      .close()
      .catch((error: unknown) => log('error', 'GradeDesk did not close cleanly.', { error: String(error) }))
      .finally(() => {
        quitState = 'closed';
        app.quit();
      });
  });
  app.whenReady().then(start).catch(failStartup);
}
