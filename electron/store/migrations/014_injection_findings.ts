import type { Migration } from './types.ts';

/*
 * What the injection check of a file found, kept with its submission so the review can show the
 * teacher the words (and whether they were hidden from a reader) instead of a bare flag:
 * a JSON array of { kind: 'request' | 'hidden' | 'disguise', quote }. NULL when the check found
 * nothing, and for submissions recorded before this step (their flag stays as it was).
 */
export const migration014: Migration = {
  version: 14,
  name: 'injection_findings',
  up(db) {
    db.exec('ALTER TABLE submissions ADD COLUMN injection_findings_json TEXT;');
  },
};
