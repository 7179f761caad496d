/**
 * The provider simulator: an OpenAI-compatible server on 127.0.0.1 used by every test,
 * benchmark and the app's demo mode (DESIGN §8). Start it in-process with
 * {@link startSimulator} or in a child process with {@link spawnSimulator}.
 */
export { startSimulator } from './server.ts';
export { spawnSimulator } from './spawn.ts';
export { DEFAULT_MODELS, decimalString } from './catalog.ts';
export { costOf } from './ledger.ts';
export { FAULT_KINDS, FaultProfileError, parseFaultProfile } from './fault-profile.ts';
export type { Dist, FaultKind, FaultProfile, FaultSpec, ModelFaultProfile, RateLimitSpec } from './fault-profile.ts';
export { fillSchema, validateJson, SchemaError, type JsonSchema } from './schema-filler.ts';
export { violateSchema } from './schema-violation.ts';
export { TOKENS_PER_IMAGE, TOKENS_PER_MESSAGE, TOKENS_PER_PROMPT, countPrompt, textTokens } from './tokens.ts';
export { CACHE_INCREMENT_TOKENS, CACHE_MIN_TOKENS, CACHE_TTL_MS, PrefixCache, billableCachedTokens, sharedPrefixTokens } from './prefix-cache.ts';
export type {
  LedgerEntry,
  LedgerReport,
  ModelSpend,
  ReceivedRequest,
  RemoteSimulatorHandle,
  RequestOutcome,
  SimKey,
  SimModel,
  SimulatorHandle,
  SimulatorOptions,
} from './types.ts';
