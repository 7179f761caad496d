/**
 * Zip handling for DOCX: read the central directory without inflating anything, refuse bombs
 * from the sizes it declares, then inflate. fflate inflates each entry into a buffer of the
 * declared size, so an entry that lies about its size cannot grow past what was checked.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { AppError } from '../../../shared/errors.ts';
import { documentErrors, formatBytes } from './messages.ts';

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  size: number;
  compression: number;
}

/** More entries than any Word document has; a directory with more is refused before listing further. */
export const MAX_ZIP_ENTRIES = 10_000;
/** Entries at least this large are held to the compression-ratio limit; tiny XML parts compress well legitimately. */
export const LARGE_ENTRY_BYTES = 1024 * 1024;

class TooManyEntries extends Error {}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7) && (bytes[3] === 4 || bytes[3] === 6 || bytes[3] === 8);
}

/**
 * The entries a zip's central directory declares. Throws (a plain Error) when there is no
 * readable directory, e.g. a truncated download, or more than `maxEntries` entries.
 */
export function listZipEntries(bytes: Uint8Array, maxEntries = MAX_ZIP_ENTRIES): ZipEntryInfo[] {
  const entries: ZipEntryInfo[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        if (entries.length >= maxEntries) throw new TooManyEntries();
        entries.push({ name: file.name, compressedSize: file.size, size: file.originalSize, compression: file.compression });
        return false;
      },
    });
  } catch (error) {
    if (error instanceof TooManyEntries) throw new Error(`more than ${maxEntries} entries`);
    throw error;
  }
  return entries;
}

/** The reason an archive is refused, or null. Uses only declared sizes: nothing is inflated. */
export function archiveBombReason(entries: ZipEntryInfo[], maxTotal: number, maxRatio: number, maxEntries = MAX_ZIP_ENTRIES): string | null {
  if (entries.length >= maxEntries) return `more than ${maxEntries.toLocaleString('en-US')} files`;
  let total = 0;
  for (const entry of entries) {
    total += entry.size;
    if (entry.size >= LARGE_ENTRY_BYTES && entry.size / Math.max(1, entry.compressedSize) > maxRatio) {
      return `${formatBytes(entry.size)} from ${formatBytes(entry.compressedSize)} in one part (${Math.round(entry.size / Math.max(1, entry.compressedSize))}× compression)`;
    }
  }
  if (total > maxTotal) return `${formatBytes(total)}, more than the ${formatBytes(maxTotal)} limit`;
  return null;
}

/** Throws ARCHIVE_TOO_LARGE for a bomb, before any byte is inflated. */
export function checkArchive(file: string, entries: ZipEntryInfo[], maxTotal: number, maxRatio: number): void {
  const reason = archiveBombReason(entries, maxTotal, maxRatio);
  if (reason) throw documentErrors.archiveTooLarge(file, reason) satisfies AppError;
}

/** Inflates the entries `keep` accepts (all by default). Only call after `checkArchive`. */
export function unzipEntries(bytes: Uint8Array, keep: (name: string) => boolean = () => true): Record<string, Uint8Array> {
  return unzipSync(bytes, { filter: (file) => keep(file.name) });
}

/** A stored (uncompressed) zip of `files`: what mammoth reads, so it never inflates anything itself. */
export function storeZip(files: Record<string, Uint8Array>): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, data] of Object.entries(files)) zippable[name] = [data, { level: 0 }];
  return zipSync(zippable, { level: 0 });
}
