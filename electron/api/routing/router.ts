/**
 * The model table and the choice of a model for each attempt: filters (pool, task, vision,
 * context, disabled, tried), breakers, the strategy's order, and when each model could start.
 * Every choice is synchronous: it runs on every call's path, between awaits.
 */
import type { AppErrorData, ErrorCode } from '../../../shared/errors.ts';
import type { CallOptions } from '../call.ts';
import type { AttemptTarget, ChatRequest } from '../client/types.ts';
import type { RatePacer } from '../pacing/rate-pacer.ts';
import { Semaphore } from '../pacing/semaphore.ts';
import type { BreakerPersistence, KeyLookup, QualityLookup } from '../ports.ts';
import { CircuitBreaker, type BreakerSettings } from './circuit-breaker.ts';
import { exclusionOf, keyScope, modelScope, type Exclusion, type ModelEntry } from './model-registry.ts';
import { freshStats, orderModels, type ModelStats, type Strategy } from './strategies.ts';

/** A model that can start within this much is "ready": waiting less is not worth a worse model. */
export const READY_SLACK_MS = 50;

export interface ModelRuntime {
  entry: ModelEntry;
  stats: ModelStats;
  semaphore: Semaphore;
  breaker: CircuitBreaker;
  breakerKey: string;
  /** The rate-limit scope of its key (shared with every model using the same key). */
  keyScope: string;
  /** Its key's scope and its own, the scopes every request to it is paced in. */
  scopes: readonly string[];
  /** Where and how to send, rebuilt only when the key changes (it is on every call's path). */
  target: AttemptTarget | null;
  /** When it was last chosen (ModelRouter.picks); -1 for never. */
  lastPicked: number;
}

/** What a choice reads of the request it is made for. */
export interface RouteRequest {
  readonly request: ChatRequest;
  readonly options: Pick<CallOptions, 'pool' | 'task'>;
  readonly strategy: Strategy;
  readonly promptTokens: number;
  /** Prompt and answer: what a model's context window must hold. */
  readonly tokensNeeded: number;
  readonly images: boolean;
  readonly tried: ReadonlySet<string>;
  readonly triedTransiently: ReadonlySet<string>;
  readonly contextLargerThan: number | null;
}

interface RouterSettings {
  fallbacks: Readonly<Record<string, readonly string[]>>;
  breaker: BreakerSettings;
  dataCollection: 'allow' | 'deny' | null;
}

export interface RouterDeps {
  models: readonly ModelEntry[];
  settings: RouterSettings;
  pacer: RatePacer;
  breakers: BreakerPersistence | undefined;
  /** The teacher's agreement per model, for the performance strategy; absent = success rate only. */
  quality?: QualityLookup | undefined;
  /** Wall clock, ms since the epoch. */
  now: () => number;
  random: () => number;
}

/** Which models of a pool could be asked at all (see CallManager.keyCheck). */
export interface KeyCheck {
  ready: string[];
  missingKeys: Array<{ modelId: string; keyEnv: string }>;
  /** Models a provider refused for good in this process (bad key, no credits, unknown model), with why. */
  refused: Array<{ modelId: string; keyEnv: string | null; code: ErrorCode }>;
}

const CODE_OF_EXCLUSION: Readonly<Record<Exclusion, ErrorCode>> = {
  task: 'NO_MODEL_AVAILABLE',
  vision: 'NO_VISION',
  context: 'CONTEXT_TOO_LONG',
  disabled: 'NO_MODEL_AVAILABLE',
  tried: 'NO_MODEL_AVAILABLE',
};

/** What the teacher can do when no model of the pool can take a request, for one reason. */
function unfitMessage(code: ErrorCode, names: readonly string[]): string {
  const which = names.length === 1 ? `"${names[0]}"` : `none of ${names.map((n) => `"${n}"`).join(', ')}`;
  switch (code) {
    case 'NO_VISION':
      return `This submission is an image, and ${names.length === 1 ? `${which} does not read images` : `${which} reads images`}: add a vision model (vision: true in the config) or grade it with one.`;
    case 'CONTEXT_TOO_LONG':
      return `This submission is too long for the context window of ${names.length === 1 ? which : `each of ${names.map((n) => `"${n}"`).join(', ')}`}: add a model with a larger context window.`;
    case 'INVALID_API_KEY':
    case 'OUT_OF_CREDITS':
    case 'MISSING_API_KEY':
    case 'MODEL_NOT_AVAILABLE':
      return `The provider refused ${names.length === 1 ? which : names.map((n) => `"${n}"`).join(', ')} earlier in this run (${code}): fix its key, credits or name, then grade again.`;
    default:
      return `${names.length === 1 ? which : `None of ${names.join(', ')}`} can take this request: check the models' tasks.`;
  }
}

/** A model to send to, the time the first open breaker lets a probe through, or none eligible. */
export type Choice = { rt: ModelRuntime } | { reopensAt: number } | null;

const NONE: ReadonlySet<string> = new Set();

export class ModelRouter {
  private readonly runtimes = new Map<string, ModelRuntime>();
  private readonly disabled = new Map<string, ErrorCode>();
  /** Counts choices, for round robin's least recently chosen. */
  private picks = 0;

