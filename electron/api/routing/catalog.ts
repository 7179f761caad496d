/**
 * An OpenRouter-style provider's `/models` catalog, and what it tells about configured models
 * whose config is silent. The seed's config names models by short keys (`gemini-2.5-flash`) and
 * leaves vision, context window and prices out; OpenRouter knows each model only by its catalog
 * id (`google/gemini-2.5-flash`), so the short name is looked up there once per endpoint and
 * session, and the catalog's facts fill the gaps. What the config says always wins.
 */
import type { Prices } from '../../../shared/config.ts';

/** What the catalog says about one model; null where it says nothing usable. */
export interface CatalogModel {
  id: string;
  contextWindow: number | null;
  vision: boolean | null;
  structuredOutput: boolean | null;
  prices: Prices;
}

export type Catalog = ReadonlyMap<string, CatalogModel>;

/** How a configured model's name was matched against its endpoint's catalog. */
export type CatalogMatch =
  | { status: 'exact'; model: CatalogModel }
  | { status: 'resolved'; model: CatalogModel }
  | { status: 'not_found' }
  | { status: 'ambiguous'; candidates: string[] };

/** The `/models` address next to a chat-completions endpoint; null when the endpoint is not one. */
export function catalogUrl(endpoint: string): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return null;
  }
  if (!/\/chat\/completions\/?$/.test(url.pathname)) return null;
  url.pathname = url.pathname.replace(/\/chat\/completions\/?$/, '/models');
  url.search = '';
  url.hash = '';
  return url.toString();
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** OpenRouter writes prices as decimal strings; "-1" marks a router whose price varies. */
function price(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function catalogEntry(item: Record<string, unknown>): CatalogModel | null {
  if (typeof item.id !== 'string' || item.id === '') return null;
  const context = item.context_length;
  const architecture = isRecord(item.architecture) ? item.architecture : {};
  const inputs = Array.isArray(architecture.input_modalities) ? architecture.input_modalities : null;
  const modality = typeof architecture.modality === 'string' ? architecture.modality : null;
  const vision = inputs !== null ? inputs.includes('image') : modality !== null ? /image.*->/.test(modality) : null;
  const parameters = Array.isArray(item.supported_parameters) ? item.supported_parameters : null;
  const pricing = isRecord(item.pricing) ? item.pricing : {};
  return {
    id: item.id,
    contextWindow: typeof context === 'number' && Number.isInteger(context) && context > 0 ? context : null,
    vision,
    structuredOutput: parameters === null ? null : parameters.includes('structured_outputs') || parameters.includes('response_format'),
    prices: { input: price(pricing.prompt), output: price(pricing.completion) },
  };
}

/** The models of a `/models` body (`{"data": [...]}`); entries it cannot read are skipped. */
export function parseCatalog(body: unknown): Catalog {
  const catalog = new Map<string, CatalogModel>();
  const data = isRecord(body) && Array.isArray(body.data) ? body.data : [];
  for (const item of data) {
    const entry = isRecord(item) ? catalogEntry(item) : null;
    if (entry) catalog.set(entry.id, entry);
  }
  return catalog;
}

/** One catalog model as a picker lists it: its facts, the name people know it by, its output cap. */
export interface CatalogListing {
  model: CatalogModel;
  name: string;
  maxCompletionTokens: number | null;
}

const positiveInt = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null);

/** The models of a `/models` body with their display names, in the body's order. */
export function parseCatalogListing(body: unknown): CatalogListing[] {
  const data = isRecord(body) && Array.isArray(body.data) ? body.data : [];
  const out: CatalogListing[] = [];
  for (const item of data) {
    if (!isRecord(item)) continue;
    const model = catalogEntry(item);
    if (!model) continue;
    const top = isRecord(item.top_provider) ? item.top_provider : {};
    const name = typeof item.name === 'string' && item.name.trim() !== '' ? item.name.trim().slice(0, 200) : model.id;
    out.push({ model, name, maxCompletionTokens: positiveInt(top.max_completion_tokens) });
  }
  return out;
}

/**
 * A configured name against the catalog: an id as is; otherwise the ids whose name part (after
 * `vendor/`) is the name, the config's `provider` choosing between vendors. Case does not matter.
 */
export function matchCatalog(name: string, provider: string | undefined, catalog: Catalog): CatalogMatch {
  const exact = catalog.get(name);
  if (exact) return { status: 'exact', model: exact };
  const wanted = name.toLowerCase();
  const candidates = [...catalog.values()].filter((m) => m.id.toLowerCase().split('/').pop() === wanted || m.id.toLowerCase() === wanted);
  const byVendor = provider ? candidates.filter((m) => m.id.toLowerCase().startsWith(`${provider.toLowerCase()}/`)) : [];
  const chosen = byVendor.length === 1 ? byVendor : candidates;
  const only = chosen[0];
  if (chosen.length === 1 && only) return { status: 'resolved', model: only };
  if (chosen.length === 0) return { status: 'not_found' };
  return { status: 'ambiguous', candidates: chosen.map((m) => m.id).sort() };
}

export interface CatalogFetchOptions {
  apiKey: string | null;
  timeoutMs?: number;
}

const CATALOG_TIMEOUT_MS = 10_000;
/** A catalog larger than this is not one (OpenRouter's is about 1 MB). */
const MAX_CATALOG_BYTES = 32 * 1024 * 1024;

type CatalogResult = { ok: true; catalog: Catalog } | { ok: false; message: string };

/** One GET of `/models`; a failure is a value whose message says what the teacher sees happen. */
async function fetchCatalog(url: string, options: CatalogFetchOptions): Promise<CatalogResult> {
  const unavailable = (why: string): CatalogResult => ({
    ok: false,
    message: `Could not read the model list at ${url} (${why}); models are used as configured.`,
  });
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? CATALOG_TIMEOUT_MS) });
    if (!res.ok) {
      await res.body?.cancel();
      return unavailable(`HTTP ${res.status}`);
    }
    const text = await res.text();
    if (text.length > MAX_CATALOG_BYTES) return unavailable('the answer is too large');
    return { ok: true, catalog: parseCatalog(JSON.parse(text)) };
  } catch (error) {
    return unavailable(error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : (error as Error).message);
  }
}

/**
 * Catalogs by URL for the session: every model of an endpoint shares one fetch, and a second
 * app in the same process (the CLI's resume after grade) asks no more. A failed fetch is not
 * kept, so the next session tries again.
 */
export function createCatalogCache(fetcher: typeof fetchCatalog = fetchCatalog) {
  const cache = new Map<string, ReturnType<typeof fetchCatalog>>();
  return (url: string, options: CatalogFetchOptions): ReturnType<typeof fetchCatalog> => {
    let pending = cache.get(url);
    if (!pending) {
      pending = fetcher(url, options).then((result) => {
        if (!result.ok) cache.delete(url);
        return result;
      });
      cache.set(url, pending);
    }
    return pending;
  };
}

export type CatalogLookup = ReturnType<typeof createCatalogCache>;
