/**
 * What GradeDesk writes holds students' work, names and grades: the data folder, the database
 * with its WAL and shared-memory files, and an export are the owner's alone (0700 / 0600), even
 * under a umask that would let everyone read them. No file modes on Windows.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDataFolder } from '../../../electron/app/data-files.ts';
import { cli, RUBRIC, simulatorForSuite, writeConfig, writeEssays } from './helpers.ts';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Runs `fn` under umask 000, where anything not made owner-only is world-readable. */
async function underOpenUmask<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = process.umask(0o000);
  try {
    return await fn();
  } finally {
    process.umask(before);
  }
}

describe.skipIf(process.platform === 'win32')('files only their owner can read', () => {
  const suite = simulatorForSuite();

  it('grades into an owner-only data folder and database, and exports owner-only', async () => {
    const { sim, dir } = suite;
    const essays = writeEssays(dir, 2);
    const config = writeConfig(dir, sim.baseUrl);
    // The default data folder, as on Linux (XDG_CONFIG_HOME); GRADEDESK_DB unset.
    const env = { XDG_CONFIG_HOME: join(dir, 'xdg'), GRADEDESK_DB: '' };
    const dataDir = join(dir, 'xdg', 'GradeDesk');
    await underOpenUmask(async () => {
      const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      const batchId = (JSON.parse(run.stdout) as { batch_id: string }).batch_id;
      const out = join(dir, 'grades.csv');
      expect((await cli(['export', batchId, '--format', 'csv', '--out', out], env)).code).toBe(0);
      expect(modeOf(out)).toBe(0o600);
    });
    if (process.platform === 'linux') {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'gradedesk.db'))).toBe(0o600);
    }
  });

  it('tightens the app’s own data folder, but only creates a folder the teacher chose', async () => {
    const { dir } = suite;
    const own = join(dir, 'own', 'GradeDesk');
    const chosen = join(dir, 'chosen');
    mkdirSync(own, { recursive: true, mode: 0o755 });
    mkdirSync(chosen, { recursive: true, mode: 0o755 });
    await underOpenUmask(() => {
      makeDataFolder({ dataDir: own, dbPath: join(own, 'gradedesk.db') });
      makeDataFolder({ dataDir: own, dbPath: join(chosen, 'grades.db') });
      makeDataFolder({ dataDir: own, dbPath: join(dir, 'new', 'deeper', 'grades.db') });
    });
    expect(modeOf(own)).toBe(0o700);
    expect(modeOf(chosen)).toBe(0o755);
    expect(modeOf(join(dir, 'new'))).toBe(0o700);
    expect(modeOf(join(dir, 'new', 'deeper'))).toBe(0o700);
  });
});
