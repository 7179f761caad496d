import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, insertApiCalls, LATEST_VERSION, MIGRATIONS, openDatabase, readUserVersion } from '../../../electron/store/index.ts';
import { migration001 } from '../../../electron/store/migrations/001_initial.ts';
import { attempt, tempDb } from './helpers.ts';

let t: ReturnType<typeof tempDb>;
let file: string;
beforeEach(() => {
  t = tempDb();
  file = path.join(t.dir, 'v1.db');
});
afterEach(() => t.cleanup());

describe('migration 002 (spend ledger)', () => {
  it('upgrades a version-1 database with data in it, keeping the data', () => {
    const v1 = openDatabase(file, { migrations: [migration001] });
    insertApiCalls(v1, [attempt({ id: 'kept' })]);
    expect(readUserVersion(v1)).toBe(1);
    closeDatabase(v1);

    const db = openDatabase(file);
    try {
      expect(MIGRATIONS.map((m) => m.name)).toContain('monitor_spend_ledger');
      expect(readUserVersion(db)).toBe(LATEST_VERSION);
      expect(db.prepare("SELECT id FROM api_calls WHERE id = 'kept'").get()).toBeTruthy();
      const indexes = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'spend_reservations'").all() as Array<{ name: string }>).map((r) => r.name);
      expect(indexes.sort()).toEqual(['spend_reservations_batch', 'spend_reservations_day', 'spend_reservations_outstanding']);
      // the table refuses what the ledger must never hold
      const insert = db.prepare('INSERT INTO spend_reservations (batch_id, day, estimated_usd, status, created_at) VALUES (?, ?, ?, ?, ?)');
      expect(() => insert.run('b', '2025-03-10', -1, 'reserved', 1)).toThrow(/CHECK/);
      expect(() => insert.run('b', 'March 10', 1, 'reserved', 1)).toThrow(/CHECK/);
      expect(() => insert.run('b', '2025-03-10', 'a lot', 'reserved', 1)).toThrow(/cannot store TEXT/); // STRICT
      insert.run(null, '2025-03-10', null, 'reserved', 1);
    } finally {
      closeDatabase(db);
    }
  });
});
