/**
 * The API call management core, as the rest of the app uses it. One CallManager joins the four
 * parts: client/ (one HTTP attempt, SSE, structured answers, prices), routing/ (the model
 * registry, strategies, circuit breakers, model checks), retry/ (error classes and the retry
 * table) and pacing/ (rate limits, concurrency, the first request per key). The monitor plugs
 * in through ports.ts.
 */
export { CallManager } from './call-manager.ts';
export type { CallOutcome } from './call.ts';
export { DEFAULT_TIMEOUTS } from './client/types.ts';
export { createApiHandlers } from './handlers.ts';
export { resolveFromCatalog, type ModelResolution } from './routing/catalog-resolution.ts';
export { registryFromConfig } from './routing/model-registry.ts';
export { settingsFromConfig, type CallManagerSettings } from './settings.ts';
