/** A monitor suggestion in the teacher's language; the monitor's English message when it cannot be worded. */
import type { SuggestionView } from '../../../../shared/ipc/monitor.ts';
import { i18n, tOptional } from '../../i18n/index.svelte.ts';
import { formatInteger } from '../../lib/format.ts';
import { formatMoney } from '../../lib/grading-report.ts';
import { suggestionMessage } from './suggestion-words.ts';
import { classText } from './teacher-words.ts';

export function suggestionText(s: SuggestionView, nameOf: (modelId: string) => string): string {
  const locale = i18n.locale;
  const m = suggestionMessage(s, {
    name: nameOf,
    share: (v) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(v),
    money: (v) => formatMoney(v, locale),
    integer: (v) => formatInteger(v, locale),
    ratio: (v) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v),
  });
  if (m === null) return s.message;
  const advice = m.adviceKey === null ? '' : (tOptional(m.adviceKey) ?? '');
  const reason = m.reasonClass === null ? '' : classText(m.reasonClass);
  return tOptional(m.key, { ...m.vars, advice, reason }) ?? s.message;
}
