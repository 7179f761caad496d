/**
 * Mutable state of one simulator: catalog, keys, profile, ledger, limiter and request log.
 * Routes read and change it; the handle's methods (`ledger()`, `reset()`...) are thin views.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_MODELS } from './catalog.ts';
import { effectiveProfile, parseFaultProfile, type EffectiveProfile, type FaultProfile } from './fault-profile.ts';
import { Ledger } from './ledger.ts';
import { PrefixCache } from './prefix-cache.ts';
import { rngFor } from './random.ts';
import { RateLimiter } from './rate-limiter.ts';
import { TimerRegistry } from './timers.ts';
import type { ReceivedRequest, SimKey, SimModel, SimulatorOptions } from './types.ts';

export const DEFAULT_SEED = 1;

export class SimulatorState {
  readonly models: Record<string, SimModel>;
  readonly keys: Record<string, SimKey> | null;
  readonly seed: number;
  readonly reportCost: boolean;
  readonly ledger: Ledger;
  readonly limiter = new RateLimiter();
  readonly timers = new TimerRegistry();
  /** Prompt prefixes seen per key × model, for `cached_tokens` (models with a cached price only). */
  readonly prefixCache = new PrefixCache();
  private profile: FaultProfile;
  /** `downBetweenMs` windows count from here (start, last setProfile or reset). */
  private epoch = performance.now();
  private requestCount = 0;
  private log: ReceivedRequest[] = [];

  constructor(options: SimulatorOptions) {
    this.models = { ...(options.models ?? DEFAULT_MODELS) };
    this.keys = options.keys ?? null;
    this.seed = options.seed ?? DEFAULT_SEED;
    this.reportCost = options.reportCost ?? true;
    this.profile = parseFaultProfile(options.profile ?? {});
    this.ledger = new Ledger(this.models);
  }

  setProfile(profile: unknown): void {
    this.profile = parseFaultProfile(profile);
    this.epoch = performance.now();
  }

  profileFor(model: string): EffectiveProfile {
    return effectiveProfile(this.profile, model);
  }

  /** ms since start, the last setProfile or the last reset. */
  sinceEpoch(): number {
    return performance.now() - this.epoch;
  }

  /** Numbers and records a /chat/completions request; the record is updated as it is handled. */
  receive(record: Omit<ReceivedRequest, 'n'>): ReceivedRequest {
    this.requestCount += 1;
    const full: ReceivedRequest = { n: this.requestCount, ...record };
    this.log.push(full);
    return full;
  }

  requests(): ReceivedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /** A uniform number for request `n` and one purpose, independent of everything else. */
  uniform(n: number, purpose: string): number {
    return rngFor(this.seed, purpose, n)();
  }

  reset(): void {
    this.ledger.clear();
    this.limiter.clear();
    this.prefixCache.clear();
    this.log = [];
    this.requestCount = 0;
    this.epoch = performance.now();
  }
}
