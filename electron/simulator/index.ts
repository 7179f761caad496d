/**
 * The provider simulator: an OpenAI-compatible server on 127.0.0.1 used by every test,
 * benchmark and the app's demo mode (DESIGN §8). Start it in-process with
 * {@link startSimulator} or in a child process with {@link spawnSimulator}.
 */
export { startSimulator } from './server.ts';
export { spawnSimulator } from './spawn.ts';
export { DEFAULT_MODELS } from './catalog.ts';
export { FaultProfileError, parseFaultProfile } from './fault-profile.ts';
export type { FaultKind, FaultProfile } from './fault-profile.ts';
export { fillSchema, validateJson, SchemaError } from './schema-filler.ts';
export { violateSchema } from './schema-violation.ts';
export { textTokens } from './tokens.ts';
export { CACHE_TTL_MS, PrefixCache, billableCachedTokens, sharedPrefixTokens } from './prefix-cache.ts';
export type { LedgerReport, ReceivedRequest, RemoteSimulatorHandle, SimModel, SimulatorHandle, SimulatorOptions } from './types.ts';
