import type { Migration } from './types.ts';

/*
 * A batch that stopped for a setup cause (every model refused its key, or is out of credits)
 * keeps why, so `history` and `resume --json` show the same top-level `error` as the run that
 * stopped (DESIGN §6, status `stopped`). Cleared when the batch's status next changes.
 */
export const migration007: Migration = {
  version: 7,
  name: 'batch_stop',
  up(db) {
    db.exec(`
      ALTER TABLE batches ADD COLUMN error_code TEXT;
      ALTER TABLE batches ADD COLUMN error_message TEXT;
    `);
  },
};
