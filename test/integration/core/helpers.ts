import { z } from 'zod';
import type { ApiCallRow } from '../../../electron/store/api-calls.ts';
import { CallManager, type CallManagerSettings } from '../../../electron/api/index.ts';
import { modelEntry, type ModelEntry } from '../../../electron/api/routing/model-registry.ts';
import type { AttemptSink, BudgetGuard } from '../../../electron/api/ports.ts';
import type { ChatRequest, StructuredOutput } from '../../../electron/api/client/types.ts';
import type { ModelConfig } from '../../../shared/config.ts';

export const GradeSchema = z.strictObject({
  level: z.number().int().min(0).max(4),
  evidence: z.string(),
  feedback: z.string(),
});

export const gradeOutput: StructuredOutput = {
  name: 'grade',
  schema: {
    type: 'object',
    properties: {
      level: { type: 'integer', enum: [0, 2, 4] },
      evidence: { type: 'string', maxLength: 200 },
      feedback: { type: 'string', maxLength: 300 },
    },
    required: ['level', 'evidence', 'feedback'],
    additionalProperties: false,
  },
  validate: (value) => {
    const r = GradeSchema.safeParse(value);
    return r.success ? { ok: true, value: r.data } : { ok: false, message: r.error.issues[0]?.message ?? 'invalid' };
  },
};

export const gradingRequest = (text = 'The essay argues that homework should be optional.'): ChatRequest => ({
  system: 'You grade student work against a rubric.',
  parts: [{ type: 'text', text }],
  schema: gradeOutput,
  maxTokens: 300,
});

export class CollectingSink implements AttemptSink {
  readonly rows: ApiCallRow[] = [];
  record(row: ApiCallRow): void {
    this.rows.push(row);
  }
  byRequest(requestId: string): ApiCallRow[] {
    return this.rows.filter((r) => r.requestId === requestId);
  }
  totalCost(): number {
    return this.rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  }
}

/** Two simulator models on one key; A has the smaller context window. */
export function simModels(baseUrl: string, overrides: Record<string, Partial<ModelConfig>> = {}): ModelEntry[] {
  const endpoint = `${baseUrl}/chat/completions`;
  const base: Record<string, ModelConfig> = {
    A: { endpoint, model: 'sim/fast', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, context_window: 128_000, input_cost_per_token: 1e-7, output_cost_per_token: 4e-7, max_concurrency: 8 },
    B: { endpoint, model: 'sim/smart', api: 'openrouter', api_key_env: 'SIM_KEY', structured_output: true, context_window: 200_000, input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5, max_concurrency: 8 },
  };
  return Object.entries(base).map(([id, m]) => modelEntry(id, { ...m, ...(overrides[id] ?? {}) }));
}

export function makeManager(
  models: ModelEntry[],
  sink: AttemptSink,
  settings: Partial<CallManagerSettings> = {},
  extra: { budget?: BudgetGuard; keys?: Record<string, string> } = {},
): CallManager {
  const keys = extra.keys ?? { SIM_KEY: 'sk-sim' };
  return new CallManager({
    models,
    keys: async (name) => keys[name] ?? null,
    sink,
    settings: {
      strategy: 'fallback',
      backoff: { kind: 'exponential', baseMs: 20, maxMs: 2000 },
      timeouts: { connectMs: 2000, firstByteMs: 400, idleMs: 400, totalMs: 5000 },
      deadlineMs: 15_000,
      ...settings,
    },
    ...(extra.budget ? { budget: extra.budget } : {}),
    random: () => 0.5,
  });
}
