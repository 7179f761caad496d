import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RubricDataSchema } from '../../../shared/ipc/rubrics.ts';
import { importRubricText, inTeachersWords } from '../../../electron/rubrics/import.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'rubrics');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function imported(name: string) {
  const result = importRubricText(name, read(name));
  if (!result.ok) throw new Error(result.error.message);
  // what the handler answers must pass the bridge's schema
  RubricDataSchema.parse(result.data.rubric);
  return result.data;
}

function problem(name: string, text = read(name)): string {
  const result = importRubricText(name, text);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected an error');
  expect(result.error.code).toBe('RUBRIC_INVALID');
  return result.error.message;
}

describe('importing a rubric file for the editor', () => {
  it('reads JSON as DESIGN §5', () => {
    const { rubric, format } = imported('essay.json');
    expect(format).toBe('json');
    expect(rubric.criteria.map((c) => c.id)).toEqual(['thesis', 'evidence']);
  });

  it('reads a Markdown table: title from the heading, instructions from the prose, labels from the cells', () => {
    const { rubric, format } = imported('essay.md');
    expect(format).toBe('markdown');
    expect(rubric.title).toBe('Persuasive letter, Year 8');
    expect(rubric.instructions).toBe('Write a letter to the head teacher arguing for a change at school.');
    expect(rubric.criteria).toHaveLength(3);
    expect(rubric.criteria[1]).toMatchObject({ id: 'reasons', name: 'Reasons' });
    expect(rubric.criteria[1]?.levels.map((l) => [l.points, l.label])).toEqual([
      [4, 'Excellent'],
      [3, 'Good'],
      [2, 'Developing'],
      [0, 'Missing'],
    ]);
  });

  it('reads CSV, titled after the file, labels from the header', () => {
    const { rubric, format } = imported('essay.csv');
    expect(format).toBe('csv');
    expect(rubric.title).toBe('essay');
    expect(rubric.criteria[0]).toMatchObject({ name: 'Structure', description: 'Introduction, body, conclusion' });
    expect(rubric.criteria[0]?.levels.map((l) => l.label)).toEqual(['Excellent', 'Good', 'Weak']);
  });

  it('names the criterion and level of a JSON mistake, counted from one', () => {
    const message = problem('broken-duplicate-points.json');
    expect(message).toContain('broken-duplicate-points.json');
    expect(message).toContain('criterion 1 ("Method"), level 2, points: two levels are worth 3 points');
    expect(message).not.toContain('criteria[');
  });

  it('names the row and level of a Markdown cell left empty', () => {
    expect(problem('broken-empty-cell.md')).toMatch(/Row 2 \(line 6\) \("Structure"\): level 2 has no description/);
  });

  it('names the column of a CSV header that is not a level', () => {
    expect(problem('broken-header.csv')).toMatch(/column 2 "Very good" is neither Criterion, Description, Id nor a level/);
  });

  it('refuses a file that is not a rubric, or an empty one, or broken JSON', () => {
    expect(problem('notes.docx', 'x')).toContain('use a .json, .md or .csv file');
    expect(problem('empty.md', '  \n')).toContain('is empty');
    expect(problem('broken.json', '{"title": "x",')).toContain('not valid JSON');
  });

  it('rewrites structural places into counted ones', () => {
    expect(inTeachersWords('criteria[0] ("A").levels[3].label: the label is empty')).toBe('criterion 1 ("A"), level 4, label: the label is empty');
    expect(inTeachersWords('criteria[2].name: the name is empty')).toBe('criterion 3, name: the name is empty');
  });
});
