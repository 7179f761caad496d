import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createAppHost, type AppHost, type AppHostOptions } from '../../../electron/app/app-host.ts';
import { createSessionKeyVault } from '../../../electron/secrets/key-vault.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';

export function tempDir(prefix: string): { dir: string; dbPath: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dbPath: join(dir, 'gradedesk.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The app host in demo mode (the simulated provider), as browser mode serves it. */
export function openHost(dbPath: string, options: Partial<AppHostOptions> = {}): Promise<AppHost> {
  return createAppHost({
    configFile: join(dbPath, '..', 'config.json'),
    dbPath,
    demo: true,
    mode: 'browser',
    vault: createSessionKeyVault(createEnvSecretStore({})),
    localProbes: [],
    catalogWaitMs: 0,
    ...options,
  });
}

/** Rows per table of a closed database file (or a backup), read-only. */
export function countRows(file: string, tables: readonly string[]): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

export function quickCheck(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } finally {
    db.close();
  }
}
