/**
 * Public types of the provider simulator. They live apart from the server so that the
 * in-process handle, the child-process handle and the tests can all import them without
 * pulling in `node:http`.
 */
import type { FaultKind, FaultProfile } from './fault-profile.ts';

export type { FaultKind, FaultProfile } from './fault-profile.ts';

/**
 * One simulated model, priced like the config file (§4) prices real ones so the app's
 * cost estimates can be checked against what the simulator bills.
 */
export interface SimModel {
  /** USD per prompt token that was not served from cache. */
  input_cost_per_token: number;
  /** USD per completion token. */
  output_cost_per_token: number;
  /**
   * USD per cached prompt token. A model with this price caches prompt prefixes
   * (prefix-cache.ts); without it nothing is cached and `cached_tokens` is always 0.
   */
  cached_input_cost_per_token?: number;
  /** Largest prompt, in estimated tokens, the model accepts before a context-length 400. */
  context_window: number;
  /** Whether image parts are accepted; images sent to a text-only model get a 400. */
  vision: boolean;
  /** Whether `response_format: json_schema` is accepted; otherwise it gets a 400. */
  structured_output: boolean;
}

/** Credits of one API key; `credits_usd` absent means unlimited. */
export interface SimKey {
  credits_usd?: number;
}

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) lets the OS choose a free one. */
  port?: number;
  /** Model catalog; defaults to {@link DEFAULT_MODELS}. */
  models?: Record<string, SimModel>;
  /**
   * Known API keys. `null` or absent accepts any non-empty bearer token; otherwise a token
   * missing from the map gets a 401 and a key whose credits are spent gets a 402.
   */
  keys?: Record<string, SimKey> | null;
  /** Fault profile in force from the start; see {@link FaultProfile}. */
  profile?: FaultProfile;
  /** Seed for every random choice (faults by rate, latencies, generated content). Default 1. */
  seed?: number;
  /**
   * Whether responses carry `usage.cost` like OpenRouter (default true). With false the
   * client has to estimate the cost from its own price table.
   */
  reportCost?: boolean;
}

/** What happened to one /chat/completions request, as the request log records it. */
export type RequestOutcome = FaultKind | 'ok';

/** One /chat/completions request exactly as it arrived. */
export interface ReceivedRequest {
  /** 1-based number of the request since start or the last reset (the `at` counter of faults). */
  n: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  /** The `model` field of the body, or null when the body had none. */
  model: string | null;
  /** The bearer token, or null when there was no `Authorization: Bearer` header. */
  key: string | null;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; null when it was not JSON. */
  body: unknown;
  /** The fault injected or the error answered, or 'ok' when a generation ran normally. */
  outcome: RequestOutcome;
}

/**
 * One billed generation. An entry is created as soon as a generation starts and its
 * completion tokens grow as content is emitted, so a broken stream shows what it cost.
 */
export interface LedgerEntry {
  /** Generation id, as in the response `id` and `GET /generation?id=`. */
  id: string;
  /** Request number that produced it. */
  n: number;
  /** Time the generation started, ms since the epoch. */
  at: number;
  model: string;
  key: string | null;
  promptTokens: number;
  /** Prompt tokens served from cache (a prefix shared with a recent prompt, see prefix-cache.ts). */
  cachedTokens: number;
  completionTokens: number;
  /** Exact, unrounded USD; equal to the response's `usage.cost`. */
  costUsd: number;
  streamed: boolean;
  /** 'stop', 'length', 'error', or null while running or when the response broke off. */
  finishReason: string | null;
  /** The generation fault injected into it, or 'ok'. */
  outcome: RequestOutcome;
  /** False while the generation runs; true once the server has stopped emitting for it. */
  done: boolean;
}

export interface ModelSpend {
  calls: number;
  usd: number;
}

export interface LedgerReport {
  entries: LedgerEntry[];
  /** Sum of every entry's cost, in entry order. */
  totalUsd: number;
  byModel: Record<string, ModelSpend>;
}

/** The in-process simulator. */
export interface SimulatorHandle {
  /** e.g. `http://127.0.0.1:PORT/v1`; the chat endpoint is `${baseUrl}/chat/completions`. */
  baseUrl: string;
  port: number;
  ledger(): LedgerReport;
  /** Every /chat/completions request received since start or the last reset. */
  requests(): ReceivedRequest[];
  /** Validates and installs a profile; throws a {@link FaultProfileError} naming the bad field. */
  setProfile(profile: FaultProfile): void;
  /** Clears ledger, request log, counters, credits spent and rate-limit windows. */
  reset(): void;
  /** Destroys open sockets and clears every timer; safe to call twice. */
  close(): Promise<void>;
}

/** The same simulator running in a child process, controlled over `/__sim/` routes. */
export interface RemoteSimulatorHandle {
  baseUrl: string;
  port: number;
  /** Process id of the child. */
  pid: number;
  ledger(): Promise<LedgerReport>;
  requests(): Promise<ReceivedRequest[]>;
  setProfile(profile: FaultProfile): Promise<void>;
  reset(): Promise<void>;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  close(): Promise<void>;
}
