/**
 * Where API keys live. The desktop app keeps them in the OS keychain (Electron safeStorage);
 * the CLI and browser mode read the environment variable a model's `api_key_env` names.
 * Keys never go to the renderer, the log or SQLite in plain text.
 */
export interface SecretStore {
  /** The secret, or null when none is stored under that name. */
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** For tests and for embedding the core with keys that come from elsewhere. */
export function createMemorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const secrets = new Map(Object.entries(initial));
  return {
    async get(name) {
      return secrets.get(name) ?? null;
    },
    async set(name, value) {
      secrets.set(name, value);
    },
    async delete(name) {
      secrets.delete(name);
    },
  };
}

/**
 * Reads keys from environment variables. Writing is kept in memory for this process only:
 * the environment is not a place to persist a secret.
 */
export function createEnvSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const overrides = new Map<string, string | null>();
  return {
    async get(name) {
      if (overrides.has(name)) return overrides.get(name) ?? null;
      // Own properties only: a name like "constructor" must not reach Object.prototype.
      const value = Object.hasOwn(env, name) ? env[name] : undefined;
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    },
    async set(name, value) {
      overrides.set(name, value);
    },
    async delete(name) {
      overrides.set(name, null);
    },
  };
}

/** The first store that has a secret wins; writes go to the first store. */
export function chainSecretStores(primary: SecretStore, ...fallbacks: SecretStore[]): SecretStore {
  return {
    async get(name) {
      for (const store of [primary, ...fallbacks]) {
        const value = await store.get(name);
        if (value !== null) return value;
      }
      return null;
    },
    set: (name, value) => primary.set(name, value),
    delete: (name) => primary.delete(name),
  };
}
