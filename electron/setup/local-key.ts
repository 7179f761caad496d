import type { Config } from '../../shared/config.ts';
import type { ModelView } from '../../shared/ipc/models.ts';
import type { SecretStore } from '../secrets/secret-store.ts';

/**
 * Local servers take no key, but OpenAI-compatible clients send one anyway (Ollama's and LM
 * Studio's own guides use a placeholder such as "ollama"), and some servers insist on a bearer
 * token being present. Models added from a local server therefore name this secret: a teacher
 * whose server does check a key (vLLM or llama.cpp started with --api-key) sets it in the
 * environment, and everyone else gets the placeholder. It is not a secret and is never shown.
 */
export const LOCAL_SERVER_KEY_NAME = 'GRADEDESK_LOCAL_SERVER_KEY';
const PLACEHOLDER = 'local';

/** The store with the local-server placeholder behind whatever is really set. */
export function withLocalServerKey(store: SecretStore): SecretStore {
  return {
    async get(name) {
      const value = await store.get(name);
      return value ?? (name === LOCAL_SERVER_KEY_NAME ? PLACEHOLDER : null);
    },
    set: (name, value) => store.set(name, value),
    delete: (name) => store.delete(name),
  };
}

/** Local models need no key: the Models screen says so, rather than "key set" for the placeholder. */
export function markLocalKeys(views: ModelView[], config: Config | null): ModelView[] {
  return views.map((view) => (config?.models[view.id]?.api_key_env === LOCAL_SERVER_KEY_NAME ? { ...view, keyStatus: 'not_needed' } : view));
}
