/**
 * Pure helpers of the compare screen: level names, numbers as a teacher reads them, the word
 * diff as segments (rendered as <ins>/<del> elements, never as HTML), and whether the rest of a
 * sample-first batch can be started from here. Every function takes the locale explicitly.
 */
import { diffWords } from 'diff';
import type { CompareCriterion } from '../../../../shared/ipc/compare.ts';

/** The level a criterion's points name ("Excellent"), or null when the points are not a level. */
export function levelLabel(criteria: readonly CompareCriterion[], criterionId: string, points: number): string | null {
  const criterion = criteria.find((c) => c.id === criterionId);
  return criterion?.levels.find((l) => l.points === points)?.label ?? null;
}

/** Points without binary noise ("2.5", "4"), in the locale's digits. */
export function formatPoints(points: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(points);
}

/** A share (0..1) as a whole percentage ("83%"). */
export function formatShare(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** Kappa with two decimals and a real minus sign ("0.80", "−0.25"). */
export function formatKappa(kappa: number, locale: string): string {
  const text = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(kappa));
  return kappa < -0.005 ? `−${text}` : text;
}

/** A points difference with its sign ("+1.5", "−0.5", "0"). */
export function formatSignedPoints(diff: number, locale: string): string {
  const rounded = Math.round(diff * 100) / 100;
  const text = formatPoints(Math.abs(rounded), locale);
  if (rounded > 0) return `+${text}`;
  if (rounded < 0) return `−${text}`;
  return text;
}

/** Landis & Koch's bands, the words most papers use for kappa. */
export type KappaBand = 'poor' | 'slight' | 'fair' | 'moderate' | 'substantial' | 'almostPerfect';

export function kappaBand(kappa: number): KappaBand {
  if (kappa < 0) return 'poor';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almostPerfect';
}

export type DiffSegment = { kind: 'same' | 'removed' | 'added'; text: string };

/** Word diff of two feedbacks: what only the first said is `removed`, what only the second said is `added`. */
export function feedbackDiff(first: string, second: string): DiffSegment[] {
  return diffWords(first, second).map((change) => ({
    kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
    text: change.value,
  }));
}

/** Blind-mode name of a model: "Model A" until the teacher may see who it is. */
export function modelName(model: { modelId: string; alias: string }, hidden: boolean, blindLabel: (alias: string) => string): string {
  return hidden ? blindLabel(model.alias) : model.modelId;
}
