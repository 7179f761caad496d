/**
 * The staging folder: `<data folder>/staging/<item id>/<name as dropped>`. Items live in memory,
 * so at start the folders of the last session are debris, except those a batch took (marked):
 * a resumed batch reads its photos from there again. Those go after a month.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Written into an item's folder when a batch takes it. */
export const IN_BATCH_MARKER = '.in-batch';
const KEEP_IN_BATCH_MS = 30 * 24 * 3600_000;

/** Removes what the last session left; never throws (a folder it cannot remove stays). */
export async function sweepStagingFolder(stagingDir: string, now: number = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(stagingDir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const folder = join(stagingDir, name);
      const marker = await stat(join(folder, IN_BATCH_MARKER)).catch(() => null);
      if (marker !== null && now - marker.mtimeMs < KEEP_IN_BATCH_MS) return;
      await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    }),
  );
}
