import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { BatchReport, SubmissionReport } from '../../../electron/grading/batch/report.ts';
import { exportBatch } from '../../../electron/grading/export.ts';
import { parseRubric } from '../../../electron/grading/rubric/parse.ts';

const rubric = (() => {
  const parsed = parseRubric(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'demo', 'rubric.json'), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.data;
})();

const graded = (file: string, student: string, score: number, feedback = 'Clear thesis.'): SubmissionReport => ({
  file,
  student,
  status: 'graded',
  score,
  max_score: 16,
  criteria: [{ id: 'thesis', points: 3, max_points: 4, evidence: 'e', feedback }],
  flags: [],
  cost_usd: 0.001,
});

const report: BatchReport = {
  batch_id: 'b',
  status: 'completed',
  total_cost_usd: 0.01,
  api_calls: 4,
  estimated_calls: 0,
  unpriced_calls: 0,
  possible_duplicate_paid_calls: 0,
  submissions: [
    graded('ana.docx', 'Ana López', 13),
    graded('bo.docx', 'Bo Chen', 9, '=HYPERLINK("http://evil","x")'),
    // Same content as Ana's: graded once, and Cara gets that grade too.
    { file: 'cara.docx', student: 'Cara Smith', status: 'duplicate', duplicate_of: 'ana.docx' },
    graded('dan.docx', 'Dan Okafor', 11),
    { file: 'eve.pdf', student: 'Eve Park', status: 'failed', error: { code: 'UNREADABLE_DOCUMENT', message: 'x' } },
  ],
};

/** Moodle's offline grading worksheet as it downloads: its own participant ids, rows in its own order. */
const MOODLE = [
  'Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments',
  'Participant 4711,Bo Chen,bo@school.example,Submitted for grading,,16.00,Yes,"Monday, 1 December 2026, 9:00 AM",-,',
  'Participant 4702,Cara Smith,cara@school.example,Submitted for grading,,16.00,Yes,"Monday, 1 December 2026, 9:05 AM",-,',
  'Participant 4690,Ana López,ana@school.example,Submitted for grading,,16.00,Yes,"Monday, 1 December 2026, 8:55 AM",-,',
  'Participant 4733,Zoe Adams,zoe@school.example,No submission,,16.00,Yes,-,-,',
].join('\n');

/** A Canvas gradebook export: "Last, First" names, Canvas's own user ids, a Points Possible row. */
const CANVAS = [
  'Student,ID,SIS User ID,SIS Login ID,Section,Argumentative essay (88231),Quiz 1 (88199),Current Score',
  '    Points Possible,,,,,16,10,(read only)',
  '"Chen, Bo",5521,S-002,bo@school.example,Period 3,,8,80',
  '"López, Ana",5518,S-001,ana@school.example,Period 3,,9,90',
  '"Smith, Cara",5530,S-003,cara@school.example,Period 3,,7,70',
].join('\n');

const rowsOf = (text: string): string[][] => parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];

describe('Moodle: the grading worksheet the teacher downloaded, filled in', () => {
  it('puts each grade on the participant Moodle knows the student by, keeping every other cell', () => {
    const { text, unmatched } = exportBatch(report, rubric, 'moodle', [], { text: MOODLE });
    const [header, ...rows] = rowsOf(text);
    const original = rowsOf(MOODLE);
    expect(header).toEqual(original[0]);
    // Moodle's import reads Identifier as its participant id: read it back the same way.
    const byId = new Map(rows.map((r) => [r[0], r]));
    expect(byId.get('Participant 4690')?.[4]).toBe('13');
    expect(byId.get('Participant 4711')?.[4]).toBe('9');
    expect(byId.get('Participant 4702')?.[4]).toBe('13');
    expect(byId.get('Participant 4733')?.[4]).toBe('');
    // Only Grade and Feedback comments changed.
    rows.forEach((row, i) => row.forEach((cell, c) => (c === 4 || c === 9 ? undefined : expect(cell).toBe(original[i + 1]?.[c] ?? ''))));
    expect(byId.get('Participant 4690')?.[9]).toContain('thesis: 3/4');
    expect(rows.flat().filter((c) => /^[=+@]/.test(c))).toEqual([]);
    expect(unmatched).toEqual(['Dan Okafor']);
  });

  it('matches by email before name, and never guesses between two students of one name', () => {
    const twins = [MOODLE.split('\n')[0], 'Participant 1,Ana López,a1@school.example,,,16.00,Yes,-,-,', 'Participant 2,Ana López,a2@school.example,,,16.00,Yes,-,-,'].join('\n');
    expect(exportBatch({ ...report, submissions: [report.submissions[0]!] }, rubric, 'moodle', [], { text: twins }).unmatched).toEqual(['Ana López']);
    const roster = [{ name: 'Ana López', email: 'a2@school.example' }];
    const { text } = exportBatch({ ...report, submissions: [report.submissions[0]!] }, rubric, 'moodle', roster, { text: twins });
    expect(rowsOf(text).map((r) => r[4])).toEqual(['Grade', '', '13']);
  });
});

describe('Canvas: the gradebook the teacher exported, filled in', () => {
  it("fills the rubric's assignment column by Canvas's own rows, names written 'Last, First'", () => {
    const { text, unmatched } = exportBatch(report, rubric, 'canvas', [], { text: CANVAS, assignment: 'Argumentative essay' });
    const [header, points, ...rows] = rowsOf(text);
    expect(header).toEqual(rowsOf(CANVAS)[0]);
    expect(points?.[5]).toBe('16');
    // Canvas matches an import row by its ID column.
    const byId = new Map(rows.map((r) => [r[1], r]));
    expect(byId.get('5518')?.[5]).toBe('13');
    expect(byId.get('5521')?.[5]).toBe('9');
    expect(byId.get('5530')?.[5]).toBe('13');
    expect(byId.get('5518')?.[6]).toBe('9');
    expect(unmatched).toEqual(['Dan Okafor']);
  });

  it('names the assignments it has when the column asked for is not there', () => {
    expect(() => exportBatch(report, rubric, 'canvas', [], { text: CANVAS, assignment: 'Lab report' })).toThrow(/no assignment column named "Lab report".*Argumentative essay \(88231\); Quiz 1 \(88199\)/);
  });
});

describe('what the export refuses', () => {
  it('asks for the downloaded file instead of writing ids the LMS would misread', () => {
    for (const format of ['canvas', 'moodle'] as const) {
      expect(() => exportBatch(report, rubric, format)).toThrow(expect.objectContaining({ code: 'GRADEBOOK_REQUIRED' }));
    }
  });

  it('tells a Canvas file from a Moodle one, and a file that is neither', () => {
    expect(() => exportBatch(report, rubric, 'moodle', [], { text: CANVAS })).toThrow(/Canvas gradebook, not what --format moodle fills/);
    expect(() => exportBatch(report, rubric, 'canvas', [], { text: 'name,score\nAna,3' })).toThrow(/neither a Moodle grading worksheet nor a Canvas gradebook/);
  });
});
