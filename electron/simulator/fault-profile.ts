/**
 * The fault profile: what can go wrong, how often and how slowly. Profiles arrive from test
 * code, JSON files and the `/__sim/profile` control route, so they are validated with zod and
 * a mistake is reported with the path of the offending field instead of silently ignored.
 */
import { z } from 'zod';

/**
 * Faults answered before any generation starts: nothing is billed for them. The rest break
 * a generation that has started, and are billed for what was produced.
 */
const PRE_GENERATION_KINDS = [
  'bad_request_400',
  'context_length_400',
  'unauthorized_401',
  'payment_required_402',
  'moderation_403',
  'not_found_404',
  'timeout_408',
  'rate_limit_429',
  'server_error_500',
  'bad_gateway_502',
  'unavailable_503',
  'gateway_timeout_504',
  'connection_reset',
  'stall_before_first_byte',
] as const;

const GENERATION_KINDS = ['stall_mid_stream', 'sse_error_event', 'finish_reason_error', 'truncated_stream', 'malformed_json', 'schema_invalid', 'empty_completion'] as const;

/** Every failure the simulator can inject, one per error of DESIGN §7. */
export const FAULT_KINDS = [...PRE_GENERATION_KINDS, ...GENERATION_KINDS] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const PRE_GENERATION_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(PRE_GENERATION_KINDS);

/**
 * A duration in ms: a constant, a normal distribution (clamped at 0) or a uniform range.
 */
export type Dist = number | { mean: number; sd: number } | { min: number; max: number };

export interface FaultSpec {
  /** Probability per request, drawn from the seeded generator (0..1). */
  rate?: number;
  /** 1-based request numbers of /chat/completions (global counter) that get this fault. */
  at?: number[];
  /** Retry hint for 429 and 503 faults; default 1000 ms. */
  retryAfterMs?: number;
}

export interface RateLimitSpec {
  /** Requests admitted per window. */
  rpm: number;
  /** Window per key (default) or per key × model. */
  scope?: 'key' | 'key_model';
  /**
   * Window length in ms; default 60 000 (so `rpm` means per minute). Shorter windows exist
   * so tests can exercise the limiter in milliseconds.
   */
  windowMs?: number;
}

export interface FaultProfileBase {
  /** Total time of a response, TTFT included; default 0. */
  latencyMs?: Dist;
  /** Time to first byte; default 0. */
  ttftMs?: Dist;
  /** Number of SSE content chunks a streamed answer is split into; default 5. */
  chunks?: number;
  rateLimit?: RateLimitSpec;
  faults?: Partial<Record<FaultKind, FaultSpec>>;
  /** How long a stall lasts before the server gives up and destroys the socket; default 30 000. */
  stallMs?: number;
}

export interface ModelFaultProfile extends FaultProfileBase {
  /**
   * [from, to) in ms since server start or the last setProfile/reset: every request to the
   * model in that interval gets a 503 whose Retry-After points at `to`.
   */
  downBetweenMs?: [number, number];
}

export interface FaultProfile extends FaultProfileBase {
  /**
   * Per-model overrides. A field given here replaces the top-level one; `faults` are merged
   * kind by kind. A `rateLimit` given here counts per key × model.
   */
  models?: Record<string, ModelFaultProfile>;
}

const nonNegative = z.number().finite().nonnegative();

const distSchema = z.union([
  nonNegative,
  z.strictObject({ mean: nonNegative, sd: nonNegative }),
  z
    .strictObject({ min: nonNegative, max: nonNegative })
    .refine((d) => d.min <= d.max, { message: 'min must not exceed max' }),
]);

const faultSpecSchema = z.strictObject({
  rate: z.number().min(0).max(1).optional(),
  at: z.array(z.number().int().positive()).optional(),
  retryAfterMs: nonNegative.optional(),
});

const rateLimitSchema = z.strictObject({
  rpm: z.number().int().positive(),
  scope: z.enum(['key', 'key_model']).optional(),
  windowMs: z.number().int().positive().optional(),
});

