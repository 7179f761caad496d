import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretStore } from './secret-store.ts';

/**
 * Keys in a plain JSON file readable only by this user (mode 0600): what a teacher may choose,
 * explicitly, on a computer whose only keychain backend is plain text anyway (Linux without
 * GNOME Keyring or KWallet). The file says at its top that it is not encrypted, so nobody who
 * opens it mistakes it for a protected store.
 */

const FILE_MODE = 0o600;

export const PLAIN_TEXT_WARNING =
  'NOT ENCRYPTED. GradeDesk keeps these API keys in plain text because this computer has no keychain and the teacher chose to store them anyway. Anyone who can read this file can use the keys.';

interface PlainFile {
  warning: string;
  keys: Record<string, string>;
}

async function readKeys(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PlainFile> | null;
    const keys = parsed && typeof parsed.keys === 'object' && parsed.keys !== null ? parsed.keys : {};
    return new Map(Object.entries(keys).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return new Map();
  }
}

async function writeKeys(path: string, keys: Map<string, string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  if (keys.size === 0) {
    await unlink(path).catch(() => undefined);
    return;
  }
  const body: PlainFile = { warning: PLAIN_TEXT_WARNING, keys: Object.fromEntries(keys) };
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(JSON.stringify(body, null, 2) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** A `SecretStore` in a plain-text file (mode 0600); an emptied store removes its file. */
export function createPlainTextSecretStore(path: string): SecretStore {
  let tail: Promise<unknown> = Promise.resolve();
  const serialized = <T>(operation: () => Promise<T>): Promise<T> => {
    const run = tail.then(operation, operation);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    get: (name) => serialized(async () => (await readKeys(path)).get(name) ?? null),
    set: (name, value) =>
      serialized(async () => {
        const keys = await readKeys(path);
        keys.set(name, value);
        await writeKeys(path, keys);
      }),
    delete: (name) =>
      serialized(async () => {
        const keys = await readKeys(path);
        if (keys.delete(name)) await writeKeys(path, keys);
      }),
  };
}
