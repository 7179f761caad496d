import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const PRODUCT_NAME = 'GradeDesk';

/**
 * The folder Electron's `app.getPath('userData')` resolves to for this app, computed without
 * Electron so that the CLI and browser mode open the same database as the desktop app.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** `GRADEDESK_DB` and `GRADEDESK_CONFIG` override the files in the data folder (DESIGN §6). */
export function resolveDataFiles(env: NodeJS.ProcessEnv = process.env, dataDir: string = defaultDataDir(env)) {
  return {
    dataDir,
    dbPath: env.GRADEDESK_DB && env.GRADEDESK_DB !== '' ? env.GRADEDESK_DB : join(dataDir, 'gradedesk.db'),
    configPath: env.GRADEDESK_CONFIG && env.GRADEDESK_CONFIG !== '' ? env.GRADEDESK_CONFIG : join(dataDir, 'config.json'),
  };
}

/**
 * The folder of the database, made before the database is opened: owner-only (0700), since it
 * holds students' work and names. The app's own data folder is also tightened when an older
 * GradeDesk created it readable by everyone; a folder the teacher chose (GRADEDESK_DB, --db) is
 * only created, never changed.
 */
export function makeDataFolder(files: { dataDir: string; dbPath: string }): void {
  const folder = dirname(resolve(files.dbPath));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (folder !== resolve(files.dataDir)) return;
  try {
    chmodSync(folder, 0o700);
  } catch {
    // Not ours to change (another user's folder): it stays as it is.
  }
}
