/** An alert in the teacher's words: the kind's sentence with its figures when known, the monitor's message otherwise. */
import type { AlertView } from '../../../../shared/ipc/monitor.ts';
import { i18n, t, tOptional } from '../../i18n/index.svelte.ts';
import { formatMoney } from '../../lib/grading-report.ts';

/** A value of the alert's kind as the teacher reads it: a share, seconds, or money. */
function figure(kind: string, v: number): string | null {
  const locale = i18n.locale;
  if (kind === 'error_rate') return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(v);
  if (kind === 'response_time') return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', maximumFractionDigits: 1 }).format(v);
  if (kind === 'cost_per_hour') return formatMoney(v, locale);
  return null;
}

export function alertText(alert: AlertView): string {
  const model = alert.modelId ?? t('costs.alerts.allModels');
  const value = alert.value === null ? null : figure(alert.kind, alert.value);
  const threshold = alert.threshold === null ? null : figure(alert.kind, alert.threshold);
  const withFigures = value !== null && threshold !== null ? tOptional(`costs.alerts.kind.${alert.kind}`, { model, value, threshold }) : null;
  return withFigures ?? tOptional(`costs.alerts.kindPlain.${alert.kind}`, { model }) ?? alert.message;
}
