import type { Migration } from './types.ts';

/*
 * Photos whose names are still being painted over. A batch is recorded, and its other
 * submissions graded, while local OCR reads its images; such a submission is `pending`, with no
 * pages and no jobs yet. source_path is the file it was read from, so that a batch stopped or
 * killed before the redaction finished can read the file again on resume (its file_hash tells
 * whether it is still the same file).
 */
export const migration004: Migration = {
  version: 4,
  name: 'pending_images',
  up(db) {
    db.exec(`ALTER TABLE submissions ADD COLUMN source_path TEXT;`);
  },
};
