import { AppError } from '../../shared/errors.ts';
import { chainSecretStores, createMemorySecretStore, type SecretStore } from './secret-store.ts';

/**
 * Where the keys a teacher enters on screen are kept, and the policy for it:
 * - `encrypted`: the OS keychain (Electron safeStorage) protects them;
 * - `plain_text_only`: this computer offers nothing better than plain text (Linux without a
 *   keyring): a key is refused unless the teacher explicitly accepts an unencrypted file;
 * - `session_only`: browser mode, which has no keychain: keys live in memory until it stops.
 * Keys set in the environment (the CLI's way) are always read, after the stored ones.
 */
export type KeychainKind = 'encrypted' | 'plain_text_only' | 'session_only';

/** Where one key is found now. */
export type KeyStorage = 'encrypted' | 'plain_text' | 'session' | 'environment';

export interface KeyVault {
  readonly kind: KeychainKind;
  /** Every place a key may be, for the core's lookups; writes go to the safest one available. */
  readonly secrets: SecretStore;
  where(name: string): Promise<KeyStorage | null>;
  /** Throws KEYCHAIN_PLAIN_TEXT_ONLY when `save` would refuse, before anything is sent or stored. */
  assertStorable(options: { allowPlainText: boolean }): void;
  /** Stores a key by the policy above; throws KEYCHAIN_PLAIN_TEXT_ONLY when plain text was not accepted. */
  save(name: string, value: string, options: { allowPlainText: boolean }): Promise<KeyStorage>;
  /** Forgets a key everywhere the app wrote it (the environment is not the app's to change). */
  remove(name: string): Promise<void>;
}

const PLAIN_TEXT_REFUSED =
  "This computer has no keychain to encrypt the API key with (on Linux: install or unlock GNOME Keyring or KWallet, then restart GradeDesk). The key was not saved. You can choose to save it unencrypted in a file only your user account can read.";

interface Located {
  storage: KeyStorage;
  store: SecretStore;
}

async function locate(name: string, stores: readonly Located[]): Promise<KeyStorage | null> {
  for (const { storage, store } of stores) {
    if ((await store.get(name)) !== null) return storage;
  }
  return null;
}

/** Browser mode: no keychain, so a key entered on screen lasts as long as this process. */
export function createSessionKeyVault(env: SecretStore): KeyVault {
  const session = createMemorySecretStore();
  const stores: Located[] = [
    { storage: 'session', store: session },
    { storage: 'environment', store: env },
  ];
  return {
    kind: 'session_only',
    secrets: chainSecretStores(session, env),
    where: (name) => locate(name, stores),
    assertStorable() {},
    async save(name, value) {
      await session.set(name, value);
      return 'session';
    },
    remove: (name) => session.delete(name),
  };
}

export interface DesktopVaultParts {
  /** The keychain-backed store (safe-storage-store.ts). */
  encrypted: SecretStore;
  /** Whether the keychain really encrypts (false for Linux's `basic_text`). */
  encryptionAvailable: () => boolean;
  /** The unencrypted file a teacher may opt into (plain-text-store.ts). */
  plainText: SecretStore;
  env: SecretStore;
}

/** The desktop app: the keychain when there is one; plain text only when the teacher says so. */
export function createDesktopKeyVault(parts: DesktopVaultParts): KeyVault {
  const kind: KeychainKind = parts.encryptionAvailable() ? 'encrypted' : 'plain_text_only';
  const stores: Located[] = [
    { storage: 'encrypted', store: parts.encrypted },
    { storage: 'plain_text', store: parts.plainText },
    { storage: 'environment', store: parts.env },
  ];
  return {
    kind,
    secrets: chainSecretStores(parts.encrypted, parts.plainText, parts.env),
    where: (name) => locate(name, stores),
    assertStorable({ allowPlainText }) {
      if (kind === 'plain_text_only' && !allowPlainText) throw new AppError('KEYCHAIN_PLAIN_TEXT_ONLY', PLAIN_TEXT_REFUSED);
    },
    async save(name, value, { allowPlainText }) {
      if (kind === 'encrypted') {
        await parts.encrypted.set(name, value);
        // An older unencrypted copy must not outlive the encrypted one.
        await parts.plainText.delete(name);
        return 'encrypted';
      }
      if (!allowPlainText) throw new AppError('KEYCHAIN_PLAIN_TEXT_ONLY', PLAIN_TEXT_REFUSED);
      await parts.plainText.set(name, value);
      return 'plain_text';
    },
    async remove(name) {
      await parts.encrypted.delete(name);
      await parts.plainText.delete(name);
    },
  };
}
