/** A CSP source expression may not carry a separator that would start another directive. */
const UNSAFE_SOURCE = /[\s;,'"]/;

/**
 * The renderer's Content-Security-Policy. Electron passes no `connectSrc` (the renderer has no
 * network at all: it talks through the preload); browser mode passes its loopback ws:// URL.
 * Styles come from files only: the build inlines nothing (vite `assetsInlineLimit: 0`).
 * Throws on a source that would inject another directive.
 */
export function contentSecurityPolicy({ connectSrc }: { connectSrc: readonly string[] }): string {
  for (const source of connectSrc) {
    if (source === '' || UNSAFE_SOURCE.test(source)) {
      throw new Error(`Not a valid connect-src source: ${JSON.stringify(source)}`);
    }
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connectSrc.length === 0 ? "'none'" : connectSrc.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
