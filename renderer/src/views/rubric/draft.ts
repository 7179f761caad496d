/**
 * A rubric while the teacher edits it: what the inputs hold (points may be empty), with a
 * stable key per criterion and level so that moving a row moves its inputs, focus included.
 * Criterion ids are never typed: a saved or imported criterion keeps its id (so versions of a
 * rubric line up), a new one gets one made from its name when the rubric is saved.
 */
import { RUBRIC_LIMITS, type RubricData } from '../../../../shared/ipc/rubrics.ts';

export interface LevelDraft {
  key: number;
  /** null while the points input is empty or not a number. */
  points: number | null;
  label: string;
  description: string;
}

export interface CriterionDraft {
  key: number;
  /** The id it was loaded with; null for a criterion added in the editor. */
  id: string | null;
  name: string;
  description: string;
  levels: LevelDraft[];
}

export interface RubricDraft {
  title: string;
  instructions: string;
  criteria: CriterionDraft[];
}

let lastKey = 0;
const nextKey = (): number => (lastKey += 1);

export function draftFromRubric(rubric: RubricData): RubricDraft {
  return {
    title: rubric.title,
    instructions: rubric.instructions,
    criteria: rubric.criteria.map((c) => ({
      key: nextKey(),
      id: c.id,
      name: c.name,
      description: c.description,
      levels: c.levels.map((l) => ({ key: nextKey(), points: l.points, label: l.label, description: l.description })),
    })),
  };
}

/** A criterion to fill in: the scale of the one before it (points only), else 2-1-0. */
export function newCriterion(like?: CriterionDraft): CriterionDraft {
  const points = like ? like.levels.map((l) => l.points) : [2, 1, 0];
  return { key: nextKey(), id: null, name: '', description: '', levels: points.map((p) => ({ key: nextKey(), points: p, label: '', description: '' })) };
}

export function blankDraft(): RubricDraft {
  return { title: '', instructions: '', criteria: [newCriterion()] };
}

/** A level below the lowest: one point less, or 0 when the lowest already is 0 (validation then asks). */
export function newLevel(criterion: CriterionDraft): LevelDraft {
  const known = criterion.levels.map((l) => l.points).filter((p): p is number => p !== null);
  const lowest = known.length === 0 ? 1 : Math.min(...known);
  return { key: nextKey(), points: Math.max(0, lowest - 1), label: '', description: '' };
}

/** `items` with the one at `from` moved to `to`; unchanged when `to` is outside. */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return [...items];
  const copy = [...items];
  const [item] = copy.splice(from, 1);
  if (item !== undefined) copy.splice(to, 0, item);
  return copy;
}

/** Highest points of each criterion, summed; empty points count as nothing. */
export function maxPoints(draft: RubricDraft): number {
  return draft.criteria.reduce((sum, c) => {
    const points = c.levels.map((l) => l.points).filter((p): p is number => p !== null && p >= 0);
    return sum + (points.length === 0 ? 0 : Math.max(...points));
  }, 0);
}

/** The grading schema's id rule: ASCII letters, digits and `_`, from the name; `criterion_<n>` for names without Latin letters. */
export function slugify(name: string, index: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
    .replace(/_+$/, '');
  return slug === '' ? `criterion_${index + 1}` : slug;
}

/** Ids for every criterion: kept where loaded, made from the name otherwise, never twice the same. */
export function criterionIds(criteria: readonly CriterionDraft[]): string[] {
  const used = new Set(criteria.flatMap((c) => (c.id === null ? [] : [c.id])));
  const taken = new Set<string>();
  return criteria.map((c, index) => {
    if (c.id !== null && !taken.has(c.id)) {
      taken.add(c.id);
      return c.id;
    }
    const base = slugify(c.name, index);
    let id = base;
    for (let n = 2; used.has(id) || taken.has(id); n += 1) id = `${base}_${n}`.slice(0, RUBRIC_LIMITS.criterionId);
    taken.add(id);
    return id;
  });
}

/** The rubric to save; call only on a draft without problems (points all set). */
export function rubricFromDraft(draft: RubricDraft): RubricData {
  const ids = criterionIds(draft.criteria);
  return {
    title: draft.title.trim(),
    instructions: draft.instructions.trim(),
    criteria: draft.criteria.map((c, index) => ({
      id: ids[index] ?? `criterion_${index + 1}`,
      name: c.name.trim(),
      description: c.description.trim(),
      levels: c.levels.map((l) => ({ points: l.points ?? 0, label: l.label.trim(), description: l.description.trim() })),
    })),
  };
}

/** What the draft says, keys aside: two drafts with the same fingerprint hold the same rubric. */
export function fingerprint(draft: RubricDraft): string {
  return JSON.stringify({
    title: draft.title,
    instructions: draft.instructions,
    criteria: draft.criteria.map((c) => [c.name, c.description, c.levels.map((l) => [l.points, l.label, l.description])]),
  });
}
