import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CRITERIA,
  canonicalJson,
  criterionMax,
  loadRubricFile,
  maxScore,
  parseRubric,
  parseRubricCsv,
  parseRubricMarkdown,
  rubricVersion,
  type Rubric,
} from '../../../electron/grading/rubric/index.ts';
import { ESSAY_RUBRIC_INPUT, essayRubric } from './fixtures.ts';

const level = (points: number, label = `L${points}`) => ({ points, label, description: `Worth ${points}.` });
const criterion = (id: string, points = [4, 2, 0]) => ({ id, name: `Name ${id}`, description: '', levels: points.map((p) => level(p)) });

function errorOf(result: ReturnType<typeof parseRubric>): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected an error');
  expect(result.error.code).toBe('RUBRIC_INVALID');
  return result.error.message;
}

function dataOf(result: ReturnType<typeof parseRubric>): Rubric {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

describe('parseRubric (DESIGN §5 JSON)', () => {
  it('accepts the contract example, from a value or from JSON text with a BOM', () => {
    const example = {
      title: 'Argumentative essay, grade 10',
      instructions: 'What the task was, for the grader to read.',
      criteria: [
        {
          id: 'thesis',
          name: 'Thesis',
          description: 'States a clear, arguable claim.',
          levels: [
            { points: 4, label: 'Excellent', description: 'Clear, specific, arguable.' },
            { points: 2, label: 'Developing', description: 'Present but vague.' },
            { points: 0, label: 'Missing', description: 'No claim.' },
          ],
        },
      ],
    };
    expect(dataOf(parseRubric(example))).toEqual(example);
    expect(dataOf(parseRubric(`\uFEFF${JSON.stringify(example)}`))).toEqual(example);
  });

  it('defaults a missing instructions and criterion description to ""', () => {
    const rubric = dataOf(parseRubric({ title: 'T', criteria: [{ id: 'a', name: 'A', levels: [level(1), level(0)] }] }));
    expect(rubric.instructions).toBe('');
    expect(rubric.criteria[0]!.description).toBe('');
  });

  it.each([
    ['not JSON', '{"title": "x",', 'not valid JSON'],
    ['no title', { criteria: [criterion('a')] }, 'title: is missing'],
    ['no criteria', { title: 'T', criteria: [] }, 'at least one criterion'],
    ['too many criteria', { title: 'T', criteria: Array.from({ length: MAX_CRITERIA + 1 }, (_, i) => criterion(`c${i}`)) }, `more than ${MAX_CRITERIA} criteria`],
    ['too many levels', { title: 'T', criteria: [criterion('a', [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0])] }, 'more than 10 levels'],
    ['one level', { title: 'T', criteria: [criterion('a', [1])] }, 'at least 2 levels'],
    ['duplicate ids', { title: 'T', criteria: [criterion('a'), criterion('a')] }, 'criteria[1] ("Name a").id: the id "a" is used twice'],
    ['duplicate points', { title: 'T', criteria: [criterion('a', [2, 2, 0])] }, 'levels[1].points: two levels are worth 2 points'],
    ['negative points', { title: 'T', criteria: [criterion('a', [2, -1])] }, 'points must be 0 or more'],
    ['bad id', { title: 'T', criteria: [{ ...criterion('a'), id: 'has space' }] }, 'criteria[0] ("Name a").id: the id may only use'],
    ['unknown field', { title: 'T', criteria: [criterion('a')], extra: 1 }, 'unknown field "extra"'],
    ['empty level description', { title: 'T', criteria: [{ ...criterion('a'), levels: [level(1), { points: 0, label: 'x', description: '  ' }] }] }, 'the description is empty'],
  ])('rejects %s with a message naming the place', (_name, input, expected) => {
    expect(errorOf(parseRubric(input))).toContain(expected);
  });

  it('lists at most five problems and counts the rest', () => {
    const input = { title: 'T', criteria: Array.from({ length: 8 }, (_, i) => ({ ...criterion(`c${i}`), id: `bad id ${i}` })) };
    expect(errorOf(parseRubric(input))).toMatch(/…and 3 more problems/);
  });
});

describe('score arithmetic', () => {
  it('takes the highest level per criterion and sums them', () => {
    const rubric = essayRubric();
    expect(rubric.criteria.map(criterionMax)).toEqual([4, 4, 4, 4, 4]);
    expect(maxScore(rubric)).toBe(20);
    const odd = dataOf(parseRubric({ title: 'T', criteria: [criterion('a', [0, 5, 3]), criterion('b', [1.5, 0])] }));
    expect(maxScore(odd)).toBe(6.5);
  });
});

const MARKDOWN = `# Argumentative essay, grade 10

Students argue for or against a later school start.
Use evidence from at least two sources.

| Criterion | Description | 4 | 2 | 0 |
|---|:---|---|---|---|
| Thesis | States a clear, arguable claim. | Excellent: Clear, specific, arguable. | Developing: Present but vague. | Missing: No claim. |
| Use of evidence | Supports the claim. | **Strong** Two sources, explained. | Some: One source. | - |
| Style \\| voice | | Precise words.<br>Varied sentences. | Mostly clear. | Hard to follow. |
`;

describe('Markdown rubric tables', () => {
  it('reads title, instructions, columns, labels and absent levels', () => {
    const rubric = dataOf(parseRubricMarkdown(MARKDOWN));
    expect(rubric.title).toBe('Argumentative essay, grade 10');
    expect(rubric.instructions).toBe('Students argue for or against a later school start.\nUse evidence from at least two sources.');
    expect(rubric.criteria.map((c) => c.id)).toEqual(['thesis', 'use_of_evidence', 'style_voice']);
    expect(rubric.criteria[0]!.levels).toEqual([
      { points: 4, label: 'Excellent', description: 'Clear, specific, arguable.' },
      { points: 2, label: 'Developing', description: 'Present but vague.' },
      { points: 0, label: 'Missing', description: 'No claim.' },
    ]);
    expect(rubric.criteria[1]!.levels).toEqual([
      { points: 4, label: 'Strong', description: 'Two sources, explained.' },
      { points: 2, label: 'Some', description: 'One source.' },
    ]);
    const style = rubric.criteria[2]!;
    expect(style.name).toBe('Style | voice');
    expect(style.levels[0]).toEqual({ points: 4, label: '4 points', description: 'Precise words.\nVaried sentences.' });
  });

  it('takes labels from headers like "Excellent (4)" and an Id column', () => {
    const md = `| Id | Criterion | Excellent (4) | 2 pts - Fair | 0 |\n|--|--|--|--|--|\n| t1 | Thesis | Clear. | Vague. | None. |\n`;
    const rubric = dataOf(parseRubricMarkdown(md, { defaultTitle: 'From file name' }));
    expect(rubric.title).toBe('From file name');
    expect(rubric.criteria[0]).toMatchObject({ id: 't1', levels: [{ points: 4, label: 'Excellent' }, { points: 2, label: 'Fair' }, { points: 0, label: '0 points' }] });
  });

  it('keeps a sentence with a colon whole instead of taking it for a label', () => {
    const md = `| Criterion | 2 | 0 |\n|--|--|--|\n| Sources | Cites at least two sources, e.g. articles: both credible. | None. |\n`;
    expect(dataOf(parseRubricMarkdown(md)).criteria[0]!.levels[0]).toEqual({
      points: 2,
      label: '2 points',
      description: 'Cites at least two sources, e.g. articles: both credible.',
    });
  });

  it.each([
    [`| Criterion | 4 | 2 | 0 |\n|---|---|---|---|\n| Thesis | Clear. | Vague. | No claim. |\n| Evidence | Two. | | None. |\n`, 'Row 2 (line 4) ("Evidence"): level 2 has no description. Write one, or "-"'],
    [`| Criterion | 4 | Notes |\n|---|---|---|\n| A | x | y |\n`, 'column 3 "Notes" is neither Criterion, Description, Id nor a level'],
    [`| Criterion | 4 | 4 |\n|---|---|---|\n| A | x | y |\n`, 'two level columns worth 4 points'],
    [`| Description | 4 | 0 |\n|---|---|---|\n| A | x | y |\n`, 'exactly one "Criterion" column'],
    [`| Criterion | 4 |\n|---|---|\n| A | x |\n`, 'at least two level columns'],
    [`| Criterion | 4 | 0 |\n|---|---|---|\n|  | x | y |\n`, 'Row 1 (line 3): the criterion has no name'],
    [`| Criterion | 4 | 0 |\n|---|---|---|\n| A | x | - |\n`, 'needs at least two levels with a description; it has 1'],
    ['Just prose, no table.', 'has no table'],
    [`| Criterion | 4 | 0 |\n|---|---|---|\n| A | x | y |\n\n| Criterion | 4 | 0 |\n|---|---|---|\n| B | x | y |\n`, '2 tables (line 1, line 5)'],
  ])('names the problem: %#', (md, expected) => {
    expect(errorOf(parseRubricMarkdown(md))).toContain(expected);
  });
});

describe('CSV rubrics', () => {
  it('reads commas with quoted cells, a BOM, and semicolon exports alike', () => {
    const csv = '\uFEFFCriterion,Description,4,2,0\r\nThesis,"States a claim, clearly.",Excellent: Clear.,Developing: Vague.,Missing: None.\r\n"Evidence","",Two sources.,One source.,-\r\n';
    const rubric = dataOf(parseRubricCsv(csv, { title: 'Essay' }));
    expect(rubric.title).toBe('Essay');
    expect(rubric.criteria[0]).toMatchObject({ id: 'thesis', description: 'States a claim, clearly.', levels: [{ label: 'Excellent' }, { label: 'Developing' }, { label: 'Missing' }] });
    expect(rubric.criteria[1]!.levels.map((l) => l.points)).toEqual([4, 2]);
    const semicolon = dataOf(parseRubricCsv(csv.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, ';'), { title: 'Essay' }));
    expect(semicolon).toEqual(rubric);
  });

  it('names the spreadsheet row of a missing description', () => {
    const csv = 'Criterion,4,2,0\nThesis,Clear.,Vague.,None.\n\nEvidence,Two.,,None.\n';
    expect(errorOf(parseRubricCsv(csv))).toContain('Row 4 ("Evidence"): level 2 has no description');
  });

  it('reports a broken CSV and an empty file', () => {
    expect(errorOf(parseRubricCsv('Criterion,4,0\n"A,x,y\n'))).toContain('could not be read');
    expect(errorOf(parseRubricCsv(''))).toContain('empty');
  });
});

