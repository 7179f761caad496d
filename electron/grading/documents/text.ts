/**
 * Plain text (and Markdown, CSV, code…): find the encoding from the bytes and decode without
 * ever throwing. Order: a BOM decides; otherwise valid UTF-8, then valid GB18030 (Chinese
 * Windows' "ANSI"), then UTF-8 with U+FFFD for the invalid bytes.
 */
import { documentErrors } from './messages.ts';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  encoding: TextEncodingName;
  /** True when invalid bytes were replaced by U+FFFD. */
  lossy: boolean;
  text: string;
}

/** More NULs than this share of the bytes (without a UTF-16 BOM) means binary, not text. */
const MAX_NUL_SHARE = 0.01;
/** More control or replacement characters than this share of the decoded text means binary. */
const MAX_GARBAGE_SHARE = 0.05;

function tryDecode(encoding: TextEncodingName, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hasBom(bytes: Uint8Array): TextEncodingName | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

function countNuls(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(0); i >= 0; i = bytes.indexOf(0, i + 1)) count += 1;
  return count;
}

/** Share of characters that no text file contains: C0/C1 controls other than whitespace and ESC, and U+FFFD. */
function garbageShare(text: string): number {
  if (text.length === 0) return 0;
  let garbage = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b && c !== 0x1b) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) garbage += 1;
  }
  return garbage / text.length;
}

/**
 * Decodes `bytes` as text, or returns null when they are not text (NUL-heavy or mostly control
 * characters: a binary file). Never throws.
 */
export function decodeText(bytes: Uint8Array): DecodedText | null {
  const bom = hasBom(bytes);
  if (bom) {
    const strict = tryDecode(bom, bytes);
    const text = strict ?? new TextDecoder(bom).decode(bytes);
    if (garbageShare(text) > MAX_GARBAGE_SHARE) return null;
    return { encoding: bom, lossy: strict === null, text };
  }
  if (countNuls(bytes) > Math.max(0, bytes.length * MAX_NUL_SHARE)) return null;
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    const text = tryDecode(encoding, bytes);
    if (text !== null && garbageShare(text) <= MAX_GARBAGE_SHARE) return { encoding, lossy: false, text };
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (garbageShare(text) > MAX_GARBAGE_SHARE) return null;
  return { encoding: 'utf-8', lossy: true, text };
}

/** Unix line ends, no NULs, trailing spaces and runs of blank lines trimmed. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replaceAll('\u0000', '')
    .replace(/[ \t\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A plain-text file's text, decoded and normalized; bytes that are not text are refused. */
export function readPlainText(file: string, bytes: Uint8Array): string {
  const decoded = decodeText(bytes);
  if (!decoded) throw documentErrors.unsupported(file, null, null);
  return normalizeText(decoded.text);
}
