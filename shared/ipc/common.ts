import { z } from 'zod';

/** Named limits: every string and array that crosses the bridge has one. */
export const LIMITS = {
  id: 200,
  name: 300,
  url: 2000,
  message: 4000,
  /** A whole serialized request; larger ones are refused before parsing. */
  requestBytes: 256 * 1024,
  listItems: 1000,
} as const;

export const IdSchema = z.string().min(1).max(LIMITS.id);
export const ErrorDataSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/).max(LIMITS.id),
  message: z.string().max(LIMITS.message),
});
export const EmptyInput = z.strictObject({});
