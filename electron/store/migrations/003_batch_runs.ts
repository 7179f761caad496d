import type { Migration } from './types.ts';

/*
 * The grading pipeline's step: what a batch needs to be resumed and reported across runs.
 *
 * - possible_duplicates counts jobs that were in flight (request sent, no result stored) when
 *   a process died and were sent again on resume: each may have been paid twice. The report
 *   shows it (DESIGN §6 `possible_duplicate_paid_calls`).
 * - runs counts how many processes worked on the batch.
 * - gradings.value_json keeps the whole structured answer (overall feedback, confidence) for
 *   the compare view; criteria_json keeps what the totals are computed from.
 */
export const migration003: Migration = {
  version: 3,
  name: 'batch_runs',
  up(db) {
    db.exec(`
      ALTER TABLE batches ADD COLUMN possible_duplicates INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE batches ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE gradings ADD COLUMN value_json TEXT CHECK (value_json IS NULL OR json_valid(value_json));
    `);
  },
};
