/**
 * The config as the core uses it: OpenRouter models named by a short key get their catalog id,
 * and the catalog fills vision, context window, structured output and prices where the config
 * is silent. Plain OpenAI-compatible endpoints are taken as written: their names are their own,
 * and their `/models` has no prices or modalities to offer.
 */
import { dialectOf, type Config, type ModelConfig } from '../../../shared/config.ts';
import { createCatalogCache, catalogUrl, matchCatalog, type CatalogLookup, type CatalogModel } from './catalog.ts';
import { modelEntry } from './model-registry.ts';

/** What the catalog did for one configured model, for the log and `gradedesk models`. */
export interface ModelResolution {
  modelId: string;
  /** The name looked up: the config's `model`, or its key. */
  requested: string;
  /** `pending`: the model list had not answered when the app opened; it is still being asked. */
  status: 'exact' | 'resolved' | 'not_found' | 'ambiguous' | 'catalog_unavailable' | 'pending';
  /** The catalog id now sent to the endpoint; null when none was found. */
  catalogId: string | null;
  /** Config fields taken from the catalog. */
  filled: string[];
  /** For the teacher, when something is off. */
  message: string | null;
}

export interface ResolutionDeps {
  keys: (name: string) => Promise<string | null>;
  /** The session's catalogs; one shared cache by default. */
  lookup?: CatalogLookup;
}

const sessionCatalogs = createCatalogCache();

/** A name the endpoint could not know: OpenRouter ids are `vendor/name`. */
const isCatalogId = (name: string): boolean => name.includes('/');

function needsCatalog(id: string, model: ModelConfig): boolean {
  if (dialectOf(model) !== 'openrouter' || catalogUrl(model.endpoint) === null) return false;
  const silentOnPrice = model.cost_per_token === undefined && (model.input_cost_per_token === undefined || model.output_cost_per_token === undefined);
  return !isCatalogId(model.model ?? id) || model.vision === undefined || model.context_window === undefined || model.structured_output === undefined || silentOnPrice;
}

/** The config fields the catalog can fill, where this model's config has none. */
function fillFrom(model: ModelConfig, found: CatalogModel): { model: ModelConfig; filled: string[] } {
  const out: ModelConfig = { ...model };
  const filled: string[] = [];
  if (out.vision === undefined && found.vision !== null) {
    out.vision = found.vision;
    filled.push('vision');
  }
  if (out.context_window === undefined && found.contextWindow !== null) {
    out.context_window = found.contextWindow;
    filled.push('context_window');
  }
  if (out.structured_output === undefined && found.structuredOutput !== null) {
    out.structured_output = found.structuredOutput;
    filled.push('structured_output');
  }
  if (out.cost_per_token === undefined) {
    if (out.input_cost_per_token === undefined && found.prices.input !== null) {
      out.input_cost_per_token = found.prices.input;
      filled.push('input_cost_per_token');
    }
    if (out.output_cost_per_token === undefined && found.prices.output !== null) {
      out.output_cost_per_token = found.prices.output;
      filled.push('output_cost_per_token');
    }
  }
  return { model: out, filled };
}

async function resolveModel(id: string, model: ModelConfig, deps: ResolutionDeps): Promise<{ model: ModelConfig; resolution: ModelResolution }> {
  const requested = model.model ?? id;
  const url = catalogUrl(model.endpoint) as string;
  const keyEnv = modelEntry(id, model).keyEnv;
  const apiKey = keyEnv ? await deps.keys(keyEnv) : null;
  const fetched = await (deps.lookup ?? sessionCatalogs)(url, { apiKey });
  const base = { modelId: id, requested, catalogId: null, filled: [] };
  if (!fetched.ok) return { model, resolution: { ...base, status: 'catalog_unavailable', message: fetched.message } };
  const match = matchCatalog(requested, model.provider, fetched.catalog);
  if (match.status === 'not_found') {
    const message = `"${requested}" is not in the model list at ${url}: set "model" to its id there (such as "vendor/${requested}").`;
    return { model, resolution: { ...base, status: 'not_found', message } };
  }
  if (match.status === 'ambiguous') {
    const message = `"${requested}" matches ${match.candidates.join(', ')} at ${url}: set "model" (or "provider") to choose one.`;
    return { model, resolution: { ...base, status: 'ambiguous', message } };
  }
  const { model: resolved, filled } = fillFrom(model, match.model);
  if (match.status === 'resolved') resolved.model = match.model.id;
  return { model: resolved, resolution: { ...base, status: match.status, catalogId: match.model.id, filled, message: null } };
}

/**
 * What `resolveFromCatalog` reports for a config whose catalogs have not answered yet: every
 * model that needs one is `pending`, and the config is used as written until they answer.
 */
export function pendingResolutions(config: Config): ModelResolution[] {
  return Object.entries(config.models)
    .filter(([id, model]) => needsCatalog(id, model))
    .map(([id, model]) => ({
      modelId: id,
      requested: model.model ?? id,
      status: 'pending',
      catalogId: null,
      filled: [],
      message: 'Still asking the provider for its model list; the model is used as configured until it answers.',
    }));
}

/**
 * The config with every OpenRouter model resolved against its endpoint's catalog. Never fails:
 * a catalog that cannot be read or a name it does not hold leaves the model as configured, and
 * the resolution says why.
 */
export async function resolveFromCatalog(config: Config, deps: ResolutionDeps): Promise<{ config: Config; resolutions: ModelResolution[] }> {
  const entries = Object.entries(config.models);
  const results = await Promise.all(
    entries.map(async ([id, model]) => (needsCatalog(id, model) ? { id, ...(await resolveModel(id, model, deps)) } : { id, model, resolution: null })),
  );
  const models: Config['models'] = Object.fromEntries(results.map(({ id, model }) => [id, model]));
  const resolutions = results.flatMap(({ resolution }) => (resolution ? [resolution] : []));
  return { config: { ...config, models }, resolutions };
}
