/**
 * The name a dropped file arrives with ("Period 3/Ana/essay.docx") is the renderer's word, not a
 * path on disk: it decides nothing but where inside the item's own staging folder the bytes go,
 * so each segment is made safe for every file system and `..` can never climb out.
 */
import { AppError } from '../../shared/errors.ts';
import { isSkippedName } from '../grading/documents/index.ts';

/** Most folders kept from a dropped file's name; deeper ones are joined into the last. */
const MAX_DEPTH = 12;
/** Bytes of one segment: most file systems stop at 255. */
const MAX_SEGMENT_BYTES = 200;

// Characters Windows refuses in a name, and control characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"|?*\u0000-\u001f\u007f]/g;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

function safeSegment(segment: string): string {
  let out = segment.normalize('NFC').replace(UNSAFE, '_').replace(/[. ]+$/, '');
  if (RESERVED.test(out)) out = `_${out}`;
  while (Buffer.byteLength(out, 'utf8') > MAX_SEGMENT_BYTES) out = out.slice(0, -1);
  return out === '' ? '_' : out;
}

export interface DroppedName {
  /** As the teacher sees it: the segments joined with `/`. */
  file: string;
  /** Safe segments for the disk, the file name last. */
  segments: string[];
}

/**
 * Reads a dropped name, or null for a file GradeDesk leaves out (hidden, system or Office lock
 * files, or anything inside such a folder). INVALID_INPUT for `..` or an empty name.
 */
export function readDroppedName(raw: string): DroppedName | null {
  const parts = raw.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new AppError('INVALID_INPUT', 'The file has no name.');
  if (parts.includes('..')) throw new AppError('INVALID_INPUT', `"${raw}" is not a file name GradeDesk accepts.`);
  if (parts.some((part) => isSkippedName(part))) return null;
  const kept = parts.length > MAX_DEPTH ? [...parts.slice(0, MAX_DEPTH - 1), parts.slice(MAX_DEPTH - 1).join('_')] : parts;
  return { file: kept.join('/'), segments: kept.map(safeSegment) };
}
