import type { Migration } from './types.ts';

/*
 * A new batch is recorded as its files are read, a few at a time, instead of in one
 * transaction at the end: a class of scanned PDFs no longer sits in memory at once, and a
 * crash after twenty minutes of reading keeps what was read.
 *
 * - batch_files_to_read: the files collected for a batch and not recorded yet. The whole list
 *   is written with the batch row; each file's row is deleted in the same transaction that
 *   records its submission, so a file is either still to read or recorded, never both and never
 *   twice. A batch with rows here is still being prepared; `resume` reads the rest.
 * - batches.preparer: the lease owner (lease-owner.ts) of the process reading the batch's files,
 *   NULL when none is. Another process leaves a batch alone while that owner lives, as it does
 *   a batch whose jobs are leased.
 *
 * A file identical to one recorded in an earlier chunk, or by an earlier process, is found by its
 * hash in the store (submissions_file_hash, from 001): no index is added for it.
 *
 * No status value is added: a batch being prepared is `running` (or `interrupted` once stopped),
 * statuses every reader and DESIGN §6 already know.
 */
export const migration013: Migration = {
  version: 13,
  name: 'batch_preparation',
  up(db) {
    db.exec(`
      ALTER TABLE batches ADD COLUMN preparer TEXT;

      CREATE TABLE batch_files_to_read (
        batch_id  TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,          -- order of collection, from 0
        file      TEXT NOT NULL,             -- as recorded and shown (the submission's file)
        path      TEXT NOT NULL,             -- the absolute path to read
        student   TEXT,                      -- the student the teacher named for it, if any
        PRIMARY KEY (batch_id, position)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
