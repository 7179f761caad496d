/**
 * The batch scenario of bench 2, shared by the GradeDesk core and both baselines so that every
 * contestant sends the same prompts, with the same schema, to the same models and keys.
 */
import { z } from 'zod';
import type { JsonSchema } from '../electron/api/client/types.ts';
import type { FaultProfile, SimModel } from '../electron/simulator/index.ts';
import type { ClientAttempt } from './retry-after-audit.ts';

/** One simulated model, reached with its own API key. */
export interface BenchModel {
  /** The id in the GradeDesk config. */
  id: string;
  /** The `model` slug on the wire (a model of the simulator's catalog). */
  slug: string;
  key: string;
  keyEnv: string;
  inputCostPerToken: number;
  outputCostPerToken: number;
}

export const BENCH_MODELS: readonly BenchModel[] = [
  { id: 'alpha', slug: 'bench/alpha', key: 'sk-bench-alpha', keyEnv: 'ALPHA_KEY', inputCostPerToken: 1e-7, outputCostPerToken: 4e-7 },
  { id: 'beta', slug: 'bench/beta', key: 'sk-bench-beta', keyEnv: 'BETA_KEY', inputCostPerToken: 1.5e-7, outputCostPerToken: 6e-7 },
  { id: 'gamma', slug: 'bench/gamma', key: 'sk-bench-gamma', keyEnv: 'GAMMA_KEY', inputCostPerToken: 2e-7, outputCostPerToken: 8e-7 },
];

/** The simulator's catalog for the scenario: three text models with structured output. */
export function simCatalog(): Record<string, SimModel> {
  return Object.fromEntries(
    BENCH_MODELS.map((m) => [
      m.slug,
      { input_cost_per_token: m.inputCostPerToken, output_cost_per_token: m.outputCostPerToken, context_window: 128_000, vision: false, structured_output: true },
    ]),
  );
}

export const SYSTEM_PROMPT = 'You grade student work against a rubric.';
export const MAX_TOKENS = 300;

export const GRADE_JSON_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    level: { type: 'integer', enum: [0, 2, 4] },
    evidence: { type: 'string', maxLength: 200 },
    feedback: { type: 'string', maxLength: 300 },
  },
  required: ['level', 'evidence', 'feedback'],
  additionalProperties: false,
};

export const GradeAnswer = z.strictObject({
  level: z.number().int().min(0).max(4),
  evidence: z.string(),
  feedback: z.string(),
});

/** Whether a streamed answer is a usable grade (the same check for every contestant). */
export function isValidGrade(content: string): boolean {
  try {
    return GradeAnswer.safeParse(JSON.parse(content)).success;
  } catch {
    return false;
  }
}

/** The student texts of the batch, one per request. */
export function essayTexts(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `Essay ${i + 1}: the student argues that homework should be optional, because rest and play also help learning (${i % 7} examples).`,
  );
}

export interface BatchScenario {
  requests: number;
  /** Requests per minute per key, as the simulator enforces it. */
  rpm: number;
  /** The simulator's sliding window, ms. */
  windowMs: number;
  latency: { mean: number; sd: number };
  ttftMs: number;
  rate429: number;
  retryAfter429Ms: number;
  rate503: number;
  retryAfter503Ms: number;
  rateStall: number;
  stallMs: number;
  downModel: string;
  downBetweenMs: [number, number];
  /** The longest a contestant may run before it is stopped and reported as such. */
  capMs: number;
  seed: number;
}

export function scenarioFor(quick: boolean, seed = 7): BatchScenario {
  return {
    requests: quick ? 90 : 300,
    rpm: 120,
    windowMs: 60_000,
    latency: { mean: 600, sd: 200 },
    ttftMs: 150,
    rate429: 0.05,
    retryAfter429Ms: 2000,
    rate503: 0.02,
    retryAfter503Ms: 1000,
    rateStall: 0.01,
    stallMs: quick ? 10_000 : 30_000,
    downModel: 'bench/beta',
    downBetweenMs: quick ? [2000, 8000] : [5000, 25_000],
    capMs: quick ? 180_000 : 600_000,
    seed,
  };
}

export function faultProfile(s: BatchScenario): FaultProfile {
  return {
    latencyMs: s.latency,
    ttftMs: s.ttftMs,
    rateLimit: { rpm: s.rpm, scope: 'key', windowMs: s.windowMs },
    stallMs: s.stallMs,
    faults: {
      rate_limit_429: { rate: s.rate429, retryAfterMs: s.retryAfter429Ms },
      unavailable_503: { rate: s.rate503, retryAfterMs: s.retryAfter503Ms },
      stall_before_first_byte: { rate: s.rateStall },
    },
    models: { [s.downModel]: { downBetweenMs: s.downBetweenMs } },
  };
}

/** What one contestant reports for one logical request. */
export interface RequestResult {
  ok: boolean;
  /** Error code of a failed request (the contestant's own vocabulary). */
  code: string | null;
  /** performance.now() when the request settled. */
  finishedAt: number;
}

export interface ContestantContext {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  models: readonly BenchModel[];
  texts: readonly string[];
  /** Aborted when the contestant reaches the time cap. */
  signal: AbortSignal;
}

export interface ContestantRun {
  results: RequestResult[];
  /** Attempts the contestant itself counted; null when it cannot tell (the SDK retries inside). */
  clientAttempts: number | null;
  notes: string[];
  /** Per attempt, when the client sent it and read its answer (the core's audit trail). */
  attemptLog?: ClientAttempt[];
}
