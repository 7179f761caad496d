/**
 * The watch behind a hedged request (hedged-request.ts): it tells when an attempt has waited
 * for its answer to begin (what the first-byte timeout waits for: a JSON answer's headers, a
 * stream's first content) far longer than the model usually takes, at a moment when no other
 * request waits for a slot.
 */
import type { CallManagerSettings } from './settings.ts';

/** How often a late attempt looks again whether the others have stopped waiting for slots. */
export const LATE_RECHECK_MS = 250;

export interface LateWatch {
  stop: () => void;
}

/**
 * Calls `onLate` once the wait passes `ttftFactor` times the model's usual time to first token
 * (at least `minDelayMs`) and `queued()` is 0; while others wait, it looks again a little later.
 * Null when hedging is off, when the model has not answered yet (what is usual is not known), or
 * when the first-byte timeout would come first anyway.
 */
export function watchFirstByte(settings: Pick<CallManagerSettings, 'hedge' | 'timeouts'>, usualTtftMs: number | null, queued: () => number, onLate: () => void): LateWatch | null {
  const { hedge } = settings;
  if (hedge === null || usualTtftMs === null) return null;
  const delay = Math.max(hedge.minDelayMs, hedge.ttftFactor * usualTtftMs);
  if (delay >= settings.timeouts.firstByteMs) return null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const look = (): void => {
    timer = null;
    if (queued() > 0) {
      timer = setTimeout(look, LATE_RECHECK_MS);
      return;
    }
    onLate();
  };
  timer = setTimeout(look, delay);
  return {
    stop: () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
