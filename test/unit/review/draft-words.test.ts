import { describe, expect, it } from 'vitest';
import type { SubmissionReview } from '../../../shared/ipc/review.ts';
import { draftFrom, sameDraft, saveInput, setWords, wordsShown } from '../../../renderer/src/views/review/lib/draft.ts';

const level = (points: number) => ({ points, label: `L${points}`, description: '' });
const base: SubmissionReview = {
  submissionId: 7,
  batchId: 'b_1',
  student: 'Ana',
  fileName: 'ana.txt',
  gradingStatus: 'graded',
  flags: [],
  fileCheck: [],
  text: 'text',
  pages: [],
  rubricTitle: 'Essay',
  criteria: [
    { id: 'thesis', name: 'Thesis', description: '', levels: [level(0), level(2), level(4)] },
    { id: 'style', name: 'Style', description: '', levels: [level(0), level(2)] },
  ],
  models: [
    { modelId: 'fast', score: 6, maxScore: 6, overallFeedback: 'Fine.', confidence: null, aimedAtGrader: '', criteria: [
      { criterionId: 'thesis', points: 4, evidence: '', feedback: 'Fast on thesis', evidenceFound: true },
      { criterionId: 'style', points: 2, evidence: '', feedback: 'Fast on style', evidenceFound: true },
    ] },
    { modelId: 'smart', score: 2, maxScore: 6, overallFeedback: 'Meh.', confidence: null, aimedAtGrader: '', criteria: [
      { criterionId: 'thesis', points: 2, evidence: '', feedback: 'Smart on thesis', evidenceFound: true },
      { criterionId: 'style', points: 0, evidence: '', feedback: 'Smart on style', evidenceFound: true },
    ] },
  ],
  consensus: { score: 6, maxScore: 6, overallFeedback: 'Fine.', criteria: [
    { criterionId: 'thesis', points: 4, fromModel: 'fast', evidence: '', feedback: 'Fast on thesis' },
    { criterionId: 'style', points: 2, fromModel: 'fast', evidence: '', feedback: 'Fast on style' },
  ] },
  review: null,
  audit: [],
};

describe("the teacher's words per criterion in the draft", () => {
  it("shows the AI's words of the level chosen until the teacher writes their own, which then stay with any level", () => {
    const draft = draftFrom(base);
    expect(wordsShown(base, draft, 'thesis')).toBe('Fast on thesis');
    draft.choices['thesis'] = 2;
    expect(wordsShown(base, draft, 'thesis')).toBe('Smart on thesis');
    setWords(base, draft, 'thesis', 'Mine');
    draft.choices['thesis'] = 4;
    expect([wordsShown(base, draft, 'thesis'), draft.words]).toEqual(['Mine', { thesis: 'Mine' }]);
    // Typing the AI's words back is no edit.
    setWords(base, draft, 'thesis', 'Fast on thesis');
    expect(draft.words).toEqual({});
  });

  it('sends only the words the teacher wrote, and counts them as a change', () => {
    const saved = draftFrom(base);
    const draft = draftFrom(base);
    setWords(base, draft, 'style', 'Vary the sentences.');
    expect(sameDraft(draft, saved)).toBe(false);
    expect(saveInput(base, draft, 0, true).criteria.map((c) => [c.criterionId, c.sourceModelId, c.feedback])).toEqual([
      ['thesis', 'fast', null],
      ['style', 'fast', 'Vary the sentences.'],
    ]);
  });

  it("reads the saved words back as the teacher's only where they differ from the source model's", () => {
    const review = {
      version: 1, status: 'reviewed' as const, finalScore: 4, maxScore: 6, feedback: 'x', adjustment: null, reviewedBy: 't', updatedAt: '', acceptedAt: null,
      criteria: [
        { criterionId: 'thesis', points: 2, sourceModelId: 'smart', feedback: 'Smart on thesis' },
        { criterionId: 'style', points: 2, sourceModelId: 'fast', feedback: 'Vary the sentences.' },
      ],
    };
    expect(draftFrom(base, review).words).toEqual({ style: 'Vary the sentences.' });
  });

  it('starts work graded by hand with no level, no words and no feedback', () => {
    const byHand: SubmissionReview = { ...base, gradingStatus: 'in_doubt', models: [], consensus: null };
    const draft = draftFrom(byHand);
    expect([draft.choices, draft.words, draft.feedback, wordsShown(byHand, draft, 'thesis')]).toEqual([{}, {}, '', '']);
    draft.choices['thesis'] = 4;
    setWords(byHand, draft, 'thesis', '');
    expect(draft.words).toEqual({});
  });
});
