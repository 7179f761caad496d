/**
 * A staged file as the panels show it, computed from what is known of it and of the others:
 * its student depends on the roster and the teacher's correction, "duplicate" on which other
 * items hold the same bytes. Pure, so the whole list can be recomputed after any change and
 * only what differs announced.
 */
import type { AppErrorData } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { StagedItem } from '../../shared/ipc/intake.ts';
import { kindFromName } from '../grading/documents/detect.ts';
import type { RosterEntry } from '../grading/privacy/index.ts';
import type { ReadOutcome } from './read-staged.ts';
import { rosterEntryNamed, type DetectedStudent } from './student-match.ts';

export interface StagedEntry {
  id: string;
  /** As dropped, folders joined with `/`. */
  file: string;
  /** On disk in the staging folder; null for a file refused before upload (too large). */
  path: string | null;
  folder: string | null;
  sizeBytes: number;
  sha256: string | null;
  sequence: number;
  /** Null while the file is being read. */
  read: ReadOutcome | null;
  /** The teacher's name for the student; null = the detected one. */
  teacherName: string | null;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const clipError = (e: AppErrorData): AppErrorData => ({ code: e.code, message: clip(e.message, LIMITS.message) });

function duplicateWarning(entry: StagedEntry, original: StagedEntry): AppErrorData {
  return {
    code: 'DUPLICATE_FILE',
    message: `"${entry.file}" has exactly the same content as "${original.file}". It is graded once, with the same grade for both; remove one if it was added twice.`,
  };
}

/**
 * Every entry's view, in list order (the order files were added). `detect` finds an entry's
 * student (matching against a roster of thousands is the costly part: the caller caches it).
 */
export function viewsOf(entries: Iterable<StagedEntry>, roster: readonly RosterEntry[] | null, detect: (entry: StagedEntry) => DetectedStudent): StagedItem[] {
  const ordered = [...entries].sort((a, b) => a.sequence - b.sequence);
  const firstBySha = new Map<string, StagedEntry>();
  return ordered.map((entry) => {
    let original: StagedEntry | null = null;
    if (entry.sha256 !== null) {
      original = firstBySha.get(entry.sha256) ?? null;
      if (original === null) firstBySha.set(entry.sha256, entry);
    }
    return viewOf(entry, roster, detect(entry), original);
  });
}

function viewOf(entry: StagedEntry, roster: readonly RosterEntry[] | null, detected: DetectedStudent, original: StagedEntry | null): StagedItem {
  const student = entry.teacherName ?? detected.student;
  const inRoster = entry.teacherName !== null ? rosterEntryNamed(entry.teacherName, roster) !== null : detected.entry !== null;
  const problems = entry.read?.problems ?? [];
  const warnings = [...(entry.read?.warnings ?? []), ...(original !== null && entry.read !== null ? [duplicateWarning(entry, original)] : [])];
  return {
    id: entry.id,
    file: clip(entry.file, LIMITS.url),
    // While it is read, the kind its name claims; then the kind its bytes are.
    kind: entry.read?.kind ?? kindFromName(entry.file) ?? 'unknown',
    pages: entry.read?.pages ?? null,
    sizeBytes: entry.sizeBytes,
    student: student === null ? null : clip(student, LIMITS.name),
    status: entry.read === null ? 'reading' : problems.length > 0 ? 'problem' : 'ready',
    problems: problems.slice(0, 20).map(clipError),
    warnings: warnings.slice(0, 20).map(clipError),
    detectedStudent: detected.student === null ? null : clip(detected.student, LIMITS.name),
    studentSource: entry.teacherName !== null ? 'teacher' : detected.source,
    inRoster,
  };
}
