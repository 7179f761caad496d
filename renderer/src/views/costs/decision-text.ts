/** What the app did after an attempt, in the teacher's words; the recorded label when it is one the screen does not know yet. */
import { tOptional } from '../../i18n/index.svelte.ts';

export function decisionText(decision: string | null): string {
  if (decision === null) return '—';
  // A retry is recorded with its wait ("retry_same:250ms"); the wait has its own column.
  const kind = decision.startsWith('retry_same') ? 'retry' : decision;
  return tOptional(`costs.decisions.${kind}`) ?? decision;
}
