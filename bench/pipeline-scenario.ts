/**
 * Bench 3's scenario: the class set, the three simulated models on their own keys, the faults,
 * the config a teacher would write for them, and the lower bounds the rate limits and the
 * concurrency set on any client.
 */
import type { FaultProfile, SimModel } from '../electron/simulator/index.ts';
import { mixFor, type Mix } from './pipeline-inputs.ts';
import { fmt } from './stats.ts';

export interface PipelineModel {
  /** Id in the GradeDesk config. */
  id: string;
  /** Model slug on the wire (the simulator's catalog). */
  slug: string;
  key: string;
  keyEnv: string;
  rpm: number;
  maxConcurrency: number;
  vision: boolean;
  inputCostPerToken: number;
  outputCostPerToken: number;
  cachedInputCostPerToken?: number;
}

export interface PipelineScenario {
  submissions: number;
  mix: Mix;
  seed: number;
  concurrency: number;
  latency: { mean: number; sd: number };
  ttftMs: number;
  windowMs: number;
  models: PipelineModel[];
  faults: Record<string, { rate: number; retryAfterMs?: number }>;
  retry: { max_attempts: number };
  routing: string;
  /** The CLI is stopped (SIGTERM, then SIGKILL) and the bench fails if it runs longer. */
  capMs: number;
}

const MODELS: PipelineModel[] = [
  { id: 'mini', slug: 'gd/mini', key: 'sk-gd-mini', keyEnv: 'GD_BENCH_MINI_KEY', rpm: 40, maxConcurrency: 4, vision: false, inputCostPerToken: 1.5e-7, outputCostPerToken: 6e-7, cachedInputCostPerToken: 7.5e-8 },
  { id: 'standard', slug: 'gd/standard', key: 'sk-gd-standard', keyEnv: 'GD_BENCH_STANDARD_KEY', rpm: 30, maxConcurrency: 4, vision: false, inputCostPerToken: 4e-7, outputCostPerToken: 1.6e-6 },
  { id: 'vision', slug: 'gd/vision', key: 'sk-gd-vision', keyEnv: 'GD_BENCH_VISION_KEY', rpm: 20, maxConcurrency: 4, vision: true, inputCostPerToken: 1.25e-6, outputCostPerToken: 5e-6 },
];

export function pipelineScenario(quick: boolean): PipelineScenario {
  const submissions = quick ? 20 : 100;
  return {
    submissions,
    mix: mixFor(submissions),
    seed: 20250,
    concurrency: 8,
    latency: { mean: 600, sd: 200 },
    ttftMs: 150,
    windowMs: 60_000,
    models: MODELS,
    faults: {
      rate_limit_429: { rate: 0.02, retryAfterMs: 1000 },
      server_error_500: { rate: 0.02 },
      truncated_stream: { rate: 0.01 },
      schema_invalid: { rate: 0.01 },
    },
    retry: { max_attempts: 5 },
    routing: 'least_busy',
    capMs: quick ? 150_000 : 360_000,
  };
}

export function simCatalog(s: PipelineScenario): Record<string, SimModel> {
  return Object.fromEntries(
    s.models.map((m) => [
      m.slug,
      {
        input_cost_per_token: m.inputCostPerToken,
        output_cost_per_token: m.outputCostPerToken,
        ...(m.cachedInputCostPerToken !== undefined ? { cached_input_cost_per_token: m.cachedInputCostPerToken } : {}),
        context_window: 128_000,
        vision: m.vision,
        structured_output: true,
      },
    ]),
  );
}

export function simProfile(s: PipelineScenario): FaultProfile {
  return {
    latencyMs: s.latency,
    ttftMs: s.ttftMs,
    faults: s.faults,
    // Own key per model, so each model's rpm is its key's window, as with real providers.
    models: Object.fromEntries(s.models.map((m) => [m.slug, { rateLimit: { rpm: m.rpm, scope: 'key' as const, windowMs: s.windowMs } }])),
  };
}

/** The config file a teacher would write: each model with its price, rpm and concurrency; keys from env vars. */
export function teacherConfig(s: PipelineScenario, baseUrl: string): unknown {
  return {
    models: Object.fromEntries(
      s.models.map((m) => [
        m.id,
        {
          endpoint: `${baseUrl}/chat/completions`,
          model: m.slug,
          api: 'openrouter',
          api_key_env: m.keyEnv,
          structured_output: true,
          vision: m.vision,
          context_window: 128_000,
          input_cost_per_token: m.inputCostPerToken,
          output_cost_per_token: m.outputCostPerToken,
          rpm: m.rpm,
          max_concurrency: m.maxConcurrency,
        },
      ]),
    ),
    routing: { strategy: s.routing },
    retry: s.retry,
  };
}

// Lower bounds

export interface PipelineBounds {
  /** The brief's formula: calls / total rpm capacity + one mean latency (a provider that paces rpm evenly). */
  rateSeconds: number;
  /** What a sliding 60 s window per key allows: the (R+1)-th call waits a whole window; + one latency. */
  windowSeconds: number;
  /** ceil(calls / concurrency) rounds of one mean latency each. */
  concurrencySeconds: number;
  /** max(window, concurrency): no client can grade faster against this simulator. */
  floorSeconds: number;
  explanation: string[];
}

export function pipelineBounds(s: PipelineScenario): PipelineBounds {
  const n = s.submissions;
  const rpm = s.models.reduce((sum, m) => sum + m.rpm, 0);
  const latency = s.latency.mean / 1000;
  const window = s.windowMs / 1000;
  const concurrency = Math.min(s.concurrency, s.models.reduce((sum, m) => sum + m.maxConcurrency, 0));
  const rateSeconds = (n / rpm) * 60 + latency;
  const windowSeconds = window * (Math.ceil(n / rpm) - 1) + latency;
  const concurrencySeconds = Math.ceil(n / concurrency) * latency;
  const floorSeconds = Math.max(windowSeconds, concurrencySeconds);
  return {
    rateSeconds,
    windowSeconds,
    concurrencySeconds,
    floorSeconds,
    explanation: [
      `rate bound (paced provider): ${n} calls / (${s.models.map((m) => m.rpm).join(' + ')} = ${rpm} rpm) = ${fmt((n / rpm) * 60, 1)} s + one mean latency ${fmt(latency, 1)} s = ${fmt(rateSeconds, 1)} s.`,
      `sliding-window floor: the simulator and the client's pacer both count a ${window} s window per key, so ${rpm} calls may start at once and call ${rpm + 1} waits a whole window: ` +
        `${window} s × (ceil(${n}/${rpm}) − 1) + ${fmt(latency, 1)} s = ${fmt(windowSeconds, 1)} s.`,
      `concurrency floor: ceil(${n} / ${concurrency} in flight) × ${fmt(latency, 1)} s = ${fmt(concurrencySeconds, 1)} s.`,
      `floor = max(window, concurrency) = ${fmt(floorSeconds, 1)} s; retries (faults) and extraction come on top of it.`,
    ],
  };
}
