import { z } from 'zod';
import { EmptyInput, IdSchema, LIMITS } from './common.ts';

/**
 * First run and model set-up: the OpenRouter key (checked, then stored; never sent back), local
 * servers (Ollama, LM Studio, any loopback OpenAI-compatible server), the demo provider, and
 * adding, editing and removing models in the config file the app writes. Every change takes
 * effect at once, without a restart.
 */

/** Where keys entered on screen are kept (electron/secrets/key-vault.ts). */
export const KeychainKindSchema = z.enum(['encrypted', 'plain_text_only', 'session_only']);

export const KeyStorageSchema = z.enum(['encrypted', 'plain_text', 'session', 'environment']);

/** The OpenRouter key as the screen may know it: whether one is set and where, never the key. */
export const OpenRouterKeyStatusSchema = z.strictObject({
  set: z.boolean(),
  /** The first characters and the last four (`sk-or-…a1b2`), made in the main process; null when none or too short to mask. */
  masked: z.string().max(40).nullable(),
  storage: KeyStorageSchema.nullable(),
});

export const SetupStatusSchema = z.strictObject({
  /** At least one model can be graded with (or demo is on). */
  configured: z.boolean(),
  demo: z.boolean(),
  keychain: KeychainKindSchema,
  openRouter: OpenRouterKeyStatusSchema,
  /** Whether this app can change its models on screen (it has a config file of its own). */
  editable: z.boolean(),
  modelCount: z.number().int().nonnegative(),
});
export type SetupStatus = z.infer<typeof SetupStatusSchema>;

/** A key as pasted; trimmed in the main process. Long enough for any provider's keys. */
const KeyInputSchema = z.string().min(1).max(500);

export const ConnectOpenRouterInputSchema = z.strictObject({
  key: KeyInputSchema,
  /** The teacher accepted an unencrypted file on a computer without a keychain. */
  allowPlainText: z.boolean(),
});

export const ConnectOpenRouterOutputSchema = z.strictObject({
  latencyMs: z.number().nonnegative(),
  key: OpenRouterKeyStatusSchema,
});

/** A model a local server lists (its `/v1/models`). */
export const LocalModelSchema = z.strictObject({ id: z.string().min(1).max(LIMITS.name) });

export const LocalServerKindSchema = z.enum(['ollama', 'lmstudio', 'custom']);
export type LocalServerKind = z.infer<typeof LocalServerKindSchema>;

export const LocalServerSchema = z.strictObject({
  kind: LocalServerKindSchema,
  /** The OpenAI-compatible base (`http://127.0.0.1:11434/v1`). */
  baseUrl: z.string().max(LIMITS.url),
  reachable: z.boolean(),
  models: z.array(LocalModelSchema).max(LIMITS.listItems),
  /** Ids of those models already in the config at this address. */
  added: z.array(z.string().max(LIMITS.name)).max(LIMITS.listItems),
  error: z.strictObject({ code: z.string().max(LIMITS.id), message: z.string().max(LIMITS.message) }).nullable(),
});
export type LocalServer = z.infer<typeof LocalServerSchema>;

/** One model of the OpenRouter catalog, as the picker shows it. Prices are USD per token. */
export const CatalogEntrySchema = z.strictObject({
  id: z.string().max(LIMITS.name),
  name: z.string().max(LIMITS.name),
  contextWindow: z.number().int().positive().nullable(),
  vision: z.boolean().nullable(),
  structuredOutput: z.boolean().nullable(),
  inputCostPerToken: z.number().nonnegative().nullable(),
  outputCostPerToken: z.number().nonnegative().nullable(),
  /** Already configured (by catalog id). */
  added: z.boolean(),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const CatalogSearchOutputSchema = z.strictObject({
  /** `live`: OpenRouter answered now; `snapshot`: the list shipped with the app (no network). */
  source: z.enum(['live', 'snapshot']),
  /** The snapshot's date (YYYY-MM-DD) when it is the source. */
  snapshotDate: z.string().max(40).nullable(),
  /** How many models match in all; `models` holds the first ones. */
  total: z.number().int().nonnegative(),
  models: z.array(CatalogEntrySchema).max(100),
});
export type CatalogSearchOutput = z.infer<typeof CatalogSearchOutputSchema>;

/** The fields a teacher may edit on a configured model; null clears a field. */
export const ModelSettingsSchema = z.strictObject({
  name: z.string().min(1).max(200),
  maxConcurrency: z.number().int().positive().max(64).nullable(),
  rpm: z.number().positive().max(100_000).nullable(),
  /** USD per million tokens, as prices are shown; stored per token. */
  inputPricePerMillion: z.number().nonnegative().max(10_000).nullable(),
  outputPricePerMillion: z.number().nonnegative().max(10_000).nullable(),
  maxTokens: z.number().int().positive().max(1_000_000).nullable(),
  contextWindow: z.number().int().positive().max(100_000_000).nullable(),
  vision: z.boolean(),
});
export type ModelSettings = z.infer<typeof ModelSettingsSchema>;

const Done = z.strictObject({ ok: z.literal(true) });

export const setupRoutes = {
  getSetupStatus: { input: EmptyInput, output: SetupStatusSchema },
  /** Checks the key with one free call (OpenRouter's key endpoint), then stores it. */
  connectOpenRouter: { input: ConnectOpenRouterInputSchema, output: ConnectOpenRouterOutputSchema },
  forgetOpenRouterKey: { input: EmptyInput, output: Done },
  /** Ollama and LM Studio at their usual addresses, and a custom loopback address if given. */
  detectLocalServers: {
    input: z.strictObject({ customUrl: z.string().max(LIMITS.url).nullable() }),
    output: z.array(LocalServerSchema).max(10),
  },
  addLocalModels: {
    input: z.strictObject({ kind: LocalServerKindSchema, baseUrl: z.string().min(1).max(LIMITS.url), modelIds: z.array(z.string().min(1).max(LIMITS.name)).min(1).max(50) }),
    output: z.strictObject({ added: z.array(IdSchema).max(50) }),
  },
  searchCatalog: { input: z.strictObject({ query: z.string().max(200) }), output: CatalogSearchOutputSchema },
  addCatalogModels: {
    input: z.strictObject({ catalogIds: z.array(z.string().min(1).max(LIMITS.name)).min(1).max(20) }),
    output: z.strictObject({ added: z.array(IdSchema).max(20) }),
  },
  getModelSettings: { input: z.strictObject({ modelId: IdSchema }), output: ModelSettingsSchema },
  updateModel: { input: z.strictObject({ modelId: IdSchema, settings: ModelSettingsSchema }), output: Done },
  removeModel: { input: z.strictObject({ modelId: IdSchema }), output: Done },
  /** Switches to the simulated provider, or back to the configured models; no restart. */
  setDemo: { input: z.strictObject({ on: z.boolean() }), output: Done },
  /** Reads the config file again (after the teacher corrected it by hand). */
  reloadConfig: { input: EmptyInput, output: Done },
} as const;

/** The set-up changed (another window, a late catalog): screens re-read what they show. */
export const setupEvents = {
  setupChanged: z.strictObject({ reason: z.enum(['config', 'key', 'demo', 'catalog', 'reload']) }),
} as const;
