import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { BatchReport } from '../../../electron/grading/batch/report.ts';
import { exportBatch, safeCell } from '../../../electron/grading/export.ts';
import { parseRubric } from '../../../electron/grading/rubric/parse.ts';

const rubric = (() => {
  const parsed = parseRubric(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'demo', 'rubric.json'), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.data;
})();

/** A student chose these file names; the export must not hand them to a spreadsheet as formulas. */
const report: BatchReport = {
  batch_id: 'b',
  status: 'completed',
  total_cost_usd: 0.01,
  estimated_calls: 0,
  unpriced_calls: 0,
  api_calls: 3,
  possible_duplicate_paid_calls: 0,
  submissions: ['=HYPERLINK("http://evil","x")', '@SUM(1+1)', '+1+2', '-2+3'].map((student) => ({
    file: `${student} - essay.txt`,
    student,
    status: 'graded' as const,
    score: 3,
    max_score: 6,
    criteria: [],
    flags: [],
    cost_usd: 0.001,
  })),
};

describe('gradebook exports', () => {
  it('never writes a cell a spreadsheet would run as a formula', () => {
    const cells = (parse(exportBatch(report, rubric, 'csv').text.replace(/^\uFEFF/, '')) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    expect(cells).toContain(`'=HYPERLINK("http://evil","x")`);
  });

  it('leaves numbers and ordinary text as they are', () => {
    expect(safeCell(-2)).toBe(-2);
    expect(safeCell('Ana López')).toBe('Ana López');
    expect(safeCell(null)).toBe('');
  });
});
