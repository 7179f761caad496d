import type { Migration } from './types.ts';

/*
 * The teacher's final word on a submission, beside the per-criterion `reviews` rows of step 1:
 *
 * - submission_reviews: one row per reviewed submission (overall feedback, final score, an
 *   adjustment outside the rubric with its reason, draft or accepted). `version` grows by one on
 *   every save, so a save based on an older version is refused instead of overwriting what
 *   another window wrote.
 * - review_audit: every change, who made it, when, from what to what. Append-only (the triggers
 *   refuse UPDATE and DELETE) and without foreign keys, like api_calls: the record of what a
 *   teacher decided outlives any tidying of the work it was about.
 */
export const migration010: Migration = {
  version: 10,
  name: 'review_records',
  up(db) {
    db.exec(`
      CREATE TABLE submission_reviews (
        submission_id     INTEGER PRIMARY KEY NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        -- 'draft' | 'accepted'
        status            TEXT NOT NULL,
        final_score       REAL NOT NULL,
        max_score         REAL NOT NULL,
        feedback          TEXT NOT NULL,
        adjustment_points REAL NOT NULL DEFAULT 0,
        adjustment_reason TEXT,
        version           INTEGER NOT NULL CHECK (version >= 1),
        reviewed_by       TEXT NOT NULL,
        updated_at        INTEGER NOT NULL,
        accepted_at       INTEGER
      ) STRICT;

      CREATE TABLE review_audit (
        id            INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL,
        at            INTEGER NOT NULL,
        who           TEXT NOT NULL,
        -- the submission_reviews version this change produced
        version       INTEGER NOT NULL,
        -- 'points' | 'feedback' | 'adjustment' | 'status'
        field         TEXT NOT NULL,
        criterion_id  TEXT,
        from_value    TEXT,
        to_value      TEXT
      ) STRICT;
      CREATE INDEX review_audit_submission ON review_audit (submission_id, id);

      CREATE TRIGGER review_audit_no_update BEFORE UPDATE ON review_audit
      BEGIN SELECT RAISE(ABORT, 'review_audit is append-only'); END;
      CREATE TRIGGER review_audit_no_delete BEFORE DELETE ON review_audit
      BEGIN SELECT RAISE(ABORT, 'review_audit is append-only'); END;

    `);
  },
};
