// Builds what the app needs: the renderer with Vite, and the main process and preload with
// esbuild (the preload as CommonJS, because sandboxed preloads cannot be ES modules).
// `node scripts/build.mjs renderer` builds only the renderer (browser mode and e2e tests).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const only = process.argv[2];

await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

if (only !== 'renderer') {
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
  await esbuild({
    ...common,
    entryPoints: ['electron/shell/main.ts'],
    outfile: 'dist-electron/main.js',
    format: 'esm',
    packages: 'external',
  });
  // The document-extraction worker thread; main.js starts it from its own folder (electron/grading/documents/pool.ts).
  await esbuild({
    ...common,
    entryPoints: ['electron/grading/documents/worker.ts'],
    outfile: 'dist-electron/documents-worker.js',
    format: 'esm',
    packages: 'external',
  });
  // The audit-trail thread; main.js and cli.mjs start it from their folder (electron/monitor/threaded-recorder.ts).
  await esbuild({
    ...common,
    entryPoints: ['electron/monitor/audit-thread.ts'],
    outfile: 'dist-electron/audit-worker.js',
    format: 'esm',
    packages: 'external',
  });
  // The headless `gradedesk` command (package.json "bin"); same core, same database.
  await esbuild({
    ...common,
    entryPoints: ['electron/cli.ts'],
    outfile: 'dist-electron/cli.mjs',
    format: 'esm',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
  });
  await esbuild({
    ...common,
    entryPoints: ['electron/shell/preload.ts'],
    outfile: 'dist-electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  });
}
