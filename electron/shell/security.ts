import type { SenderInfo } from '../ipc/router.ts';
import { resolveStaticPath } from '../serve/static-files.ts';

/**
 * Every security decision of the Electron layer, as pure functions: main.ts only wires them to
 * Electron, so they are tested here under plain Node and no window can be built without them.
 * The Content-Security-Policy, shared with browser mode, is in serve/content-security-policy.ts.
 * This file must not import `electron`.
 */

/** The custom scheme the renderer is served from; registered privileged (standard + secure). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'gradedesk';
/** The renderer's one origin. Files are never loaded over file://. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for `protocol.registerSchemesAsPrivileged`: standard (relative URLs and a real
 * origin) and secure (a secure context), nothing else: no CSP bypass, no service workers, no
 * fetch() from the renderer, no CORS.
 */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: false,
} as const);

/**
 * The web preferences of every GradeDesk window, spelled out even where they match Electron's
 * defaults so a changed default or a careless edit shows in review and in a test.
 */
export interface SecureWebPreferences {
  readonly preload: string;
  readonly sandbox: true;
  readonly contextIsolation: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly experimentalFeatures: false;
  readonly webviewTag: false;
  readonly navigateOnDragDrop: false;
  readonly spellcheck: false;
}

/** A fresh object each call: Electron may keep a reference to what it is given. */
export function webPreferencesFor(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
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
  };
}

/** `new URL()` that answers null instead of throwing. */
function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL belongs to the renderer's own origin: exact scheme and host, parsed (never a
 * prefix or substring test), and no credentials or port that could hide another authority.
 */
export function isAppUrl(url: string): boolean {
  if (typeof url !== 'string') return false;
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Only the main frame of a page served from the app origin may talk to the core. */
export function isTrustedSender(sender: SenderInfo): boolean {
  return sender.isMainFrame === true && isAppUrl(sender.url);
}

/**
 * Maps `app://gradedesk/<path>` to a file inside `rendererDir`, or null when the URL is not the
 * app's or the path could leave the folder (see `resolveStaticPath`). Query and fragment are ignored.
 */
export function resolveAppAsset(rendererDir: string, requestUrl: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const parsed = parseUrl(requestUrl);
  if (parsed === null) return null;
  return resolveStaticPath(rendererDir, parsed.pathname);
}
