import { describe, expect, it } from 'vitest';
import { RubricSchema } from '../../../electron/grading/rubric/schema.ts';
import { slugify as parserSlugify } from '../../../electron/grading/rubric/table.ts';
import {
  blankDraft,
  criterionIds,
  draftFromRubric,
  fingerprint,
  maxPoints,
  moved,
  newCriterion,
  newLevel,
  rubricFromDraft,
  slugify,
} from '../../../renderer/src/views/rubric/draft.ts';
import { problemsOf } from '../../../renderer/src/views/rubric/validate.ts';

const rubric = {
  title: 'Essay',
  instructions: '',
  criteria: [
    { id: 'thesis', name: 'Thesis', description: '', levels: [{ points: 4, label: 'A', description: 'a' }, { points: 0, label: 'B', description: 'b' }] },
  ],
};

describe('the editor draft', () => {
  it('makes ids as the table parser does, unique, and keeps the ids a rubric was loaded with', () => {
    for (const name of ['Use of evidence', 'Café  au lait!', '论点', '  ']) expect(slugify(name, 2)).toBe(parserSlugify(name, 2));
    const draft = draftFromRubric(rubric);
    draft.criteria.push({ ...newCriterion(), name: 'Thesis' }, { ...newCriterion(), name: 'Thesis' }, { ...newCriterion(), name: '论点' });
    expect(criterionIds(draft.criteria)).toEqual(['thesis', 'thesis_2', 'thesis_3', 'criterion_4']);
  });

  it('gives a saved draft the grading schema accepts, trimmed', () => {
    const draft = draftFromRubric(rubric);
    draft.title = '  Essay, revised ';
    draft.criteria.push({ ...newCriterion(draft.criteria[0]), name: 'Evidence' });
    for (const level of draft.criteria[1]!.levels) {
      level.label = 'L';
      level.description = 'D';
    }
    expect(problemsOf(draft)).toEqual([]);
    const saved = rubricFromDraft(draft);
    expect(saved.title).toBe('Essay, revised');
    expect(RubricSchema.safeParse(saved).success).toBe(true);
    expect(maxPoints(draft)).toBe(8);
  });

  it('finds duplicate points at once and empty fields only when asked to save', () => {
    const draft = blankDraft();
    const [c] = draft.criteria;
    c!.levels[1]!.points = 2;
    const problems = problemsOf(draft);
    expect(problems.filter((p) => p.immediate).map((p) => [p.kind, p.level])).toEqual([['duplicatePoints', c!.levels[1]!.key]]);
    expect(problems.map((p) => p.kind)).toContain('titleEmpty');
    expect(problems.map((p) => p.kind)).toContain('nameEmpty');
    c!.levels[2]!.points = null;
    expect(problemsOf(draft).find((p) => p.kind === 'pointsMissing')?.immediate).toBe(false);
  });

  it('moves within bounds only, adds a level below the lowest, and ignores keys in the fingerprint', () => {
    expect(moved([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
    expect(moved([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    const draft = draftFromRubric(rubric);
    expect(newLevel(draft.criteria[0]!).points).toBe(0);
    expect(fingerprint(draftFromRubric(rubric))).toBe(fingerprint(draft));
  });
});
