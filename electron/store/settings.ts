/**
 * App settings as JSON values under string keys. Not for secrets: API keys live in the OS
 * keychain, never in SQLite.
 */
import { AppError } from '../../shared/errors.ts';
import type { ReadableDB, WritableDB } from './db-types.ts';
import { sql } from './sql.ts';
import { execute, queryAll, queryOne } from './statements.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface SettingRow {
  key: string;
  value: JsonValue;
  updatedAt: number;
}

/** The value stored under `key`, or undefined when there is none. */
export function getSetting(db: ReadableDB, key: string): JsonValue | undefined {
  const row = queryOne<{ value: string }>(db, sql`SELECT value FROM settings WHERE key = ${key}`);
  return row === undefined ? undefined : (JSON.parse(row.value) as JsonValue);
}

/**
 * Stores `value` under `key`, replacing any previous value. Throws INVALID_INPUT for a value
 * JSON cannot represent faithfully (undefined, a function, NaN or Infinity).
 */
export function setSetting(db: WritableDB, key: string, value: JsonValue, now: number = Date.now()): void {
  execute(
    db,
    sql`INSERT INTO settings (key, value, updated_at) VALUES (${key}, ${toJson(key, value)}, ${now})
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
}

/** Removes the setting; returns whether there was one. */
export function deleteSetting(db: WritableDB, key: string): boolean {
  return execute(db, sql`DELETE FROM settings WHERE key = ${key}`) > 0;
}

/** Every setting, by key. */
export function listSettings(db: ReadableDB): SettingRow[] {
  return queryAll<{ key: string; value: string; updated_at: number }>(
    db,
    sql`SELECT key, value, updated_at FROM settings ORDER BY key`,
  ).map((row) => ({ key: row.key, value: JSON.parse(row.value) as JsonValue, updatedAt: row.updated_at }));
}

function toJson(key: string, value: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite number');
      return v;
    });
  } catch (error) {
    throw new AppError('INVALID_INPUT', `The setting "${key}" has a value that cannot be saved.`, {
      key,
      cause: String(error),
    });
  }
  if (text === undefined) {
    throw new AppError('INVALID_INPUT', `The setting "${key}" has no value to save.`, { key });
  }
  return text;
}
