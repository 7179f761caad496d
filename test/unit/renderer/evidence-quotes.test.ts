/**
 * The review's quotes: a quote in the text is highlighted, one that is not is listed as not
 * found, and in work with no text (a photo, a scan) every quote was read off a page: listed as
 * such, never as "not found", which would make every photo look suspect.
 */
import { describe, expect, it } from 'vitest';
import type { SubmissionReview } from '../../../shared/ipc/review.ts';
import { quotesOf } from '../../../renderer/src/views/review/lib/evidence.ts';

function view(text: string | null, evidence: string[]): SubmissionReview {
  return {
    submissionId: 1,
    batchId: 'b1',
    student: 'Eli Moss',
    fileName: 'eli.png',
    gradingStatus: 'graded',
    flags: [],
    fileCheck: [],
    text,
    pages: [],
    rubricTitle: 'Essay',
    criteria: evidence.map((_, i) => ({ id: `c${i}`, name: `Criterion ${i}`, description: '', levels: [{ label: 'Good', points: 2, description: '' }] })),
    models: [
      {
        modelId: 'sim/smart',
        score: 2,
        maxScore: 2,
        overallFeedback: '',
        confidence: 0.8,
        criteria: evidence.map((e, i) => ({ criterionId: `c${i}`, points: 2, evidence: e, feedback: '', evidenceFound: true })),
        aimedAtGrader: '',
      },
    ],
    consensus: null,
    review: null,
    audit: [],
  };
}

describe('quotesOf', () => {
  it('finds quotes in the text, and marks the ones it cannot find', () => {
    const quotes = quotesOf(view('School should start at nine. Teenagers sleep late.', ['Teenagers sleep late.', 'Homework is bad.']));
    expect(quotes.map((q) => [q.quote, q.ranges !== null, q.fromPages])).toEqual([
      ['Teenagers sleep late.', true, false],
      ['Homework is bad.', false, false],
    ]);
  });

  it('marks every quote of work with no text as read from the pages, not as missing', () => {
    for (const text of [null, '', '  \n ']) {
      const quotes = quotesOf(view(text, ['Dear Sir, I am writing to complain.']));
      expect(quotes).toHaveLength(1);
      expect(quotes[0]?.fromPages).toBe(true);
      expect(quotes[0]?.ranges).toBeNull();
    }
  });
});