  constructor(private readonly deps: RouterDeps) {
    for (const entry of deps.models) {
      const breakerKey = `${entry.id}|${entry.endpoint}`;
      const snapshot = deps.breakers?.load(breakerKey) ?? undefined;
      const scope = keyScope(entry.endpoint, entry.keyEnv);
      this.runtimes.set(entry.id, {
        entry,
        stats: freshStats(),
        semaphore: new Semaphore(entry.maxConcurrency),
        breaker: new CircuitBreaker(deps.settings.breaker, snapshot),
        breakerKey,
        keyScope: scope,
        scopes: [scope, modelScope(entry.id)],
        target: null,
        lastPicked: -1,
      });
      deps.pacer.configure(modelScope(entry.id), entry.rpm);
    }
  }

  /** Current stats per model (for least-busy, the monitor and the UI). */
  stats(modelId: string): ModelStats {
    return this.runtimes.get(modelId)?.stats ?? freshStats();
  }

  /** A model's stats with its quality from the quality port, when the port knows it. */
  private statsForChoice(modelId: string): ModelStats {
    const stats = this.stats(modelId);
    const quality = this.deps.quality?.(modelId) ?? null;
    return quality === null ? stats : { ...stats, quality };
  }

  /** Requests queued for a model's concurrency slot, over every model. */
  waiting(): number {
    let n = 0;
    for (const rt of this.runtimes.values()) n += rt.semaphore.waiting;
    return n;
  }

  breakerState(modelId: string): string {
    return this.runtimes.get(modelId)?.breaker.state(this.deps.now()) ?? 'closed';
  }

  /** Keeps the model out of every later request (its key or name is wrong). */
  disable(modelId: string, code: ErrorCode): void {
    this.disabled.set(modelId, code);
  }

  /** A refused key or an empty account: every model asked with that key at that origin is out too. */
  disableKey(keyScope: string, code: ErrorCode): void {
    for (const rt of this.runtimes.values()) if (rt.keyScope === keyScope && !this.disabled.has(rt.entry.id)) this.disabled.set(rt.entry.id, code);
  }

  /** See CallManager.keyCheck. */
  async keyCheck(pool: readonly string[], keys: KeyLookup): Promise<KeyCheck> {
    const ready: string[] = [];
    const missingKeys: Array<{ modelId: string; keyEnv: string }> = [];
    const refused: KeyCheck['refused'] = [];
    for (const rt of this.runtimes.values()) {
      const { id, keyEnv } = rt.entry;
      if (pool.length > 0 && !pool.includes(id)) continue;
      const disabled = this.disabled.get(id);
      if (disabled !== undefined) refused.push({ modelId: id, keyEnv, code: disabled });
      else if (keyEnv && (await keys(keyEnv)) === null) missingKeys.push({ modelId: id, keyEnv });
      else ready.push(id);
    }
    return { ready, missingKeys, refused };
  }

  /**
   * Why no model of the request's pool can take it, when each is ruled out by what it is or by
   * a refused key, all for the same reason; null when some model could take it, or the reasons
   * differ (the caller's general message then says what to check).
   */
  unfit(req: RouteRequest): AppErrorData | null {
    let code: ErrorCode | null = null;
    const names: string[] = [];
    for (const rt of this.runtimes.values()) {
      const { entry } = rt;
      if (req.options.pool && !req.options.pool.includes(entry.id)) continue;
      const excluded = exclusionOf(entry, { ...(req.options.task ? { task: req.options.task } : {}), hasImages: req.images, tokensNeeded: req.tokensNeeded });
      const why = this.disabled.get(entry.id) ?? (excluded === null ? null : CODE_OF_EXCLUSION[excluded]);
      if (why === null || (code !== null && why !== code)) return null;
      code = why;
      names.push(entry.name);
    }
    return code === null ? null : { code, message: unfitMessage(code, names) };
  }

  /**
   * The synchronous part of choosing: requests that arrive together are each committed to a
   * model (its in-flight count raised) before the next one chooses.
   */
  pick(req: RouteRequest): Choice {
    const eligible: ModelRuntime[] = [];
    for (const rt of this.runtimes.values()) {
      if (this.isEligible(rt, req, req.tried)) eligible.push(rt);
    }
    if (eligible.length === 0) return null;
    const estimate = { promptTokens: req.promptTokens, outputTokens: req.request.maxTokens ?? 1024 };
    const ordered = eligible.length === 1 ? [eligible[0]!.entry] : this.order(req.strategy, eligible, req.options, estimate);
    const now = this.deps.now();
    // The strategy's order, but a model that can start now beats one that must wait for its
    // rate limit, a Retry-After or a free slot; if none can, the one that can start soonest.
    let soonest: { rt: ModelRuntime; at: number } | null = null;
    for (const entry of ordered) {
      const rt = this.runtimes.get(entry.id);
      if (!rt || !rt.breaker.canPass(now)) continue;
      const at = this.readyAt(rt, now);
      if (at <= now + READY_SLACK_MS) return this.picked(rt);
      if (soonest === null || at < soonest.at) soonest = { rt, at };
    }
    if (soonest) return this.picked(soonest.rt);
    return { reopensAt: Math.min(...eligible.map((rt) => rt.breaker.reopensAt() ?? now + 50)) };
  }

