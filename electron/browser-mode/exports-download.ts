/**
 * Downloads of exported files in browser mode: `GET /exports/<batch>/<file>` serves a file
 * from the exports folder only, with the same access rules as the page. A path that leaves
 * the folder (`..`, an encoded separator, a link pointing out) is refused, never resolved.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, relative, sep } from 'node:path';

export const EXPORTS_PREFIX = '/exports/';

const TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  zip: 'application/zip',
};

/** The file under `root` that a URL path names, or null when it names anything else. */
export async function exportedFilePath(root: string, pathname: string): Promise<string | null> {
  if (!pathname.startsWith(EXPORTS_PREFIX)) return null;
  let segments: string[];
  try {
    segments = pathname.slice(EXPORTS_PREFIX.length).split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.length < 2 || segments.some((s) => s === '' || s === '.' || s === '..' || /[\\/\0]/.test(s))) return null;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(root, ...segments));
    const inside = relative(realRoot, real);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** Answers a download, the file named as the teacher will see it saved. */
export function sendExportedFile(res: ServerResponse, req: IncomingMessage, file: string): void {
  const name = file.split(sep).pop() ?? 'export';
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
