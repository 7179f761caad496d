import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPERSEDED } from '../../../electron/api/hedged-request.ts';
import { decisionLabel } from '../../../electron/api/retry/after-failure.ts';
import { CODE_OF_CLASS } from '../../../electron/api/retry/error-classes.ts';
import type { Decision } from '../../../electron/api/retry/retry-policy.ts';
import { keyScope, modelScope } from '../../../electron/api/routing/model-registry.ts';
import { classKey, decisionMessage, keyOwner, scopeMessage } from '../../../renderer/src/views/costs/words.ts';
import { expectTranslated } from './catalogues.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Every kind of decision the retry manager can reach; a new kind is a type error here. */
const EVERY_DECISION: { [K in Decision['kind']]: Array<Extract<Decision, { kind: K }>> } = {
  retry_same: [
    { kind: 'retry_same', waitMs: 0 },
    { kind: 'retry_same', waitMs: 1234.4 },
  ],
  switch: [
    { kind: 'switch', needLargerContext: false },
    { kind: 'switch', needLargerContext: true },
  ],
  fail: [{ kind: 'fail', code: 'INVALID_API_KEY' }],
};

/**
 * Decisions written as literals where attempts are recorded (an answer, a model check): read
 * from the source, so a new literal there needs a translation too.
 */
function literalDecisions(): string[] {
  const found = new Set<string>();
  const callManager = readFileSync(join(ROOT, 'electron', 'api', 'call-manager.ts'), 'utf8');
  for (const m of callManager.matchAll(/this\.record\([^;]*?,\s*'([a-z_]+)',\s*cost\)/g)) found.add(m[1] ?? '');
  const handlers = readFileSync(join(ROOT, 'electron', 'api', 'handlers.ts'), 'utf8');
  for (const m of handlers.matchAll(/decision:\s*([^,}]+)/g)) {
    for (const literal of (m[1] ?? '').matchAll(/'([a-z_]+)'/g)) found.add(literal[1] ?? '');
  }
  return [...found];
}

describe('the costs screen speaks of what the core records in a teacher’s words', () => {
  it('names every error class in English and Chinese', () => {
    const classes = Object.keys(CODE_OF_CLASS);
    expect(classes.length).toBeGreaterThan(20);
    for (const cls of classes) expectTranslated(classKey(cls), `error class ${cls}`);
  });

  it('says what happened next for every decision the retry manager records', () => {
    const labels = [...Object.values(EVERY_DECISION).flat().map((d) => decisionLabel(d)), ...literalDecisions(), SUPERSEDED];
    // The answer and the model check record 'done' (and the check 'fail') as literals.
    expect(labels).toEqual(expect.arrayContaining(['done', 'fail', 'switch_model', 'switch_larger_context', 'retry_same:0ms', 'retry_same:1234ms', 'superseded']));
    for (const label of labels) {
      const message = decisionMessage(label);
      expect(message, `decision ${label}`).not.toBeNull();
      expectTranslated(message?.key ?? '', `decision ${label}`);
    }
  });

  it('keeps the wait of a retry and shows labels it does not know as they are', () => {
    expect(decisionMessage('retry_same:1500ms')).toEqual({ key: 'costs.decisions.retry', vars: { waitMs: 1500 } });
    expect(decisionMessage('retry_same:0ms')?.key).toBe('costs.decisions.retryNow');
    expect(decisionMessage('give_up')).toBeNull();
    expect(decisionMessage('retry_same:soon')).toBeNull();
  });

  it('names a pacer scope as a model, or a key by the models or provider that use its address, never the key or the address', () => {
    const nameOf = (id: string): string => (id === 'fast' ? 'Fast model' : id);
    const models = [
      { name: 'GPT-4o mini', provider: 'openai', endpoint: 'https://openrouter.ai/api/v1/chat/completions' },
      { name: 'Claude Haiku', provider: 'anthropic', endpoint: 'https://openrouter.ai/api/v1/chat/completions' },
      { name: 'Gemini Flash', provider: 'google', endpoint: 'https://openrouter.ai/api/v1/chat/completions' },
      { name: 'Llama 3 (this computer)', provider: 'ollama', endpoint: 'http://127.0.0.1:11434/v1/chat/completions' },
      { name: 'Qwen 2.5', provider: 'lmstudio', endpoint: 'http://127.0.0.1:1234/v1/chat/completions' },
      { name: 'Qwen 3', provider: 'lmstudio', endpoint: 'http://127.0.0.1:1234/v1/chat/completions' },
    ];
    const ownerAt = (origin: string) => keyOwner(models, origin);
    expect(scopeMessage(modelScope('fast'), nameOf)).toEqual({ key: 'costs.scopes.model', vars: { model: 'Fast model' } });
    expect(scopeMessage(keyScope('http://127.0.0.1:11434/v1/chat/completions', null), nameOf, ownerAt)).toEqual({ key: 'costs.scopes.key', vars: { owner: 'Llama 3 (this computer)' } });
    // A provider by the name its users know, not the config's slug.
    expect(scopeMessage(keyScope('http://127.0.0.1:1234/v1/chat/completions', null), nameOf, ownerAt)).toEqual({ key: 'costs.scopes.key', vars: { owner: 'LM Studio' } });
    // The demo's shared key is the demo's, not a provider called "simulated".
    const demo = [
      { name: 'Simulated fast model', provider: 'simulated', endpoint: 'http://127.0.0.1:40123/v1/chat/completions' },
      { name: 'Simulated capable model', provider: 'simulated', endpoint: 'http://127.0.0.1:40123/v1/chat/completions' },
    ];
    expect(scopeMessage(keyScope('http://127.0.0.1:40123/v1/chat/completions', null), nameOf, (origin) => keyOwner(demo, origin))).toEqual({ key: 'costs.scopes.keyDemo', vars: {} });
    expect(scopeMessage(keyScope('https://openrouter.ai/api/v1/chat/completions', 'OPENROUTER_API_KEY'), nameOf, ownerAt)).toEqual({ key: 'costs.scopes.keyMore', vars: { owner: 'GPT-4o mini, Claude Haiku', more: 1 } });
    expect(scopeMessage(keyScope('http://127.0.0.1:8123/v1/chat/completions', null), nameOf, ownerAt)).toEqual({ key: 'costs.scopes.keyUnused', vars: {} });
    expect(scopeMessage('region:eu', nameOf)).toBeNull();
    for (const key of ['costs.scopes.model', 'costs.scopes.key', 'costs.scopes.keyMore', 'costs.scopes.keyUnused', 'costs.scopes.keyDemo']) expectTranslated(key, 'scope');
  });
});
