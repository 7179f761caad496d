import type { Migration } from './types.ts';

/*
 * Images whose names OCR could not paint over. Privacy fails closed: such a page is stored
 * (`held` = 1) but never sent, and its submission stays `pending` (error REDACTION_FAILED) until
 * the teacher sends the page as it is (held = 0) or skips it (the row is deleted).
 */
export const migration005: Migration = {
  version: 5,
  name: 'held_images',
  up(db) {
    db.exec(`ALTER TABLE submission_pages ADD COLUMN held INTEGER NOT NULL DEFAULT 0;`);
  },
};
