import type { Migration } from './types.ts';

/*
 * Calls answered by the built-in demo provider (the simulator): their cost is made up, so it is
 * kept apart from what the teacher really spent. Rows written before this step were all real.
 */
export const migration006: Migration = {
  version: 6,
  name: 'simulated_calls',
  up(db) {
    db.exec(`ALTER TABLE api_calls ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1));`);
  },
};