describe('loadRubricFile and rubricVersion', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gradedesk-rubric-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const md = `# Essay\n\n| Id | Criterion | Description | 4 | 2 | 0 |\n|--|--|--|--|--|--|\n| thesis | Thesis | States a clear, arguable claim. | Excellent: Clear, specific, arguable. | Developing: Present but vague. | Missing: No claim. |\n`;
  const csv = `Id,Criterion,Description,4,2,0\nthesis,Thesis,"States a clear, arguable claim.","Excellent: Clear, specific, arguable.",Developing: Present but vague.,Missing: No claim.\n`;
  const json = {
    title: 'Essay',
    instructions: '',
    criteria: [{ id: 'thesis', name: 'Thesis', description: 'States a clear, arguable claim.', levels: [
      { points: 4, label: 'Excellent', description: 'Clear, specific, arguable.' },
      { points: 2, label: 'Developing', description: 'Present but vague.' },
      { points: 0, label: 'Missing', description: 'No claim.' },
    ] }],
  };

  it('loads by extension, and one rubric in three formats has one version', async () => {
    await writeFile(join(dir, 'essay.md'), md);
    await writeFile(join(dir, 'Essay.csv'), csv);
    await writeFile(join(dir, 'essay.json'), JSON.stringify(json));
    const loaded = await Promise.all(['essay.md', 'Essay.csv', 'essay.json'].map((f) => loadRubricFile(join(dir, f))));
    const rubrics = loaded.map((r) => dataOf(r));
    expect(rubrics[0]).toEqual(json);
    expect(rubrics[1]).toEqual(json);
    const versions = new Set(rubrics.map(rubricVersion));
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('names the file in errors and refuses unknown extensions and missing files', async () => {
    await writeFile(join(dir, 'bad.json'), '{"title": "x"}');
    const bad = await loadRubricFile(join(dir, 'bad.json'));
    expect(errorOf(bad)).toMatch(/^bad\.json: The rubric has a problem: criteria: is missing/);
    const docx = await loadRubricFile(join(dir, 'rubric.docx'));
    expect(errorOf(docx)).toContain('use a .json, .md or .csv file');
    const missing = await loadRubricFile(join(dir, 'nope.json'));
    expect(missing.ok ? null : missing.error.code).toBe('FILE_NOT_FOUND');
  });

  it('is stable under key order and whitespace, and changes with any level', () => {
    const rubric = essayRubric();
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]))
          : value;
    const reordered = reverseKeys(ESSAY_RUBRIC_INPUT);
    expect(Object.keys(reordered as object)[0]).toBe('criteria');
    const shuffledKeys = dataOf(parseRubric(reordered));
    const padded = dataOf(parseRubric({ ...ESSAY_RUBRIC_INPUT, title: `  ${ESSAY_RUBRIC_INPUT.title}\n` }));
    expect(rubricVersion(shuffledKeys)).toBe(rubricVersion(rubric));
    expect(rubricVersion(padded)).toBe(rubricVersion(rubric));
    const changed = structuredClone(rubric);
    changed.criteria[2]!.levels[1]!.points = 1;
    expect(rubricVersion(changed)).not.toBe(rubricVersion(rubric));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });
});
