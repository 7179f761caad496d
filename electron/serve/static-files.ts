import { realpathSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Serving the built renderer from a folder, shared by Electron's app:// protocol and browser
 * mode's loopback server, so both refuse the same paths and label files the same way.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Unknown extensions are served as opaque bytes (with nosniff, never executed as script). */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file inside `root` (`/` and any path ending in `/` mean its index.html),
 * or null when the path could leave the folder: `..` (plain or percent-encoded), backslashes,
 * NUL, drive letters, encoded slashes and empty segments are refused rather than normalized,
 * and a symlink must not lead outside either.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  const rawPath = urlPath === '' ? '/' : urlPath;
  if (!rawPath.startsWith('/') || rawPath.includes('\\')) return null;
  const rawSegments = rawPath.slice(1).split('/');
  if (rawSegments[rawSegments.length - 1] === '') rawSegments[rawSegments.length - 1] = 'index.html';

  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) return null;
    segments.push(segment);
  }

  const absoluteRoot = resolve(root);
  const file = join(absoluteRoot, ...segments);
  const inside = relative(absoluteRoot, file);
  if (inside === '' || isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) return null;
  try {
    const real = realpathSync(file);
    const realRoot = realpathSync(absoluteRoot);
    return real.startsWith(realRoot + sep) ? real : null;
  } catch {
    // Not there (yet): the caller answers 404; nothing outside the folder was named.
    return file;
  }
}
