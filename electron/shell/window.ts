import { readFile } from 'node:fs/promises';
import { isAppUrl, resolveAppAsset } from './security.ts';
import { contentTypeOf } from '../serve/static-files.ts';

/**
 * The Electron wiring that applies security.ts's decisions: the app:// file server, the
 * hardening of every webContents and the permission lock-down. Typed with small structural
 * interfaces (no `electron` import) so it runs under plain Node in tests; main.ts passes the
 * real Electron objects, which the compiler checks against these shapes.
 */



/** The part of a fetch `Request` the app:// handler reads. */
export interface AppRequestLike {
  readonly url: string;
  readonly method: string;
}

/**
 * The `protocol.handle('app', …)` handler: serves files from `rendererDir` only, GET and HEAD
 * only, with the given CSP and `nosniff` on every answer (errors included). Unresolvable or
 * missing paths are a 404 that does not say why.
 */
export function createAppProtocolHandler(
  rendererDir: string,
  csp: string,
): (request: AppRequestLike) => Promise<Response> {
  const baseHeaders = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  const plain = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const file = resolveAppAsset(rendererDir, request.url);
    if (file === null) return plain(404, 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return plain(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...baseHeaders, 'Content-Type': contentTypeOf(file), 'Content-Length': String(body.byteLength) },
    });
  };
}

/** A navigation-like event: Electron's `Event<WebContentsWill…EventParams>`. */
export interface NavigationEventLike {
  readonly url: string;
  preventDefault(): void;
}

/** The part of Electron's `WebContents` that hardening touches. */
export interface HardenableWebContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * Applied to every webContents Electron creates (from `web-contents-created`): no new windows,
 * no navigation or redirect away from the app origin, no <webview>. Links to the outside world
 * are not opened here; a feature that needs one gets its own audited route.
 */
export function hardenWebContents(contents: HardenableWebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayInApp = (event: NavigationEventLike): void => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The part of Electron's `Session` that the permission lock-down touches. */
export interface PermissionSessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean): void;
}

/**
 * The renderer needs no camera, microphone, geolocation or anything else. The one exception is
 * notifications, and only for GradeDesk's own page: "the batch is done" and budget alerts reach
 * a teacher who is in another window.
 */
export function lockPermissions(session: PermissionSessionLike): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) =>
    callback(permission === 'notifications' && isAppUrl(details?.requestingUrl ?? '')),
  );
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => permission === 'notifications' && isAppUrl(`${requestingOrigin}/`));
}
