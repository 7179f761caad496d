import type { Config } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_TIMEOUTS, type Timeouts } from './client/types.ts';
import type { BackoffKind } from './retry/backoff.ts';
import { CODE_OF_CLASS, type ErrorClass } from './retry/error-classes.ts';
import { DEFAULT_BREAKER, type BreakerSettings } from './routing/circuit-breaker.ts';
import { isStrategy, STRATEGIES, type Strategy } from './routing/strategies.ts';

export interface CallManagerSettings {
  strategy: Strategy;
  /** Explicit fallback order per primary model (`routing.fallbacks`). */
  fallbacks: Readonly<Record<string, readonly string[]>>;
  maxAttempts: number;
  deadlineMs: number;
  backoff: { kind: BackoffKind; baseMs: number; maxMs: number };
  /** Per error class backoff kinds, overriding the table. */
  backoffByClass: Partial<Record<ErrorClass, BackoffKind>>;
  timeouts: Timeouts;
  /** Calls in flight across all models. */
  maxConcurrency: number;
  dataCollection: 'allow' | 'deny' | null;
  breaker: BreakerSettings;
  stream: boolean;
  /**
   * A second try for a request whose answer has not begun long after the model usually
   * answers, sent only when no other request is waiting for a slot (the end of a batch). The
   * wait is `ttftFactor` times the model's usual time to first token, at least `minDelayMs`;
   * null turns it off.
   */
  hedge: HedgeSettings | null;
}

export interface HedgeSettings {
  minDelayMs: number;
  ttftFactor: number;
}

const DEFAULT_HEDGE: HedgeSettings = { minDelayMs: 1000, ttftFactor: 4 };

export const DEFAULT_SETTINGS: CallManagerSettings = {
  strategy: 'performance',
  fallbacks: {},
  maxAttempts: 5,
  deadlineMs: 300_000,
  backoff: { kind: 'exponential', baseMs: 500, maxMs: 30_000 },
  backoffByClass: {},
  timeouts: DEFAULT_TIMEOUTS,
  maxConcurrency: 16,
  dataCollection: null,
  breaker: DEFAULT_BREAKER,
  stream: true,
  hedge: DEFAULT_HEDGE,
};

const BACKOFFS: readonly BackoffKind[] = ['exponential', 'linear', 'immediate'];

/**
 * The call manager's settings from the config file (DESIGN §4). Optional `retry.backoff_by_class`
 * (e.g. `{"rate_limit": "linear"}`) overrides the table per error class. Values the schema
 * cannot check (a strategy name, a class name) are checked here and named when wrong.
 */
export function settingsFromConfig(config: Config | null): Partial<CallManagerSettings> {
  if (!config) return {};
  const out: Partial<CallManagerSettings> = {};
  const strategy = config.routing?.strategy;
  if (strategy !== undefined) {
    if (!isStrategy(strategy)) {
      throw new AppError('CONFIG_INVALID', `Config field "routing.strategy" is wrong: "${strategy}" is not one of ${STRATEGIES.join(', ')}.`);
    }
    out.strategy = strategy;
  }
  if (config.routing?.fallbacks) out.fallbacks = config.routing.fallbacks;
  const retry = config.retry;
  if (retry?.max_attempts !== undefined) out.maxAttempts = retry.max_attempts;
  if (retry?.deadline_seconds !== undefined) out.deadlineMs = retry.deadline_seconds * 1000;
  if (retry && (retry.backoff || retry.base_delay_ms !== undefined || retry.max_delay_ms !== undefined)) {
    out.backoff = {
      kind: retry.backoff ?? DEFAULT_SETTINGS.backoff.kind,
      baseMs: retry.base_delay_ms ?? DEFAULT_SETTINGS.backoff.baseMs,
      maxMs: retry.max_delay_ms ?? DEFAULT_SETTINGS.backoff.maxMs,
    };
  }
  if (retry?.hedge_after_ms !== undefined) {
    out.hedge = retry.hedge_after_ms === 0 ? null : { ...DEFAULT_HEDGE, minDelayMs: retry.hedge_after_ms };
  }
  const byClass = (retry as { backoff_by_class?: unknown } | undefined)?.backoff_by_class;
  if (byClass !== undefined) {
    if (typeof byClass !== 'object' || byClass === null || Array.isArray(byClass)) {
      throw new AppError('CONFIG_INVALID', 'Config field "retry.backoff_by_class" is wrong: expected an object.');
    }
    const overrides: Partial<Record<ErrorClass, BackoffKind>> = {};
    for (const [cls, kind] of Object.entries(byClass)) {
      if (!Object.hasOwn(CODE_OF_CLASS, cls)) {
        throw new AppError('CONFIG_INVALID', `Config field "retry.backoff_by_class.${cls}" is wrong: there is no error class "${cls}".`);
      }
      if (!BACKOFFS.includes(kind as BackoffKind)) {
        throw new AppError('CONFIG_INVALID', `Config field "retry.backoff_by_class.${cls}" is wrong: expected one of ${BACKOFFS.join(', ')}.`);
      }
      overrides[cls as ErrorClass] = kind as BackoffKind;
    }
    out.backoffByClass = overrides;
  }
  const dataCollection = config.privacy?.data_collection;
  out.dataCollection = dataCollection ?? 'deny';
  return out;
}
