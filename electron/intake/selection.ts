import type { RosterEntry } from '../grading/privacy/index.ts';

/**
 * What a batch started from the app grades: the staged files the teacher kept, on disk in the
 * staging folder, with the roster imported for them and the names the teacher corrected.
 */
export interface StagedSelection {
  paths: string[];
  roster: RosterEntry[] | null;
  /** path (as in `paths`) → the student's name the teacher gave; wins over what was detected. */
  students: Readonly<Record<string, string>>;
  /**
   * path (as in `paths`) → the file as the teacher dropped it ("Period 3/Ana - essay.pdf"): what
   * reports, exports and the screens show, never the staging folder's path.
   */
  files: Readonly<Record<string, string>>;
}

export interface IntakeSession {
  /** The staged items with these ids; an AppError (STAGED_NOT_FOUND) when one is gone or has a problem. */
  select(ids: readonly string[]): StagedSelection;
}
