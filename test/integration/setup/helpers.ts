import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppHost, type AppHost, type AppHostOptions } from '../../../electron/app/app-host.ts';
import { createSessionKeyVault } from '../../../electron/secrets/key-vault.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';

export interface HostFixture {
  dir: string;
  host: AppHost;
  configFile: string;
  /** Every line the app logged, as written. */
  logLines: string[];
  /** Every file the app wrote into its folder, as text. */
  everythingOnDisk(): string;
  close(): Promise<void>;
}

/** An app host on a fresh folder (database, config file), with no config yet unless `prepare` writes one. */
export async function startHost(prefix: string, options: Partial<AppHostOptions> = {}, prepare?: (dir: string) => void): Promise<HostFixture> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  prepare?.(dir);
  const configFile = join(dir, 'config.json');
  const logLines: string[] = [];
  const host = await createAppHost({
    configFile,
    dbPath: join(dir, 'gradedesk.db'),
    demo: false,
    mode: 'browser',
    vault: createSessionKeyVault(createEnvSecretStore({})),
    localProbes: [],
    log: (level, message, details) => logLines.push(`${level} ${message} ${JSON.stringify(details ?? {})}`),
    ...options,
  });
  return {
    dir,
    host,
    configFile,
    logLines,
    everythingOnDisk: () =>
      readdirSync(dir)
        .map((name) => readFileSync(join(dir, name)).toString('latin1'))
        .join('\n'),
    async close() {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
