import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDesktopKeyVault, createSessionKeyVault } from '../../../electron/secrets/key-vault.ts';
import { createPlainTextSecretStore, PLAIN_TEXT_WARNING } from '../../../electron/secrets/plain-text-store.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';
import { createSafeStorageSecretStore, encryptionAvailable, type SafeStorageLike } from '../../../electron/shell/safe-storage-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'gd-vault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEY = 'sk-or-v1-abcdefghijklmnopqrstuvwxyz0123456789';

function keychain(backend: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (text) => Buffer.from(text.split('').reverse().join(''), 'utf8'),
    decryptString: (buffer) => buffer.toString('utf8').split('').reverse().join(''),
  };
}

let n = 0;
function desktopVault(backend: string) {
  const folder = join(dir, `user-${++n}`);
  const safe = keychain(backend);
  const vault = createDesktopKeyVault({
    encrypted: createSafeStorageSecretStore(safe, join(folder, 'secrets.json'), { platform: 'linux' }),
    encryptionAvailable: () => encryptionAvailable(safe, 'linux'),
    plainText: createPlainTextSecretStore(join(folder, 'plain.json')),
    env: createEnvSecretStore({}),
  });
  return { vault, folder };
}

describe('where keys entered on screen are kept', () => {
  it('with a real keychain: encrypted, never in plain text on disk', async () => {
    const { vault, folder } = desktopVault('gnome_libsecret');
    expect(vault.kind).toBe('encrypted');
    await expect(vault.save('OPENROUTER_API_KEY', KEY, { allowPlainText: false })).resolves.toBe('encrypted');
    await expect(vault.secrets.get('OPENROUTER_API_KEY')).resolves.toBe(KEY);
    await expect(vault.where('OPENROUTER_API_KEY')).resolves.toBe('encrypted');
    expect(readFileSync(join(folder, 'secrets.json'), 'utf8')).not.toContain(KEY);
    expect(existsSync(join(folder, 'plain.json'))).toBe(false);
  });

  it('when the only backend is plain text: refused with an explanation, and nothing is written', async () => {
    const { vault, folder } = desktopVault('basic_text');
    expect(vault.kind).toBe('plain_text_only');
    expect(() => vault.assertStorable({ allowPlainText: false })).toThrow(expect.objectContaining({ code: 'KEYCHAIN_PLAIN_TEXT_ONLY' }));
    const error = await vault.save('OPENROUTER_API_KEY', KEY, { allowPlainText: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEYCHAIN_PLAIN_TEXT_ONLY' });
    expect((error as Error).message).toMatch(/keychain/i);
    expect((error as Error).message).not.toContain(KEY);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    await expect(vault.secrets.get('OPENROUTER_API_KEY')).resolves.toBeNull();
  });

  it('when the teacher opts in: a file only they can read, labelled as not encrypted; forgetting removes it', async () => {
    const { vault, folder } = desktopVault('basic_text');
    vault.assertStorable({ allowPlainText: true });
    await expect(vault.save('OPENROUTER_API_KEY', KEY, { allowPlainText: true })).resolves.toBe('plain_text');
    const file = join(folder, 'plain.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const body = JSON.parse(readFileSync(file, 'utf8')) as { warning: string; keys: Record<string, string> };
    expect(body.warning).toBe(PLAIN_TEXT_WARNING);
    expect(body.warning).toMatch(/NOT ENCRYPTED/);
    expect(body.keys.OPENROUTER_API_KEY).toBe(KEY);
    await expect(vault.where('OPENROUTER_API_KEY')).resolves.toBe('plain_text');
    await vault.remove('OPENROUTER_API_KEY');
    expect(existsSync(file)).toBe(false);
    await expect(vault.secrets.get('OPENROUTER_API_KEY')).resolves.toBeNull();
  });

  it('in browser mode: memory for this session only; the environment is still read', async () => {
    const vault = createSessionKeyVault(createEnvSecretStore({ FROM_ENV: 'sk-env-value' }));
    expect(vault.kind).toBe('session_only');
    await expect(vault.where('FROM_ENV')).resolves.toBe('environment');
    await expect(vault.save('OPENROUTER_API_KEY', KEY, { allowPlainText: false })).resolves.toBe('session');
    await expect(vault.where('OPENROUTER_API_KEY')).resolves.toBe('session');
    await vault.remove('OPENROUTER_API_KEY');
    await expect(vault.secrets.get('OPENROUTER_API_KEY')).resolves.toBeNull();
    await expect(vault.secrets.get('FROM_ENV')).resolves.toBe('sk-env-value');
  });
});
