/** How a student and a score read on the review screens. */
import { t } from '../../../i18n/index.svelte.ts';

/** The student's name, or "Student 7" when names are hidden or unknown. */
export const studentLabel = (student: string | null, anonymousNumber: number): string => student ?? t('review.anonymous', { number: anonymousNumber });

/** "13 / 16", or a dash when there is no score. */
export function scoreText(score: number | null, max: number | null): string {
  if (score === null) return t('review.noScore');
  return max === null ? String(score) : t('review.score', { score, max });
}
