import type { Migration } from './types.ts';

/*
 * The rubric library: the rubrics a teacher saved to use again. A `rubrics` row is never
 * changed once written, because batches point at the exact rubric they were graded with; so a
 * saved rubric is an entry (`rubric_library`) with numbered versions, each version its own
 * `rubrics` row, and editing adds a version. Removing an entry from the library only hides it
 * (`deleted_at`): its rows stay for the batches that used them.
 */
export const migration009: Migration = {
  version: 9,
  name: 'rubric_library',
  up(db) {
    db.exec(`
      CREATE TABLE rubric_library (
        id          TEXT PRIMARY KEY NOT NULL,  -- 'rl_…'
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        -- hidden from the library; NULL = listed
        deleted_at  INTEGER
      ) STRICT;
      CREATE INDEX rubric_library_listed ON rubric_library (deleted_at, updated_at);

      CREATE TABLE rubric_library_versions (
        -- one rubrics row belongs to at most one entry
        rubric_id   TEXT PRIMARY KEY NOT NULL REFERENCES rubrics (id),
        library_id  TEXT NOT NULL REFERENCES rubric_library (id),
        version     INTEGER NOT NULL CHECK (version >= 1),
        saved_at    INTEGER NOT NULL,
        UNIQUE (library_id, version)
      ) STRICT;
    `);
  },
};
