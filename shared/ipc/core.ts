import { z } from 'zod';
import { EmptyInput, LIMITS } from './common.ts';

const count = z.number().int().nonnegative();

/** What the pacer knows about one rate-limit scope: an API key at an origin, or one model. */
export const RateLimitScopeSchema = z.strictObject({
  /** `model:<id>` or `key:<origin>#<hash of the key>`; never the key itself. */
  scope: z.string().max(LIMITS.url),
  configuredRpm: z.number().nonnegative().nullable(),
  /** Learned from 429s that named no wait; null until then. */
  learnedRpm: z.number().nonnegative().nullable(),
  /** The limit the provider's headers state, per its own window. */
  providerLimit: z.number().nonnegative().nullable(),
  /** Nothing is sent to the scope before this time (a Retry-After or a reset in force). */
  blockedUntil: z.string().max(40).nullable(),
  requestsLastMinute: count,
  rateLimited: count,
  preemptiveWaits: count,
});

export const coreRoutes = {
  /** What the retry manager learned about each provider's rate limits, and what it enforces now. */
  getRateLimits: { input: EmptyInput, output: z.array(RateLimitScopeSchema).max(LIMITS.listItems) },
} as const;
