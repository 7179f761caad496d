/**
 * The teacher's gradebook file, read in the window and sent to main in parts (one request is at
 * most 256 KiB), and the Canvas assignment columns its header offers.
 */
import type { GradeDeskApi, IpcResult } from '../../../../shared/ipc/contract.ts';
import { GRADEBOOK_MAX_PARTS, GRADEBOOK_PART_CHARS } from '../../../../shared/ipc/exports.ts';

/** The largest file that can be sent: 128 parts of 40,000 characters (about 5 MB). */
export const GRADEBOOK_MAX_CHARS = GRADEBOOK_PART_CHARS * GRADEBOOK_MAX_PARTS;

/** Sends the file's text in parts under a fresh upload id; answers the id, or the first failure. */
export async function stageGradebook(api: GradeDeskApi, text: string): Promise<IpcResult<string>> {
  const uploadId = crypto.randomUUID();
  const count = Math.max(1, Math.ceil(text.length / GRADEBOOK_PART_CHARS));
  for (let index = 0; index < count; index += 1) {
    const part = text.slice(index * GRADEBOOK_PART_CHARS, (index + 1) * GRADEBOOK_PART_CHARS);
    const sent = await api.stageGradebookPart({ uploadId, index, count, text: part });
    if (!sent.ok) return sent;
  }
  return { ok: true, data: uploadId };
}

/** The cells of a CSV file's first line (quoted cells as spreadsheets write them). */
export function headerCells(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') break;
    else cell += c;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** Canvas's assignment columns ("Essay 1 (5501)"), without their id, for the teacher to choose from. */
export function canvasAssignments(text: string): string[] {
  return headerCells(text)
    .slice(5)
    .filter((h) => /\(\d+\)$/.test(h))
    .map((h) => h.replace(/\s*\(\d+\)$/, ''));
}

/** Which LMS wrote the file, from its header; null when neither. */
export function gradebookKindOf(text: string): 'canvas' | 'moodle' | null {
  const header = headerCells(text).map((h) => h.toLowerCase());
  if (header.includes('identifier') && header.includes('grade')) return 'moodle';
  if (header.includes('student') && header.includes('id') && header.includes('sis user id')) return 'canvas';
  return null;
}

/** A file size as a teacher reads it: "12 KB", "1.4 MB". */
export function fileSize(bytes: number, locale: string): string {
  const kb = bytes / 1024;
  if (kb < 1024) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: kb < 10 ? 1 : 0 }).format(Math.max(0.1, kb));
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(kb / 1024);
}

/** Where browser mode serves an exported file (same origin; the app's cookie carries the token). */
export const downloadHref = (relativePath: string): string => `/exports/${relativePath.split('/').map(encodeURIComponent).join('/')}`;
