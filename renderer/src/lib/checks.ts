import type { AppErrorData } from '../../../shared/errors.ts';
import type { ModelCheck } from '../../../shared/ipc/models.ts';

/**
 * Which of two results for the same model to show: the one checked later. Results arrive from
 * the teacher's own click, from `modelChecked` events (a check started elsewhere) and from
 * `listModels` on load, in any order; an older one must never replace a newer one. On a tie
 * or an unparsable time the incoming result wins, since it arrived last.
 */
export function latestCheck(current: ModelCheck | null | undefined, incoming: ModelCheck): ModelCheck {
  if (!current) return incoming;
  const a = Date.parse(current.checkedAt);
  const b = Date.parse(incoming.checkedAt);
  if (Number.isNaN(a) || Number.isNaN(b)) return incoming;
  return a > b ? current : incoming;
}

/**
 * A failed check made from a bridge-level failure (the route itself answered `ok: false`,
 * e.g. MODEL_NOT_FOUND or BRIDGE_CLOSED), so the card shows it exactly like a failed call.
 */
export function checkFromError(modelId: string, error: AppErrorData, at: Date): ModelCheck {
  return {
    modelId,
    checkedAt: at.toISOString(),
    ok: false,
    latencyMs: null,
    httpStatus: null,
    errorClass: null,
    error,
  };
}

/** The error of a thrown value (a bug, not an answer), as the value the UI shows. */
export function errorFromThrown(thrown: unknown): AppErrorData {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: 'INTERNAL_ERROR', message };
}
