/**
 * Acting on a suggestion: "lower this model's concurrency" halves the model's max concurrency
 * (at least 1) through the set-up routes, which write the config; the app then rebuilds.
 */
import type { IpcResult } from '../../../../shared/ipc/contract.ts';
import type { GradeDeskApi } from '../../../../shared/ipc/contract.ts';
import type { SuggestionView } from '../../../../shared/ipc/monitor.ts';
import { settle } from '../setup/call.ts';

/** What a model runs with when its config names no concurrency. */
const DEFAULT_CONCURRENCY = 4;

export function canApply(s: SuggestionView): boolean {
  return s.kind === 'rate_limited' && s.modelId !== null;
}

export function lowerConcurrency(current: number | null): number {
  return Math.max(1, Math.floor((current ?? DEFAULT_CONCURRENCY) / 2));
}

/** Applies the suggestion; answers the new concurrency. */
export async function applySuggestion(
  api: Pick<GradeDeskApi, 'getModelSettings' | 'updateModel'>,
  s: SuggestionView,
): Promise<IpcResult<{ modelId: string; maxConcurrency: number }>> {
  if (!canApply(s) || s.modelId === null) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: 'This suggestion has nothing to apply.' } };
  }
  const modelId = s.modelId;
  const current = await settle(api.getModelSettings({ modelId }));
  if (!current.ok) return current;
  const maxConcurrency = lowerConcurrency(current.data.maxConcurrency);
  const written = await settle(api.updateModel({ modelId, settings: { ...current.data, maxConcurrency } }));
  if (!written.ok) return written;
  return { ok: true, data: { modelId, maxConcurrency } };
}
