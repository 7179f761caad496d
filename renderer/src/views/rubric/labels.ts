/**
 * How the editor names a criterion or level to the teacher and to a screen reader: by its name
 * when it has one (“Thesis”), else by its place (Criterion 3), so every input's label says which
 * cell of the table it is.
 */
import type { RubricSummary } from '../../../../shared/ipc/rubrics.ts';
import { i18n, t } from '../../i18n/index.svelte.ts';

export function criterionLabel(name: string, index: number): string {
  const trimmed = name.trim();
  return trimmed === '' ? t('rubric.editor.criterionNumber', { n: index + 1 }) : `“${trimmed}”`;
}

export function pointsText(points: number): string {
  const shown = new Intl.NumberFormat(i18n.locale, { maximumFractionDigits: 2 }).format(points);
  return points === 1 ? t('rubric.summary.pointsOne') : t('rubric.summary.pointsMany', { points: shown });
}

export function criteriaText(n: number): string {
  return n === 1 ? t('rubric.summary.criteriaOne') : t('rubric.summary.criteriaMany', { n });
}

export function shortDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium' }).format(date);
}

/** One line for the library's list: "8 points · 2 criteria · last used 3 Sep 2025". */
export function summaryLine(summary: RubricSummary): string {
  const used = summary.lastUsedAt === null ? t('rubric.summary.neverUsed') : t('rubric.summary.lastUsed', { date: shortDate(summary.lastUsedAt) });
  return [criteriaText(summary.criteria), pointsText(summary.maxPoints), used].join(' · ');
}