const baseShape = {
  latencyMs: distSchema.optional(),
  ttftMs: distSchema.optional(),
  chunks: z.number().int().positive().max(10_000).optional(),
  rateLimit: rateLimitSchema.optional(),
  faults: z.partialRecord(z.enum(FAULT_KINDS), faultSpecSchema).optional(),
  stallMs: nonNegative.optional(),
};

const modelProfileSchema = z.strictObject({
  ...baseShape,
  downBetweenMs: z
    .tuple([nonNegative, nonNegative])
    .refine(([from, to]) => from <= to, { message: 'from must not exceed to' })
    .optional(),
});

const faultProfileSchema = z.strictObject({
  ...baseShape,
  models: z.record(z.string().min(1), modelProfileSchema).optional(),
});

// Compile-time check that the hand-written interfaces and the schema agree.
const _schemaMatchesType: z.ZodType<FaultProfile> = faultProfileSchema;
void _schemaMatchesType;

/** Thrown for an invalid profile; `message` names every offending field by its path. */
export class FaultProfileError extends Error {
  override name = 'FaultProfileError';
  constructor(readonly issues: string[]) {
    super(`Invalid fault profile: ${issues.join('; ')}`);
  }
}

/** Validates a profile from any source; throws {@link FaultProfileError}. */
export function parseFaultProfile(input: unknown): FaultProfile {
  const result = faultProfileSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new FaultProfileError(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${path === '' ? '(profile)' : path}: ${issue.message}`;
    }),
  );
}

/** The profile that applies to one model: top-level fields with the model's overrides on top. */
export interface EffectiveProfile {
  latencyMs: Dist;
  ttftMs: Dist;
  chunks: number;
  rateLimit: RateLimitSpec | null;
  /** True when the rate limit came from the model's override, so it counts per key × model. */
  rateLimitPerModel: boolean;
  faults: Partial<Record<FaultKind, FaultSpec>>;
  stallMs: number;
  downBetweenMs: [number, number] | null;
}

export const DEFAULT_CHUNKS = 5;
export const DEFAULT_STALL_MS = 30_000;
export const DEFAULT_RETRY_AFTER_MS = 1_000;
export const DEFAULT_RATE_WINDOW_MS = 60_000;

/** Merges the model override (if any) over the top-level profile. */
export function effectiveProfile(profile: FaultProfile, model: string): EffectiveProfile {
  const override = profile.models?.[model];
  return {
    latencyMs: override?.latencyMs ?? profile.latencyMs ?? 0,
    ttftMs: override?.ttftMs ?? profile.ttftMs ?? 0,
    chunks: override?.chunks ?? profile.chunks ?? DEFAULT_CHUNKS,
    rateLimit: override?.rateLimit ?? profile.rateLimit ?? null,
    rateLimitPerModel: override?.rateLimit !== undefined,
    faults: { ...profile.faults, ...override?.faults },
    stallMs: override?.stallMs ?? profile.stallMs ?? DEFAULT_STALL_MS,
    downBetweenMs: override?.downBetweenMs ?? null,
  };
}

/**
 * Picks the fault for request number `n`. A kind listed by `at` wins (first in
 * {@link FAULT_KINDS} order); otherwise each kind with a `rate` is drawn independently with a
 * uniform number derived from (seed, n, kind), so the outcome of request n does not depend on
 * what earlier requests did or on their timing.
 */
export function pickFault(
  faults: Partial<Record<FaultKind, FaultSpec>>,
  n: number,
  uniform: (n: number, stream: string) => number,
): FaultKind | null {
  for (const kind of FAULT_KINDS) {
    if (faults[kind]?.at?.includes(n)) return kind;
  }
  for (const kind of FAULT_KINDS) {
    const rate = faults[kind]?.rate;
    if (rate !== undefined && rate > 0 && uniform(n, `fault:${kind}`) < rate) return kind;
  }
  return null;
}
