import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A worker-thread entry bundled the way scripts/build.mjs bundles it for the app, written under
 * node_modules/.cache so its external packages resolve as they do from dist-electron/. Returns
 * the bundle's URL, to start a worker from.
 */
export async function buildWorkerBundle(entry: string, cacheFolder: string, fileName: string): Promise<URL> {
  const outDir = `${ROOT}node_modules/.cache/${cacheFolder}/`;
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [`${ROOT}${entry}`],
    outfile: `${outDir}${fileName}`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return pathToFileURL(`${outDir}${fileName}`);
}
