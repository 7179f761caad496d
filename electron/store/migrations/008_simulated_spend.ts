import type { Migration } from './types.ts';

/*
 * Reservations for the demo provider's calls: their money is made up, so today's real budget
 * (budget.per_day_usd) must not count it, nor the demo's day count real spend. Rows written
 * before this step were all real.
 */
export const migration008: Migration = {
  version: 8,
  name: 'simulated_spend',
  up(db) {
    // The day's index leads with the new column too, so the budget check still sums one day's
    // real (or simulated) rows from the index alone.
    db.exec(`
      ALTER TABLE spend_reservations ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1));
      DROP INDEX spend_reservations_day;
      CREATE INDEX spend_reservations_day
        ON spend_reservations (day, simulated, status, estimated_usd, actual_usd);
    `);
  },
};
