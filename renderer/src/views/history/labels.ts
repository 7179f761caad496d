/** How history values read on screen. */
import { BATCH_STATUSES, SUBMISSION_STATUSES } from '../../../../shared/ipc/history.ts';
import { i18n, t, tOptional, type TranslationKey } from '../../i18n/index.svelte.ts';

export const BATCH_STATUS_OPTIONS: ReadonlyArray<{ value: string; label: TranslationKey }> = BATCH_STATUSES.map((s) => ({ value: s, label: `history.batchStatus.${s}` }));
export const WORK_STATUS_OPTIONS: ReadonlyArray<{ value: string; label: TranslationKey }> = SUBMISSION_STATUSES.map((s) => ({ value: s, label: `history.workStatus.${s}` }));

/** A status in words; one this version does not know is shown as it is stored. */
export const batchStatusText = (status: string): string => tOptional(`history.batchStatus.${status}`) ?? status;
export const workStatusText = (status: string): string => tOptional(`history.workStatus.${status}`) ?? status;

export const dateText = (iso: string): string => new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** "13 / 16", or a dash. */
export function points(score: number | null, max: number | null): string {
  if (score === null) return '—';
  const n = (v: number): string => new Intl.NumberFormat(i18n.locale, { maximumFractionDigits: 2 }).format(v);
  return max === null ? n(score) : `${n(score)} / ${n(max)}`;
}

export const studentText = (student: string | null, fileName: string): string => student ?? (fileName || t('history.work.unknownStudent'));
