/**
 * Runtime check of {@link SimulatorOptions} that arrive as JSON (CLI flags, the child process
 * of spawnSimulator). The profile is checked separately by parseFaultProfile so its errors
 * keep their field paths.
 */
import { z } from 'zod';
import { parseFaultProfile } from './fault-profile.ts';
import type { SimulatorOptions } from './types.ts';

const price = z.number().finite().nonnegative();

const simModelSchema = z.strictObject({
  input_cost_per_token: price,
  output_cost_per_token: price,
  cached_input_cost_per_token: price.optional(),
  context_window: z.number().int().positive(),
  vision: z.boolean(),
  structured_output: z.boolean(),
});

const optionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).optional(),
  models: z.record(z.string().min(1), simModelSchema).optional(),
  keys: z.record(z.string().min(1), z.strictObject({ credits_usd: price.optional() })).nullable().optional(),
  profile: z.unknown().optional(),
  seed: z.number().int().optional(),
  reportCost: z.boolean().optional(),
});

export function parseSimulatorOptions(input: unknown): SimulatorOptions {
  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(options)'}: ${issue.message}`);
    throw new Error(`Invalid simulator options: ${issues.join('; ')}`);
  }
  const { profile, ...rest } = result.data;
  return profile === undefined ? rest : { ...rest, profile: parseFaultProfile(profile) };
}
