import { readFileSync, statSync } from 'node:fs';
import { parseConfigText, type Config } from '../../shared/config.ts';
import { fail, type Result } from '../../shared/errors.ts';

/** A config file larger than this is not a config file; refuse before reading it into memory. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads and validates a config file; every failure is a coded value, never a throw. */
export function loadConfigFile(path: string): Result<Config> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return fail('CONFIG_NOT_FOUND', `No config file at ${path}.`);
  }
  if (size > MAX_CONFIG_BYTES) {
    return fail('CONFIG_INVALID', `The config file ${path} is larger than 1 MiB; is it the right file?`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail('CONFIG_NOT_FOUND', `Could not read the config file ${path}: ${(e as Error).message}`);
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok) return fail(parsed.error.code, `${path}: ${parsed.error.message}`);
  return parsed;
}
