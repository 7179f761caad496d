import { describe, expect, it } from 'vitest';
import { catalogUrl, createCatalogCache, matchCatalog, parseCatalog } from '../../../electron/api/routing/catalog.ts';
import { modelsListing, DEFAULT_MODELS } from '../../../electron/simulator/catalog.ts';

describe('the provider catalog', () => {
  it('reads an OpenRouter /models listing: ids, context, vision, structured output and prices', () => {
    const catalog = parseCatalog(modelsListing({ ...DEFAULT_MODELS }));
    expect(catalog.get('sim/smart')).toEqual({ id: 'sim/smart', contextWindow: 200_000, vision: true, structuredOutput: true, prices: { input: 3e-6, output: 1.5e-5 } });
    expect(catalog.get('sim/cheap')).toMatchObject({ vision: false, structuredOutput: false, contextWindow: 8_192 });
    // A router's variable price ("-1") and an entry without an id are not facts.
    const odd = parseCatalog({ data: [{ id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } }, { name: 'no id' }, 'junk'] });
    expect([...odd.values()]).toEqual([{ id: 'openrouter/auto', contextWindow: null, vision: null, structuredOutput: null, prices: { input: null, output: null } }]);
    expect(parseCatalog('not a listing').size).toBe(0);
  });

  it('finds /models beside the chat endpoint', () => {
    expect(catalogUrl('https://openrouter.ai/api/v1/chat/completions')).toBe('https://openrouter.ai/api/v1/models');
    expect(catalogUrl('http://127.0.0.1:5/v1/chat/completions/?x=1')).toBe('http://127.0.0.1:5/v1/models');
    expect(catalogUrl('http://127.0.0.1:5/generate')).toBeNull();
    expect(catalogUrl('not a url')).toBeNull();
  });

  it('matches a short name to one vendor id, the provider choosing between vendors', () => {
    const catalog = parseCatalog({ data: [{ id: 'google/gemini-2.5-flash' }, { id: 'meta/llama-3' }, { id: 'other/llama-3' }] });
    expect(matchCatalog('google/gemini-2.5-flash', undefined, catalog)).toMatchObject({ status: 'exact' });
    expect(matchCatalog('Gemini-2.5-Flash', undefined, catalog)).toMatchObject({ status: 'resolved', model: { id: 'google/gemini-2.5-flash' } });
    expect(matchCatalog('llama-3', undefined, catalog)).toEqual({ status: 'ambiguous', candidates: ['meta/llama-3', 'other/llama-3'] });
    expect(matchCatalog('llama-3', 'meta', catalog)).toMatchObject({ status: 'resolved', model: { id: 'meta/llama-3' } });
    expect(matchCatalog('gpt-5', undefined, catalog)).toEqual({ status: 'not_found' });
  });

  it('asks each endpoint once per session, and again after a failure', async () => {
    const asked: string[] = [];
    let fail = true;
    const lookup = createCatalogCache(async (url) => {
      asked.push(url);
      if (fail) return { ok: false, message: 'down' };
      return { ok: true, catalog: new Map() };
    });
    expect((await lookup('http://a/models', { apiKey: null })).ok).toBe(false);
    fail = false;
    await Promise.all([lookup('http://a/models', { apiKey: null }), lookup('http://a/models', { apiKey: null }), lookup('http://b/models', { apiKey: null })]);
    await lookup('http://a/models', { apiKey: null });
    expect(asked).toEqual(['http://a/models', 'http://a/models', 'http://b/models']);
  });
});
