import type { Migration } from './types.ts';

/*
 * Search that finds Chinese too. The index of step 1 used the unicode61 tokenizer, which splits
 * on spaces and punctuation: a Chinese sentence (no spaces) was one token, so neither 王芳 nor
 * 光合作用 inside a longer text could be found. The trigram tokenizer indexes every run of three
 * characters, so any substring of three or more characters is found, in any script, with case
 * and diacritics folded (Pérez is found by "perez").
 *
 * - The index is rebuilt over student, file and extracted_text (the file name holds the name
 *   when no roster was given), filled from the rows already there, and kept in step by triggers
 *   on insert, update and delete: whatever writes submissions (the app, the `gradedesk`
 *   command, a re-grade) is indexed the same way.
 * - Trigram matching needs three characters; a two-character name (王芳, "Li") is found through
 *   `submissions_student_file`, a covering index of the short columns, scanned with LIKE
 *   (see store/search.ts): a scan of names, never of the texts.
 * - `gradings_model_id`: the history's model filter and its list of models without a full scan.
 */
export const migration011: Migration = {
  version: 11,
  name: 'trigram_search',
  up(db) {
    db.exec(`
      DROP TRIGGER IF EXISTS submissions_fts_after_insert;
      DROP TRIGGER IF EXISTS submissions_fts_after_delete;
      DROP TRIGGER IF EXISTS submissions_fts_after_update;
      DROP TABLE IF EXISTS submissions_fts;

      CREATE VIRTUAL TABLE submissions_fts USING fts5 (
        student,
        file,
        extracted_text,
        content = 'submissions',
        content_rowid = 'id',
        tokenize = 'trigram remove_diacritics 1'
      );
      INSERT INTO submissions_fts (submissions_fts) VALUES ('rebuild');

      CREATE TRIGGER submissions_fts_after_insert AFTER INSERT ON submissions BEGIN
        INSERT INTO submissions_fts (rowid, student, file, extracted_text)
        VALUES (new.id, new.student, new.file, new.extracted_text);
      END;
      CREATE TRIGGER submissions_fts_after_delete AFTER DELETE ON submissions BEGIN
        INSERT INTO submissions_fts (submissions_fts, rowid, student, file, extracted_text)
        VALUES ('delete', old.id, old.student, old.file, old.extracted_text);
      END;
      CREATE TRIGGER submissions_fts_after_update AFTER UPDATE OF student, file, extracted_text ON submissions BEGIN
        INSERT INTO submissions_fts (submissions_fts, rowid, student, file, extracted_text)
        VALUES ('delete', old.id, old.student, old.file, old.extracted_text);
        INSERT INTO submissions_fts (rowid, student, file, extracted_text)
        VALUES (new.id, new.student, new.file, new.extracted_text);
      END;

      CREATE INDEX submissions_student_file ON submissions (student, file);
      CREATE INDEX gradings_model_id ON gradings (model_id);
    `);
  },
};
