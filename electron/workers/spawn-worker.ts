/**
 * Starting a worker thread whose code is TypeScript when run from source and a bundled file in
 * the app. Node 20 workers do not inherit the parent's loader hooks, so from source the worker
 * registers tsx's ESM API itself before importing its entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The worker beside the running module: `sourceFile` (e.g. `./worker.ts`) when this runs from
 * source, `bundledFile` (written by scripts/build.mjs next to the bundle) when it runs bundled.
 */
export function workerUrlBeside(moduleUrl: string, sourceFile: string, bundledFile: string): URL {
  return new URL(moduleUrl).pathname.endsWith('.ts') ? new URL(sourceFile, moduleUrl) : new URL(`./${bundledFile}`, moduleUrl);
}

let tsxApiUrl: string | null = null;

/** `tsx/esm/api` as an ESM file URL (createRequire resolves the CommonJS variant). */
function tsxEsmApiUrl(): string {
  if (tsxApiUrl) return tsxApiUrl;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } | string }> };
  const entry = pkg.exports?.['./esm/api'];
  const relative = typeof entry === 'object' && typeof entry.import === 'object' ? entry.import.default : undefined;
  if (!relative) throw new Error('tsx does not export ./esm/api');
  tsxApiUrl = pathToFileURL(join(dirname(manifest), relative)).href;
  return tsxApiUrl;
}

/**
 * Starts the worker at `url`. From source, `preloadBeforeTsx` lists big plain-JS packages to
 * import before tsx is registered: through tsx's hooks they load many times slower, and the
 * module cache then serves the worker's own imports of them.
 */
export function spawnWorker(url: URL, options: WorkerOptions = {}, preloadBeforeTsx: readonly string[] = []): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const require = createRequire(import.meta.url);
  const preload = preloadBeforeTsx.map((specifier) => pathToFileURL(require.resolve(specifier)).href);
  const bootstrap = [
    `const preload = ${JSON.stringify(preload)};`,
    `Promise.all(preload.map((url) => import(url)))`,
    `.then(() => import(${JSON.stringify(tsxEsmApiUrl())}))`,
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
  ].join('\n');
  return new Worker(bootstrap, { ...options, eval: true });
}
