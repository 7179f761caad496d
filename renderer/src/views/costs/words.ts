/**
 * What the core records (error classes, retry decisions, pacer scopes) as catalogue keys, so
 * the screen shows a teacher's words and keeps the raw value for "technical details". Pure:
 * the keys and values only, translated by `teacher-words.ts`; a unit test holds every class
 * and decision the core can record to a key in both languages.
 */

export interface Message {
  key: string;
  vars: Readonly<Record<string, string | number>>;
}

/** The key of an error class's short name (`costs.classes.rate_limit`). */
export function classKey(errorClass: string): string {
  return `costs.classes.${errorClass}`;
}

/**
 * A decision as the audit trail records it: `done`, `fail`, `retry_same:<ms>ms`,
 * `switch_model`, `switch_larger_context`, `superseded`. Null for anything else (an older or newer label),
 * which the screen shows as it came.
 */
export function decisionMessage(decision: string): Message | null {
  const retry = /^retry_same:(\d+)ms$/.exec(decision);
  if (retry) {
    const waitMs = Number(retry[1]);
    return waitMs === 0 ? { key: 'costs.decisions.retryNow', vars: {} } : { key: 'costs.decisions.retry', vars: { waitMs } };
  }
  switch (decision) {
    case 'done':
      return { key: 'costs.decisions.done', vars: {} };
    case 'fail':
      return { key: 'costs.decisions.fail', vars: {} };
    case 'switch_model':
      return { key: 'costs.decisions.switchModel', vars: {} };
    case 'switch_larger_context':
      return { key: 'costs.decisions.switchLarger', vars: {} };
    case 'superseded':
      return { key: 'costs.decisions.superseded', vars: {} };
    default:
      return null;
  }
}

/** The origin a key scope's address names (`https://openrouter.ai`), or the text itself when it is not a URL. */
export function originOf(address: string): string {
  try {
    return new URL(address).origin;
  } catch {
    return address;
  }
}

/** The demo's models, answered by the built-in simulator. */
const DEMO_PROVIDER = 'simulated';
/** Providers by the names their users know (a config names them by slug: "lmstudio"). */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
  'meta-llama': 'Meta',
  mistralai: 'Mistral AI',
  deepseek: 'DeepSeek',
  qwen: 'Qwen',
  ollama: 'Ollama',
  lmstudio: 'LM Studio',
  llamacpp: 'llama.cpp',
  vllm: 'vLLM',
};

export const providerName = (slug: string): string => PROVIDER_NAMES[slug] ?? slug;

/**
 * Who a key is for, in the teacher's words: the one model that uses the address, the provider
 * the models there share, or the first two models' names and how many more. Null when no model
 * set up now uses it. The address itself is no headline: it goes in technical details.
 */
export function keyOwner(models: ReadonlyArray<{ name: string; provider: string; endpoint: string }>, origin: string): { owner: string; more: number; demo?: true } | null {
  const here = models.filter((m) => originOf(m.endpoint) === origin);
  const first = here[0];
  if (!first) return null;
  if (here.length === 1) return { owner: first.name, more: 0 };
  const providers = new Set(here.map((m) => m.provider));
  if (providers.size === 1 && first.provider === DEMO_PROVIDER) return { owner: first.provider, more: 0, demo: true };
  if (providers.size === 1 && first.provider !== '') return { owner: providerName(first.provider), more: 0 };
  return { owner: here.slice(0, 2).map((m) => m.name).join(', '), more: Math.max(0, here.length - 2) };
}

/**
 * A pacer scope: `model:<id>` names a model, `key:<origin>#<key name>` the key used at an
 * address (the key itself is never in it), named by who uses it (`ownerAt`). Null for a scope
 * of another shape.
 */
export function scopeMessage(scope: string, nameOf: (modelId: string) => string, ownerAt: (origin: string) => { owner: string; more: number; demo?: true } | null = () => null): Message | null {
  if (scope.startsWith('model:') && scope.length > 6) return { key: 'costs.scopes.model', vars: { model: nameOf(scope.slice(6)) } };
  const key = /^key:(.+)#[^#]*$/.exec(scope);
  if (!key) return null;
  const who = ownerAt(originOf(key[1] ?? ''));
  if (who === null) return { key: 'costs.scopes.keyUnused', vars: {} };
  if (who.demo) return { key: 'costs.scopes.keyDemo', vars: {} };
  return who.more > 0 ? { key: 'costs.scopes.keyMore', vars: { owner: who.owner, more: who.more } } : { key: 'costs.scopes.key', vars: { owner: who.owner } };
}
