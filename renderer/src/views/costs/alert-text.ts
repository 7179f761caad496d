/** An alert in the teacher's words: the kind's sentence when known, the monitor's message otherwise. */
import type { AlertView } from '../../../../shared/ipc/monitor.ts';
import { t, tOptional } from '../../i18n/index.svelte.ts';

export function alertText(alert: AlertView): string {
  const model = alert.modelId ?? t('costs.alerts.allModels');
  return tOptional(`costs.alerts.kind.${alert.kind}`, { model }) ?? alert.message;
}
