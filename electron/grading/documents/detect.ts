/**
 * What a file is, from its bytes. Students rename files, download folders hold `essay.pdf`
 * that is really an HTML error page, phones save HEIC as `.jpg`; the extension is only used
 * to word an error message, never to pick a parser.
 */
import { decodeText } from './text.ts';
import type { DocumentKind } from './types.ts';
import { isZip, listZipEntries } from './zip.ts';

const ascii = (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode(...bytes.subarray(start, end));

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function indexOfAscii(bytes: Uint8Array, needle: string, limit = bytes.length): number {
  const first = needle.charCodeAt(0);
  const end = Math.min(limit, bytes.length) - needle.length;
  for (let i = bytes.indexOf(first); i >= 0 && i <= end; i = bytes.indexOf(first, i + 1)) {
    let match = true;
    for (let j = 1; j < needle.length; j += 1) {
      if (bytes[i + j] !== needle.charCodeAt(j)) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}

/** `%PDF-` within the first 1024 bytes (some generators put junk before it; readers accept that). */
export function isPdf(bytes: Uint8Array): boolean {
  return indexOfAscii(bytes, '%PDF-', 1024) >= 0;
}

const JPEG = [0xff, 0xd8, 0xff] as const;
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

/** HEIF brands of HEVC-coded images (iPhone photos). AVIF shares the container but is refused. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'heif']);

/** The brands of an ISO-BMFF `ftyp` box at the start of the file, or null. */
function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const size = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const end = Math.min(bytes.length, size >= 16 ? size : 16, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

export function isHeic(bytes: Uint8Array): boolean {
  const brands = ftypBrands(bytes);
  if (!brands) return false;
  const [major] = brands;
  if (!major || !HEIC_BRANDS.has(major)) return false;
  // `mif1` is also AVIF's major brand: only accept it when an HEVC brand is listed too.
  if (major === 'mif1' || major === 'msf1' || major === 'heif') return brands.some((b) => b.startsWith('he') && b !== 'heif') || !brands.some((b) => b.startsWith('avi'));
  return true;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'heic';

export function imageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, PNG)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (isHeic(bytes)) return 'heic';
  return null;
}

/** A zip is a DOCX when its directory lists `word/document.xml`; a damaged one when the name is at least in its bytes. */
function isDocxZip(bytes: Uint8Array): boolean {
  try {
    return listZipEntries(bytes).some((entry) => entry.name === 'word/document.xml');
  } catch {
    // No readable central directory (a truncated download): the local headers still name the parts.
    return indexOfAscii(bytes, 'word/document.xml') >= 0;
  }
}

/**
 * The kind of document in `bytes`, or null when it is none GradeDesk reads:
 * PDF (`%PDF-` in the first 1024 bytes), DOCX (a zip with `word/document.xml`; any other zip is
 * null), JPEG/PNG/WebP/HEIC by magic number, and text (UTF-8, UTF-16 with a BOM or GB18030,
 * without NULs). `name` is accepted for symmetry with the callers but does not change the
 * answer: plain text and Markdown are both `text`.
 */
export function detectKind(bytes: Uint8Array, _name?: string): DocumentKind | null {
  if (bytes.length === 0) return null;
  if (isPdf(bytes)) return 'pdf';
  if (isZip(bytes)) return isDocxZip(bytes) ? 'docx' : null;
  if (imageFormat(bytes)) return 'image';
  if (startsWith(bytes, OLE2)) return null;
  if (ascii(bytes, 0, 5) === '{\\rtf') return null;
  return decodeText(bytes) ? 'text' : null;
}

export interface UnknownFile {
  /** An Office file encrypted with a password is an OLE2 container holding `EncryptedPackage`. */
  encrypted: boolean;
  /** What the file turned out to be, worded to follow the file name ("is a zip archive"); null when unknown. */
  what: string | null;
  /** What the teacher can do about it; null for the generic advice. */
  advice: string | null;
}

const utf16 = (text: string): string => [...text].map((c) => `${c}\u0000`).join('');
const SAVE_AS = 'Ask the student to save it as .docx or PDF.';
const unknown = (what: string | null, advice: string | null = null): UnknownFile => ({ encrypted: false, what, advice });

/** For the error message of a file `detectKind` refused: what it really is, when we can tell. */
export function describeUnknown(bytes: Uint8Array): UnknownFile {
  if (startsWith(bytes, OLE2)) {
    if (indexOfAscii(bytes, utf16('EncryptedPackage')) >= 0) return { encrypted: true, what: null, advice: null };
    return unknown('is an old-format Office file (Office 97–2003 .doc, .xls or .ppt)', SAVE_AS);
  }
  if (ascii(bytes, 0, 5) === '{\\rtf') return unknown('is a Rich Text (.rtf) file', SAVE_AS);
  if (isZip(bytes)) {
    let names: string[];
    try {
      names = listZipEntries(bytes).map((entry) => entry.name);
    } catch {
      return unknown('is a damaged zip archive');
    }
    if (names.includes('content.xml') && names.includes('mimetype')) return unknown('is an OpenDocument (LibreOffice) file', SAVE_AS);
    if (names.some((n) => n.startsWith('ppt/'))) return unknown('is a PowerPoint presentation', 'Ask the student to export it to PDF.');
    if (names.some((n) => n.startsWith('xl/'))) return unknown('is an Excel workbook', 'Ask the student to export it to PDF.');
    if (names.some((n) => n.startsWith('Index/') || n === 'index.xml')) return unknown('is an Apple Pages document', 'Ask the student to export it to PDF or Word.');
    return unknown('is a zip archive', 'Unzip it and add the files inside instead.');
  }
  if (ascii(bytes, 0, 4) === 'GIF8') return unknown('is a GIF image', 'Convert it to PNG or JPEG.');
  if (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*') return unknown('is a TIFF image', 'Convert it to PNG, JPEG or PDF.');
  const brands = ftypBrands(bytes);
  if (brands?.some((b) => b.startsWith('avi'))) return unknown('is an AVIF image', 'Convert it to JPEG or PNG.');
  if (brands) return unknown('is a video or audio file');
  return unknown(null);
}

/** The kind a file name claims, to tell "damaged" from "not supported" in a message. */
export function kindFromName(name: string): DocumentKind | null {
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  if (!ext) return null;
  if (ext === 'pdf') return 'pdf';
  if (ext === 'docx' || ext === 'docm') return 'docx';
  if (['jpg', 'jpeg', 'jfif', 'png', 'webp', 'heic', 'heif'].includes(ext)) return 'image';
  if (['txt', 'md', 'markdown', 'text', 'csv'].includes(ext)) return 'text';
  return null;
}

export const KIND_NAMES: Record<DocumentKind, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  text: 'a text file',
  image: 'an image',
};
