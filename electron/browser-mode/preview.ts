import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppHost } from '../app/app-host.ts';
import { makeDataFolder, resolveDataFiles } from '../app/data-files.ts';
import { exportsFolder } from '../exports/folder.ts';
import { createFileLog, teeLog } from '../logging/log-file.ts';
import { createSessionKeyVault } from '../secrets/key-vault.ts';
import { createEnvSecretStore } from '../secrets/secret-store.ts';
import { startBrowserMode } from './server.ts';

/**
 * `npm run preview`: the built renderer with the real core, over loopback, for any Chromium.
 * GRADEDESK_CONFIG and GRADEDESK_DB choose the files; `--demo` uses the simulated provider;
 * GRADEDESK_OPENROUTER_URL points OpenRouter's API root elsewhere (a provider simulator).
 * There is no keychain here: keys entered on screen last until the preview stops.
 */
async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const files = resolveDataFiles();
  makeDataFolder(files);
  const demo = process.argv.includes('--demo');
  const portArg = process.argv.find((a) => a.startsWith('--port='));
  const openRouterUrl = process.env.GRADEDESK_OPENROUTER_URL;
  const fileLog = createFileLog({ dataDir: dirname(resolve(files.dbPath)) });
  const app = await createAppHost({
    configFile: files.configPath,
    configFileChosen: Boolean(process.env.GRADEDESK_CONFIG),
    dbPath: files.dbPath,
    demo,
    mode: 'browser',
    vault: createSessionKeyVault(createEnvSecretStore()),
    ...(openRouterUrl ? { openRouterBaseUrl: openRouterUrl } : {}),
    log: teeLog(fileLog.log, (level, message, details) => process.stderr.write(`[${level}] ${message} ${details ? JSON.stringify(details) : ''}\n`)),
    logPath: fileLog.path,
  });
  const server = await startBrowserMode({
    app,
    rendererDir: join(root, 'dist', 'renderer'),
    exportsDir: exportsFolder(files.dbPath),
    port: portArg ? Number(portArg.slice('--port='.length)) : 0,
    onInternalError: (route, error) => {
      fileLog.log('error', `request ${route} failed`, { error: String(error) });
      process.stderr.write(`[error] ${route}: ${String(error)}\n`);
    },
  });
  process.stdout.write(`GradeDesk browser mode${demo ? ' (simulated provider)' : ''}\n`);
  process.stdout.write(`Database: ${files.dbPath}\n`);
  process.stdout.write(`Log:      ${fileLog.path}\n`);
  if (!demo) process.stdout.write(`Config:   ${files.configPath}\n`);
  process.stdout.write(`Open ${server.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => app.close()).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  process.stderr.write(`${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}\n`);
  process.exit(2);
});
