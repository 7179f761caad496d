import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import type { SecretStore } from '../secrets/secret-store.ts';

/**
 * The desktop app's keychain adapter: secrets are encrypted with Electron `safeStorage` (the
 * OS keychain / DPAPI / libsecret key) and kept as a JSON map of name → base64 ciphertext in
 * one file in userData. Plain text is never written: without a real keychain `set` refuses.
 */

/** The part of Electron's `safeStorage` the store uses; tests pass a reversible fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text` means a hard-coded key, which is no protection at all. */
  getSelectedStorageBackend?(): string;
}

export interface SafeStorageSecretStoreOptions {
  /** Defaults to `process.platform`; the Linux backend check only runs on Linux. */
  platform?: NodeJS.Platform;
}

const KEYCHAIN_UNAVAILABLE =
  "GradeDesk cannot save the API key because this computer's keychain is not available (on Linux: " +
  'install or unlock GNOME Keyring or KWallet). Until then, set the key in the environment variable ' +
  'named in the config file.';

const FILE_MODE = 0o600;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Whether `safeStorage` really encrypts here: Linux's `basic_text` backend does not. */
export function encryptionAvailable(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && typeof safeStorage.getSelectedStorageBackend === 'function') {
    return safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }
  return true;
}

async function readMap(filePath: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (isMissing(error)) return new Map();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Map();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Map();
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') map.set(name, value);
  }
  return map;
}

async function writeMap(filePath: string, map: Map<string, string>): Promise<void> {
  await mkdir(dirname(filePath), { recursive: true, mode: 0o700 });
  const temp = `${filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    try {
      await handle.writeFile(JSON.stringify(Object.fromEntries(map), null, 2) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filePath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * One operation at a time: read-modify-write must not interleave, and a get issued after a
 * set sees it.
 */
function serializer(): <T>(operation: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (operation) => {
    const run = tail.then(operation, operation);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * A `SecretStore` in `filePath`, encrypted with `safeStorage`.
 *
 * - Writes are atomic (a private temp file, fsync, rename; mode 0600) and serialized, so
 *   concurrent `set`s never lose each other and a crash leaves the old or the new file.
 * - `get` answers null for an entry that cannot be decrypted (keychain reset, file copied from
 *   another account): the key shows as missing and the teacher can enter it again.
 * - A file that is not a JSON map of strings is treated as empty and replaced on the next write;
 *   nothing in it could be decrypted into a usable key anyway.
 * - `set` throws AppError INTERNAL_ERROR with a teacher-readable message when encryption is
 *   unavailable, including Linux's `basic_text` fallback.
 */
export function createSafeStorageSecretStore(
  safeStorage: SafeStorageLike,
  filePath: string,
  options: SafeStorageSecretStoreOptions = {},
): SecretStore {
  const platform = options.platform ?? process.platform;
  const serialized = serializer();

  return {
    get: (name) =>
      serialized(async () => {
        const encoded = (await readMap(filePath)).get(name);
        if (encoded === undefined) return null;
        try {
          return safeStorage.decryptString(Buffer.from(encoded, 'base64'));
        } catch {
          return null;
        }
      }),

    set: (name, value) =>
      serialized(async () => {
        if (!encryptionAvailable(safeStorage, platform)) throw new AppError('INTERNAL_ERROR', KEYCHAIN_UNAVAILABLE, { secret: name });
        const map = await readMap(filePath);
        map.set(name, safeStorage.encryptString(value).toString('base64'));
        await writeMap(filePath, map);
      }),

    delete: (name) =>
      serialized(async () => {
        const map = await readMap(filePath);
        if (!map.delete(name)) return;
        await writeMap(filePath, map);
      }),
  };
}
