/**
 * Where exports are written: `<data folder>/exports/<batch>/`, the data folder being the
 * database's. Names come from students and batches, so every path segment is made a plain
 * file name first, and every file is the owner's alone, like the database.
 */
import { mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import type { ExportedFile } from '../../shared/ipc/exports.ts';

export const exportsFolder = (dbPath: string): string => join(dirname(resolve(dbPath)), 'exports');

/** Windows' reserved names and characters, control characters, and dots at the ends. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** A name every file system takes: no separators or reserved characters, at most 100 characters. */
export function safeFileName(name: string, fallback = 'file'): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\p{Cc}<>:"/\\|?*]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 100)
    .trim();
  if (cleaned === '' || RESERVED.test(cleaned)) return fallback;
  return cleaned;
}

/** Names made unique by a number, in the order given: two "Ana Lopez" become "Ana Lopez" and "Ana Lopez (2)". */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const key = name.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

export interface ExportWriter {
  /** Writes one file under the batch's folder (`sub` is a folder name or ''), and answers it. */
  write(batchId: string, sub: string, name: string, data: string | Uint8Array): ExportedFile;
  /** Empties a sub-folder of the batch's folder, so a fresh set of documents does not mix with an old one. */
  clear(batchId: string, sub: string): void;
}

export function exportWriter(root: string): ExportWriter {
  const folderOf = (batchId: string, sub: string): string => join(root, safeFileName(batchId, 'batch'), ...(sub === '' ? [] : [safeFileName(sub)]));
  return {
    write(batchId, sub, name, data) {
      const folder = folderOf(batchId, sub);
      const path = join(folder, safeFileName(name));
      try {
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        writeFileSync(path, data, { mode: 0o600 });
      } catch (error) {
        throw new AppError('EXPORT_FAILED', `The file could not be written in GradeDesk's exports folder (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check that the disk has room and the folder can be written, then export again.`);
      }
      return { name: safeFileName(name), relativePath: relative(root, path).split(sep).join('/'), bytes: statSync(path).size };
    },
    clear(batchId, sub) {
      if (sub !== '') rmSync(folderOf(batchId, sub), { recursive: true, force: true });
    },
  };
}

/**
 * The file under `root` that an export's `relativePath` names (`<batch>/<name>` or
 * `<batch>/feedback/<name>`), resolved through links; EXPORT_NOT_FOUND for anything else — a
 * name that climbs out (`..`), an absolute path, a separator main does not write, a missing file.
 */
export function exportedFileIn(root: string, relativePath: string): string {
  const missing = (): AppError => new AppError('EXPORT_NOT_FOUND', 'That file is not in the exports folder any more. Export the batch again.', { relativePath });
  const segments = relativePath.split('/');
  if (segments.length < 2 || segments.some((s) => s === '' || s === '.' || s === '..' || /[\\\0:]/.test(s))) throw missing();
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(join(root, ...segments));
    const inside = relative(realRoot, real);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) || !statSync(real).isFile()) throw missing();
    return real;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw missing();
  }
}
