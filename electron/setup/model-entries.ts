import { pricesOf, type ModelConfig } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import type { LocalServerKind, ModelSettings } from '../../shared/ipc/setup.ts';
import type { CatalogListing } from '../api/routing/catalog.ts';
import type { RawConfig } from '../config/write-config.ts';
import { LOCAL_SERVER_KEY_NAME } from './local-key.ts';
import { OPENROUTER_KEY_NAME } from './openrouter-key.ts';

/**
 * The edits the set-up screen makes to the config, as pure functions of its JSON: add a model
 * from the OpenRouter catalog or a local server, change a model's settings, remove one. Fields a
 * change does not concern are left exactly as they were, known or not.
 */

type RawModels = Record<string, Record<string, unknown>>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function modelsOf(raw: RawConfig): RawModels {
  if (!isRecord(raw.models)) raw.models = {};
  return raw.models as RawModels;
}

/** A config key for a new model: readable, and unused (`-2`, `-3`… when taken). */
function freeId(models: RawModels, wanted: string): string {
  const base = wanted.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 150) || 'model';
  if (!Object.hasOwn(models, base)) return base;
  for (let n = 2; n < 1000; n++) {
    const id = `${base}-${n}`;
    if (!Object.hasOwn(models, id)) return id;
  }
  throw new AppError('CONFIG_INVALID', 'Too many models with the same name.');
}

/** Per million tokens (as shown) to per token (as stored), without binary noise such as 2.9999999e-7. */
const perToken = (perMillion: number): number => Number((perMillion / 1_000_000).toPrecision(12));
const perMillion = (perTokenPrice: number): number => Number((perTokenPrice * 1_000_000).toPrecision(12));

/** "Google: Gemini 2.5 Flash" is listed under Google already: the card shows "Gemini 2.5 Flash". */
function displayName(listing: CatalogListing): string {
  return listing.name.replace(/^[^:]{1,40}:\s+/, '') || listing.model.id;
}

/** Adds an OpenRouter model with what the catalog says about it; the key is looked up by name. */
export function addCatalogModel(raw: RawConfig, listing: CatalogListing, openRouterBaseUrl: string): string {
  const models = modelsOf(raw);
  const { model } = listing;
  const id = freeId(models, model.id.split('/').pop() ?? model.id);
  const entry: Record<string, unknown> = {
    name: displayName(listing),
    provider: model.id.includes('/') ? model.id.split('/')[0] : 'openrouter',
    endpoint: `${openRouterBaseUrl.replace(/\/+$/, '')}/chat/completions`,
    model: model.id,
    api: 'openrouter',
    api_key_env: OPENROUTER_KEY_NAME,
    supported_tasks: ['grading'],
  };
  if (model.contextWindow !== null) entry.context_window = model.contextWindow;
  if (model.vision !== null) entry.vision = model.vision;
  if (model.structuredOutput !== null) entry.structured_output = model.structuredOutput;
  if (model.prices.input !== null) entry.input_cost_per_token = model.prices.input;
  if (model.prices.output !== null) entry.output_cost_per_token = model.prices.output;
  models[id] = entry;
  return id;
}

const LOCAL_PROVIDER: Record<LocalServerKind, string> = { ollama: 'Ollama', lmstudio: 'LM Studio', custom: 'Local server' };

export const localEndpoint = (baseUrl: string): string => `${baseUrl}/chat/completions`;

/**
 * Adds a model served on this computer: no key of the teacher's (see local-key.ts), and nothing
 * billed (its price is 0, which is true, rather than unknown). One call at a time by default,
 * since one machine serves them all.
 */
export function addLocalModel(raw: RawConfig, kind: LocalServerKind, baseUrl: string, modelId: string): string {
  const models = modelsOf(raw);
  const id = freeId(models, modelId.split('/').pop() ?? modelId);
  models[id] = {
    name: modelId,
    provider: LOCAL_PROVIDER[kind],
    endpoint: localEndpoint(baseUrl),
    model: modelId,
    api: 'openai',
    api_key_env: LOCAL_SERVER_KEY_NAME,
    supported_tasks: ['grading'],
    input_cost_per_token: 0,
    output_cost_per_token: 0,
    max_concurrency: 1,
  };
  return id;
}

function existing(raw: RawConfig, modelId: string): Record<string, unknown> {
  const models = modelsOf(raw);
  const model = models[modelId];
  if (!Object.hasOwn(models, modelId) || !isRecord(model)) throw new AppError('MODEL_NOT_FOUND', `There is no model "${modelId}" in the config.`);
  return model;
}

/** The editable settings of a configured model, prices per million tokens. */
export function settingsOf(modelId: string, model: ModelConfig): ModelSettings {
  const prices = pricesOf(model);
  return {
    name: model.name ?? modelId,
    maxConcurrency: model.max_concurrency ?? null,
    rpm: model.rpm ?? null,
    inputPricePerMillion: prices.input === null ? null : perMillion(prices.input),
    outputPricePerMillion: prices.output === null ? null : perMillion(prices.output),
    maxTokens: model.max_tokens ?? null,
    contextWindow: model.context_window ?? null,
    vision: model.vision ?? false,
  };
}

function setOrDelete(target: Record<string, unknown>, field: string, value: unknown): void {
  if (value === null || value === undefined) delete target[field];
  else target[field] = value;
}

/**
 * Writes a model's settings. Prices become explicit input and output prices, so the seed's
 * single `cost_per_token` no longer applies to this model and is removed.
 */
export function applySettings(raw: RawConfig, modelId: string, settings: ModelSettings): void {
  const model = existing(raw, modelId);
  model.name = settings.name.trim() || modelId;
  setOrDelete(model, 'max_concurrency', settings.maxConcurrency);
  setOrDelete(model, 'rpm', settings.rpm);
  delete model.cost_per_token;
  setOrDelete(model, 'input_cost_per_token', settings.inputPricePerMillion === null ? null : perToken(settings.inputPricePerMillion));
  setOrDelete(model, 'output_cost_per_token', settings.outputPricePerMillion === null ? null : perToken(settings.outputPricePerMillion));
  setOrDelete(model, 'max_tokens', settings.maxTokens);
  setOrDelete(model, 'context_window', settings.contextWindow);
  model.vision = settings.vision;
}

/** Removes a model, and every fallback that named it (a fallback to nothing would fail later). */
export function removeModelEntry(raw: RawConfig, modelId: string): void {
  existing(raw, modelId);
  delete modelsOf(raw)[modelId];
  const routing = isRecord(raw.routing) ? raw.routing : null;
  const fallbacks = routing && isRecord(routing.fallbacks) ? routing.fallbacks : null;
  if (!fallbacks) return;
  delete fallbacks[modelId];
  for (const [from, list] of Object.entries(fallbacks)) {
    if (Array.isArray(list)) fallbacks[from] = list.filter((target) => target !== modelId);
  }
}
