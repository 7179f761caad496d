import type { z } from 'zod';
import type { RateLimitScopeSchema } from '../../../../shared/ipc/core.ts';

/** What the pacer learned about one model's or key's limits. */
export type RateLimitScope = z.infer<typeof RateLimitScopeSchema>;
