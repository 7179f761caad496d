/**
 * The editor's checks, the same the main process makes before it saves (the rubric schema),
 * found where the teacher can fix them: per criterion and level, by their stable keys, so a
 * message stays beside its input when rows move.
 */
import { RUBRIC_LIMITS } from '../../../../shared/ipc/rubrics.ts';
import type { RubricDraft } from './draft.ts';

export type ProblemField = 'title' | 'name' | 'label' | 'description' | 'points' | 'levels';
export type ProblemKind = 'titleEmpty' | 'nameEmpty' | 'labelEmpty' | 'descriptionEmpty' | 'pointsMissing' | 'duplicatePoints' | 'tooFewLevels';

export interface Problem {
  kind: ProblemKind;
  field: ProblemField;
  /** Key of the criterion, or null for the rubric's own fields. */
  criterion: number | null;
  /** Key of the level, or null. */
  level: number | null;
  /** The points two levels share (duplicatePoints). */
  points?: number;
  /**
   * Shown as soon as it happens: a conflict the teacher just typed. Empty fields wait until the
   * teacher tries to save, so a criterion just added is not already red.
   */
  immediate: boolean;
}

const empty = (text: string): boolean => text.trim() === '';

export function problemsOf(draft: RubricDraft): Problem[] {
  const problems: Problem[] = [];
  if (empty(draft.title)) problems.push({ kind: 'titleEmpty', field: 'title', criterion: null, level: null, immediate: false });
  for (const c of draft.criteria) {
    const at = (kind: ProblemKind, field: ProblemField, level: number | null, immediate: boolean, points?: number): void => {
      problems.push({ kind, field, criterion: c.key, level, immediate, ...(points === undefined ? {} : { points }) });
    };
    if (empty(c.name)) at('nameEmpty', 'name', null, false);
    if (c.levels.length < RUBRIC_LIMITS.minLevels) at('tooFewLevels', 'levels', null, true);
    const seen = new Set<number>();
    for (const l of c.levels) {
      if (l.points === null || !Number.isFinite(l.points) || l.points < 0) at('pointsMissing', 'points', l.key, l.points !== null);
      else if (seen.has(l.points)) at('duplicatePoints', 'points', l.key, true, l.points);
      else seen.add(l.points);
      if (empty(l.label)) at('labelEmpty', 'label', l.key, false);
      if (empty(l.description)) at('descriptionEmpty', 'description', l.key, false);
    }
  }
  return problems;
}

/** The problem of one input, if any, among those being shown. */
export function problemAt(
  problems: readonly Problem[],
  field: ProblemField,
  criterion: number | null,
  level: number | null = null,
): Problem | undefined {
  return problems.find((p) => p.field === field && p.criterion === criterion && p.level === level);
}

/** The DOM id of an input, so a problem in the summary can move focus to it. */
export function inputId(field: ProblemField, criterion: number | null, level: number | null = null): string {
  return ['rubric', field, criterion ?? 'rubric', level ?? 'all'].join('-');
}
