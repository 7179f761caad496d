import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../electron/secrets/secret-store.ts';

/**
 * What every `SecretStore` promises, run against each implementation (the in-memory store and
 * the safeStorage keychain adapter). `factory` returns a fresh, empty store for each test.
 */
export function describeSecretStoreContract(name: string, factory: () => SecretStore | Promise<SecretStore>): void {
  describe(`SecretStore contract: ${name}`, () => {
    it('answers null for a name that was never set', async () => {
      const store = await factory();
      await expect(store.get('OPENROUTER_API_KEY')).resolves.toBeNull();
    });

    it('returns what was set, exactly', async () => {
      const store = await factory();
      const values = {
        OPENROUTER_API_KEY: 'sk-or-v1-0123456789abcdef',
        PADDED: '  keeps spaces  ',
        UNICODE: 'clé-秘密-🔑',
        LONG: 'x'.repeat(10_000),
        QUOTES: '"quoted" \\ back\\slash\nnew line',
      };
      for (const [key, value] of Object.entries(values)) await store.set(key, value);
      for (const [key, value] of Object.entries(values)) await expect(store.get(key)).resolves.toBe(value);
    });

    it('overwrites a secret', async () => {
      const store = await factory();
      await store.set('KEY', 'first');
      await store.set('KEY', 'second');
      await expect(store.get('KEY')).resolves.toBe('second');
    });

    it('keeps names apart', async () => {
      const store = await factory();
      await store.set('A', 'a-secret');
      await store.set('B', 'b-secret');
      await expect(store.get('A')).resolves.toBe('a-secret');
      await expect(store.get('B')).resolves.toBe('b-secret');
      await expect(store.get('a')).resolves.toBeNull();
    });

    it('deletes one secret and leaves the others', async () => {
      const store = await factory();
      await store.set('A', 'a-secret');
      await store.set('B', 'b-secret');
      await store.delete('A');
      await expect(store.get('A')).resolves.toBeNull();
      await expect(store.get('B')).resolves.toBe('b-secret');
    });

    it('treats deleting a missing name as done', async () => {
      const store = await factory();
      await expect(store.delete('NEVER_SET')).resolves.toBeUndefined();
      await expect(store.get('NEVER_SET')).resolves.toBeNull();
    });

    it('can set again after a delete', async () => {
      const store = await factory();
      await store.set('KEY', 'one');
      await store.delete('KEY');
      await store.set('KEY', 'two');
      await expect(store.get('KEY')).resolves.toBe('two');
    });

    it('handles names that are special to plain objects', async () => {
      const store = await factory();
      for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        await expect(store.get(key), key).resolves.toBeNull();
        await store.set(key, `value of ${key}`);
      }
      for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        await expect(store.get(key), key).resolves.toBe(`value of ${key}`);
      }
    });

    it('loses no write when many happen at once', async () => {
      const store = await factory();
      const names = Array.from({ length: 25 }, (_, i) => `KEY_${i}`);
      await Promise.all(names.map((key, i) => store.set(key, `secret-${i}`)));
      await Promise.all(names.filter((_, i) => i % 5 === 0).map((key) => store.delete(key)));
      for (const [i, key] of names.entries()) {
        await expect(store.get(key), key).resolves.toBe(i % 5 === 0 ? null : `secret-${i}`);
      }
    });

    it('sees a write issued just before a read', async () => {
      const store = await factory();
      const write = store.set('KEY', 'fresh');
      const read = store.get('KEY');
      await write;
      await expect(read).resolves.toBe('fresh');
    });
  });
}
