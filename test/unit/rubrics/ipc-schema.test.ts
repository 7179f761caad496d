import { describe, expect, it } from 'vitest';
import { RUBRIC_LIMITS, RubricDataSchema, type RubricData } from '../../../shared/ipc/rubrics.ts';
import { RubricSchema } from '../../../electron/grading/rubric/schema.ts';

/** A valid rubric with `criteria` criteria of `levels` levels each. */
function rubric(criteria = 1, levels = 3): RubricData {
  return {
    title: 'T',
    instructions: '',
    criteria: Array.from({ length: criteria }, (_, c) => ({
      id: `c${c}`,
      name: `Criterion ${c}`,
      description: '',
      levels: Array.from({ length: levels }, (_, l) => ({ points: l, label: `L${l}`, description: `Level ${l}` })),
    })),
  };
}

type Edit = (r: RubricData, n: number) => void;
const text = (n: number): string => 'x'.repeat(n);

/** Each limit of the bridge's schema, and how to put a rubric at it. */
const limits: [string, number, Edit][] = [
  ['title', RUBRIC_LIMITS.title, (r, n) => (r.title = text(n))],
  ['instructions', RUBRIC_LIMITS.instructions, (r, n) => (r.instructions = text(n))],
  ['criterion id', RUBRIC_LIMITS.criterionId, (r, n) => (r.criteria[0]!.id = text(n))],
  ['criterion name', RUBRIC_LIMITS.criterionName, (r, n) => (r.criteria[0]!.name = text(n))],
  ['criterion description', RUBRIC_LIMITS.criterionDescription, (r, n) => (r.criteria[0]!.description = text(n))],
  ['level label', RUBRIC_LIMITS.levelLabel, (r, n) => (r.criteria[0]!.levels[0]!.label = text(n))],
  ['level description', RUBRIC_LIMITS.levelDescription, (r, n) => (r.criteria[0]!.levels[0]!.description = text(n))],
  ['criteria', RUBRIC_LIMITS.criteria, (r, n) => (r.criteria = rubric(n).criteria)],
  ['levels', RUBRIC_LIMITS.levels, (r, n) => (r.criteria = rubric(1, n).criteria)],
];

describe('the rubric crossing the bridge mirrors the rubric graded with', () => {
  it.each(limits)('%s: at most %i in both', (_name, limit, edit) => {
    const at = rubric();
    edit(at, limit);
    expect(RubricDataSchema.safeParse(at).success).toBe(true);
    expect(RubricSchema.safeParse(at).success).toBe(true);
    const over = rubric();
    edit(over, limit + 1);
    expect(RubricDataSchema.safeParse(over).success).toBe(false);
    expect(RubricSchema.safeParse(over).success).toBe(false);
  });

  it('needs a criterion and two levels in both, and refuses fields neither knows', () => {
    for (const bad of [
      { ...rubric(), criteria: [] },
      rubric(1, RUBRIC_LIMITS.minLevels - 1),
      { ...rubric(), extra: 1 },
      { ...rubric(), criteria: [{ ...rubric().criteria[0]!, id: 'with space' }] },
    ]) {
      expect(RubricDataSchema.safeParse(bad).success).toBe(false);
      expect(RubricSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('lets whatever the grading schema accepts through', () => {
    const parsed = RubricSchema.parse(rubric(3, 4));
    expect(RubricDataSchema.parse(parsed)).toEqual(parsed);
  });
});
