export type BackoffKind = 'exponential' | 'linear' | 'immediate';

export interface BackoffSettings {
  kind: BackoffKind;
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `retry` (0 for the first retry). Exponential uses "equal jitter":
 * half the step is fixed so a retry never comes back at once, half is random so a batch of
 * failures does not return in lockstep.
 */
export function backoffDelay(settings: BackoffSettings, retry: number, random: () => number = Math.random): number {
  const { kind, baseMs, maxMs } = settings;
  if (kind === 'immediate') return 0;
  if (kind === 'linear') return Math.min(maxMs, baseMs * (retry + 1));
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(retry, 30));
  return Math.min(maxMs, step / 2 + random() * (step / 2));
}