  /** Whether some other model could take the request before `before` (so waiting here is a loss). */
  alternativeReadyBefore(current: ModelRuntime, req: RouteRequest, before: number): boolean {
    const now = this.deps.now();
    for (const rt of this.runtimes.values()) {
      if (rt === current || !this.isEligible(rt, req, req.tried)) continue;
      if (rt.breaker.canPass(now) && this.readyAt(rt, now) < before) return true;
    }
    return false;
  }

  /**
   * A model that can take the request now, for a request sleeping out a long wait elsewhere.
   * Models this request has not tried come first; a tried one (it failed transiently) still
   * beats a long wait, and the attempt budget bounds how often that can happen.
   */
  readyAlternative(current: ModelRuntime, req: RouteRequest): ModelRuntime | null {
    const now = this.deps.now();
    let triedReady: ModelRuntime | null = null;
    for (const rt of this.runtimes.values()) {
      if (rt === current || !this.isEligible(rt, req, NONE)) continue;
      if (req.tried.has(rt.entry.id) && !req.triedTransiently.has(rt.entry.id)) continue;
      if (!rt.breaker.canPass(now) || this.readyAt(rt, now) > now + READY_SLACK_MS) continue;
      if (!req.tried.has(rt.entry.id)) return rt;
      triedReady ??= rt;
    }
    return triedReady;
  }

  /** The model whose prices apply: the one that answered, if another configured one at the same endpoint did. */
  answering(answeredBy: string | null, entry: ModelEntry): ModelEntry {
    return answeredBy === null || answeredBy === entry.slug ? entry : (this.modelBySlug(answeredBy, entry.endpoint) ?? entry);
  }

  target(rt: ModelRuntime, apiKey: string | null): AttemptTarget {
    if (rt.target === null || rt.target.apiKey !== apiKey) {
      const { entry } = rt;
      rt.target = {
        modelId: entry.id,
        endpoint: entry.endpoint,
        slug: entry.slug,
        dialect: entry.dialect,
        apiKey,
        prices: entry.prices,
        structuredOutput: entry.structuredOutput,
        dataCollection: this.deps.settings.dataCollection,
      };
    }
    return rt.target;
  }

  /** Breaker state survives a restart. */
  saveBreaker(rt: ModelRuntime): void {
    this.deps.breakers?.save(rt.breakerKey, rt.breaker.toSnapshot());
  }

  private picked(rt: ModelRuntime): { rt: ModelRuntime } {
    rt.lastPicked = this.picks++;
    return { rt };
  }

  private order(strategy: Strategy, eligible: readonly ModelRuntime[], options: RouteRequest['options'], estimate: { promptTokens: number; outputTokens: number }): ModelEntry[] {
    const primary = options.pool?.[0] ?? this.deps.models[0]?.id;
    const fallbackOrder = primary ? [primary, ...(this.deps.settings.fallbacks[primary] ?? [])] : [];
    return orderModels(
      strategy,
      eligible.map((rt) => rt.entry),
      {
        stats: (id) => this.statsForChoice(id),
        estimate,
        random: this.deps.random,
        lastPicked: (id) => this.runtimes.get(id)?.lastPicked ?? -1,
        fallbackOrder,
      },
    );
  }

  /** In the call's pool, not disabled or already tried, and able to take the request at all. */
  private isEligible(rt: ModelRuntime, req: RouteRequest, tried: ReadonlySet<string>): boolean {
    const { options } = req;
    if (options.pool && !options.pool.includes(rt.entry.id)) return false;
    if (this.disabled.has(rt.entry.id) || tried.has(rt.entry.id)) return false;
    const task = options.task ?? req.request.task;
    return exclusionOf(rt.entry, { ...(task ? { task } : {}), hasImages: req.images, tokensNeeded: req.tokensNeeded, contextLargerThan: req.contextLargerThan }) === null;
  }

  /** When a request to this model could start: pacer blocks and limits, and a free slot. */
  private readyAt(rt: ModelRuntime, now: number): number {
    let at = this.deps.pacer.earliestStart(rt.scopes, now);
    // Committed requests beyond its concurrency queue: each full round of the queue costs one
    // answer's time, so a deep queue reads as later than a short one and load spreads.
    const queued = rt.stats.inFlight - rt.entry.maxConcurrency;
    if (queued >= 0) at = Math.max(at, now + (Math.floor(queued / rt.entry.maxConcurrency) + 1) * (rt.stats.latencyMs ?? 1000));
    return at;
  }

  /** The configured model behind an answering slug, at the same endpoint (another's prices differ). */
  private modelBySlug(slug: string, endpoint: string): ModelEntry | null {
    for (const rt of this.runtimes.values()) if (rt.entry.slug === slug && rt.entry.endpoint === endpoint) return rt.entry;
    return null;
  }
}
