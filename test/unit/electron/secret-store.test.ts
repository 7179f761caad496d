import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { createSafeStorageSecretStore, type SafeStorageLike } from '../../../electron/shell/safe-storage-store.ts';
import { chainSecretStores, createEnvSecretStore, createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { describeSecretStoreContract } from './secret-store.contract.ts';

const PREFIX = Buffer.from('FAKE-OSCRYPT:');
const XOR_KEY = 0x5a;

/**
 * A reversible stand-in for Electron safeStorage: prefix + XOR. Not encryption, but the plain
 * text never appears in its output, which is what the store's file must show.
 */
function fakeSafeStorage(overrides: Partial<SafeStorageLike> = {}): SafeStorageLike & { encrypted: number } {
  const fake = {
    encrypted: 0,
    isEncryptionAvailable: () => true,
    encryptString(plainText: string): Buffer {
      fake.encrypted += 1;
      const body = Buffer.from(plainText, 'utf8').map((byte) => byte ^ XOR_KEY);
      return Buffer.concat([PREFIX, body]);
    },
    decryptString(encrypted: Buffer): string {
      if (!encrypted.subarray(0, PREFIX.length).equals(PREFIX)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(encrypted.subarray(PREFIX.length).map((byte) => byte ^ XOR_KEY)).toString('utf8');
    },
    ...overrides,
  };
  return fake;
}

const roots: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gradedesk-secrets-'));
  roots.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of roots) await rm(dir, { recursive: true, force: true });
});

describeSecretStoreContract('memory', () => createMemorySecretStore());
describeSecretStoreContract('safeStorage file', async () =>
  createSafeStorageSecretStore(fakeSafeStorage(), join(await tempDir(), 'secrets.json')),
);
describeSecretStoreContract('safeStorage file in a folder that does not exist yet', async () =>
  createSafeStorageSecretStore(fakeSafeStorage(), join(await tempDir(), 'nested', 'userData', 'secrets.json')),
);
// The env store reads `env[name]` directly, so names inherited from Object.prototype
// ('constructor', 'toString') throw on a plain object or on process.env itself; an empty
// null-prototype environment keeps these runs about the contract.
const emptyEnv = (): NodeJS.ProcessEnv => Object.create(null) as NodeJS.ProcessEnv;
describeSecretStoreContract('env (nothing in the environment)', () => createEnvSecretStore(emptyEnv()));
describeSecretStoreContract('chain(safeStorage file, env)', async () =>
  chainSecretStores(
    createSafeStorageSecretStore(fakeSafeStorage(), join(await tempDir(), 'secrets.json')),
    createEnvSecretStore(emptyEnv()),
  ),
);

describe('safeStorage secret store on disk', () => {
  const PLAIN = 'sk-or-v1-THIS-MUST-NEVER-BE-ON-DISK';

  it('stores a JSON map of name → base64 ciphertext, never the plain secret', async () => {
    const file = join(await tempDir(), 'secrets.json');
    const store = createSafeStorageSecretStore(fakeSafeStorage(), file);
    await store.set('OPENROUTER_API_KEY', PLAIN);
    await store.set('OPENAI_API_KEY', `${PLAIN}-2`);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(PLAIN);
    expect(text).not.toContain(Buffer.from(PLAIN).toString('base64'));
    const map = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(map).sort()).toEqual(['OPENAI_API_KEY', 'OPENROUTER_API_KEY']);
    const ciphertext = Buffer.from(map.OPENROUTER_API_KEY!, 'base64');
    expect(ciphertext.subarray(0, PREFIX.length).equals(PREFIX)).toBe(true);
    expect(fakeSafeStorage().decryptString(ciphertext)).toBe(PLAIN);
  });

  it('writes the file with mode 0600 and leaves no temp files behind', async () => {
    const dir = await tempDir();
    const file = join(dir, 'secrets.json');
    const store = createSafeStorageSecretStore(fakeSafeStorage(), file);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set(`K${i}`, `v${i}`)));
    await store.delete('K3');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secrets.json']);
  });

  it('persists across instances (the next launch reads what this one wrote)', async () => {
    const file = join(await tempDir(), 'secrets.json');
    await createSafeStorageSecretStore(fakeSafeStorage(), file).set('KEY', PLAIN);
    const reopened = createSafeStorageSecretStore(fakeSafeStorage(), file);
    await expect(reopened.get('KEY')).resolves.toBe(PLAIN);
    await reopened.delete('KEY');
    await expect(createSafeStorageSecretStore(fakeSafeStorage(), file).get('KEY')).resolves.toBeNull();
  });

  it('refuses to store when encryption is unavailable, with a message a teacher can act on', async () => {
    const dir = await tempDir();
    const file = join(dir, 'secrets.json');
    const safeStorage = fakeSafeStorage({ isEncryptionAvailable: () => false });
    const store = createSafeStorageSecretStore(safeStorage, file);
    const error = await store.set('KEY', PLAIN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INTERNAL_ERROR');
    expect((error as AppError).message).toMatch(/keychain/i);
    expect((error as AppError).message).not.toContain(PLAIN);
    expect(safeStorage.encrypted).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it("treats Linux's basic_text backend (a hard-coded key) as unavailable", async () => {
    const dir = await tempDir();
    const weak = fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' });
    await expect(createSafeStorageSecretStore(weak, join(dir, 's.json'), { platform: 'linux' }).set('K', PLAIN)).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
    });
    expect(await readdir(dir)).toEqual([]);
    const keyring = fakeSafeStorage({ getSelectedStorageBackend: () => 'gnome_libsecret' });
    await createSafeStorageSecretStore(keyring, join(dir, 's.json'), { platform: 'linux' }).set('K', PLAIN);
    // The Linux-only query is not consulted elsewhere.
    await createSafeStorageSecretStore(weak, join(dir, 'mac.json'), { platform: 'darwin' }).set('K', PLAIN);
  });

  it('answers null for an entry that cannot be decrypted (keychain reset), and can replace it', async () => {
    const file = join(await tempDir(), 'secrets.json');
    await writeFile(file, JSON.stringify({ KEY: Buffer.from('garbage').toString('base64'), OTHER: 42 }));
    const store = createSafeStorageSecretStore(fakeSafeStorage(), file);
    await expect(store.get('KEY')).resolves.toBeNull();
    await expect(store.get('OTHER')).resolves.toBeNull();
    await store.set('KEY', PLAIN);
    await expect(store.get('KEY')).resolves.toBe(PLAIN);
  });

  it('treats a corrupt file as empty and replaces it on the next write', async () => {
    for (const content of ['{not json', '[]', '"text"', 'null']) {
      const file = join(await tempDir(), 'secrets.json');
      await writeFile(file, content);
      const store = createSafeStorageSecretStore(fakeSafeStorage(), file);
      await expect(store.get('KEY'), content).resolves.toBeNull();
      await store.set('KEY', PLAIN);
      await expect(store.get('KEY'), content).resolves.toBe(PLAIN);
      expect(await readFile(file, 'utf8')).not.toContain(PLAIN);
    }
  });

  it('does not write the file for a delete that changes nothing', async () => {
    const dir = await tempDir();
    const store = createSafeStorageSecretStore(fakeSafeStorage(), join(dir, 'secrets.json'));
    await store.delete('NEVER_SET');
    expect(await readdir(dir)).toEqual([]);
  });
});
