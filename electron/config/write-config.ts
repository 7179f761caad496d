import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseConfig, type Config } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import { MAX_CONFIG_BYTES } from './load-config.ts';

/**
 * The writer beside the loader: the desktop app keeps its own config file (models added on
 * screen) in the data folder. Every write is validated exactly as `loadConfigFile` validates a
 * file, so what the app writes it can always read back; fields this version does not know are
 * carried through untouched, since a newer GradeDesk or the teacher may have written them.
 */

/** The config as JSON, before validation: what a change edits. */
export type RawConfig = Record<string, unknown>;

const FILE_MODE = 0o600;

const isRecord = (value: unknown): value is RawConfig => typeof value === 'object' && value !== null && !Array.isArray(value);

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * The file as it is now, or an empty config when there is none. A file that is not a JSON
 * object is refused rather than replaced: the teacher wrote it, and overwriting would lose it.
 */
export async function readRawConfig(path: string): Promise<RawConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return { models: {} };
    throw new AppError('CONFIG_WRITE_FAILED', `The config file ${path} could not be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `The config file ${path} is not valid JSON (${(error as Error).message}); correct it before changing models here.`);
  }
  if (!isRecord(value)) throw new AppError('CONFIG_INVALID', `The config file ${path} is not a JSON object; correct it before changing models here.`);
  return value;
}

/** The file's current mode, so a teacher's stricter choice survives a rewrite. */
async function modeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return FILE_MODE;
  }
}

/** A private temp file beside the target, flushed, then renamed over it: a crash leaves the old or the new file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const mode = await modeOf(path);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if (error instanceof AppError) throw error;
    throw new AppError('CONFIG_WRITE_FAILED', `The config file ${path} could not be written: ${(error as Error).message}`);
  }
}

/** Validates a config value as the loader does (schema, endpoints, size); the error names the field. */
export function validateRawConfig(raw: RawConfig): { config: Config; text: string } {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new AppError(parsed.error.code, parsed.error.message);
  const text = JSON.stringify(raw, null, 2) + '\n';
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new AppError('CONFIG_INVALID', 'The config would be larger than 1 MiB; remove some models first.');
  return { config: parsed.data, text };
}

const queues = new Map<string, Promise<unknown>>();

/** One change at a time per file: two read-modify-writes must not lose each other. */
function serialized<T>(path: string, operation: () => Promise<T>): Promise<T> {
  const tail = queues.get(path) ?? Promise.resolve();
  const run = tail.then(operation, operation);
  const settled = run.catch(() => undefined);
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return run;
}

/**
 * Reads the file (or an empty config), applies `change` to a copy, validates the result and
 * writes it atomically. Nothing is written when the change or the validation fails.
 */
export function updateConfigFile(path: string, change: (raw: RawConfig) => RawConfig): Promise<Config> {
  return serialized(path, async () => {
    const current = await readRawConfig(path);
    const next = change(structuredClone(current));
    const { config, text } = validateRawConfig(next);
    await writeAtomically(path, text);
    return config;
  });
}
