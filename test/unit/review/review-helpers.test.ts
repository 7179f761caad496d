import { describe, expect, it } from 'vitest';
import { isFlagged, urgency } from '../../../electron/review/flags.ts';
import { findQuote, segmentText } from '../../../renderer/src/views/review/lib/highlight.ts';
import { keyAction, type KeyEventLike, type KeyTarget } from '../../../renderer/src/views/review/lib/keys.ts';
import { neighbour, nextUnreviewed, type NavRow } from '../../../renderer/src/views/review/lib/navigation.ts';

describe('finding a quote in the work', () => {
  const text = 'Homework should be\noptional for high  school students.\n\nTeachers assign “homework” to practise — sometimes.';

  it('ignores whitespace, case, curly quotes and dashes, and maps back to the original text', () => {
    const ranges = findQuote(text, '"Homework should be optional for high school students."');
    expect(ranges).toHaveLength(1);
    const [a, b] = ranges?.[0] ?? [0, 0];
    expect(text.slice(a, b)).toBe('Homework should be\noptional for high  school students');
    const curly = findQuote(text, 'teachers assign "HOMEWORK" to practise - sometimes');
    expect(curly && text.slice(curly[0]![0], curly[0]![1])).toBe('Teachers assign “homework” to practise — sometimes');
  });

  it('finds each part of a quote cut with an ellipsis, in order, and nothing that is not there', () => {
    const parts = findQuote(text, 'Homework should be … high school students');
    expect(parts?.map(([a, b]) => text.slice(a, b))).toEqual(['Homework should be', 'high  school students']);
    expect(findQuote(text, 'school students … Homework should be')).toBeNull();
    expect(findQuote(text, 'Homework must be abolished')).toBeNull();
    expect(findQuote(text, '…')).toBeNull();
  });

  it('cuts the text where highlights start and end, each piece knowing its criteria', () => {
    const segments = segmentText('abcdefghij', [
      { criterionId: 'thesis', ranges: [[0, 4]] },
      { criterionId: 'evidence', ranges: [[2, 6]] },
    ]);
    expect(segments.map((s) => [s.text, s.criteria])).toEqual([
      ['ab', ['thesis']],
      ['cd', ['thesis', 'evidence']],
      ['ef', ['evidence']],
      ['ghij', []],
    ]);
    expect(segments.map((s) => s.text).join('')).toBe('abcdefghij');
  });
});

describe('review keys', () => {
  const body: KeyTarget = { tagName: 'BODY', closest: () => null };
  const press = (key: string, over: Partial<KeyEventLike> = {}, options = { enabled: true, dialogOpen: false }) =>
    keyAction({ key, repeat: false, ctrlKey: false, metaKey: false, altKey: false, target: body, ...over }, options);

  it('maps Submitty\'s keys', () => {
    expect(press('3')).toEqual({ kind: 'level', index: 2 });
    expect(press('ArrowDown')).toEqual({ kind: 'criterion', delta: 1 });
    expect(press('ArrowUp')).toEqual({ kind: 'criterion', delta: -1 });
    expect([press('j'), press('ArrowRight'), press('k'), press('ArrowLeft')]).toEqual([
      { kind: 'submission', delta: 1 },
      { kind: 'submission', delta: 1 },
      { kind: 'submission', delta: -1 },
      { kind: 'submission', delta: -1 },
    ]);
    expect([press('Enter'), press('g'), press('G')]).toEqual([{ kind: 'accept' }, { kind: 'accept' }, { kind: 'accept' }]);
    expect(press('f')).toEqual({ kind: 'feedback' });
    expect([press('e'), press('E')]).toEqual([{ kind: 'words' }, { kind: 'words' }]);
    expect(press('e', { target: { tagName: 'TEXTAREA' } })).toBeNull();
    expect(press('?')).toEqual({ kind: 'help' });
    expect(press('0')).toBeNull();
    expect(press('x')).toBeNull();
  });

  it('ignores keys while typing, in a dialog, on auto-repeat, with modifiers, and when switched off', () => {
    expect(press('2', { target: { tagName: 'TEXTAREA' } })).toBeNull();
    expect(press('j', { target: { tagName: 'input' } })).toBeNull();
    expect(press('j', { target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
    expect(press('j', { target: { tagName: 'BUTTON', closest: (s) => (s.includes('dialog') ? {} : null) } })).toBeNull();
    expect(press('j', {}, { enabled: true, dialogOpen: true })).toBeNull();
    expect(press('2', { repeat: true })).toBeNull();
    expect(press('j', { ctrlKey: true })).toBeNull();
    expect(press('j', { metaKey: true })).toBeNull();
    expect(press('2', {}, { enabled: false, dialogOpen: false })).toBeNull();
  });

  it('leaves Enter to a focused button or link, except a level choice', () => {
    const button: KeyTarget = { tagName: 'BUTTON', closest: (s) => (s.includes('button') ? {} : null) };
    const level: KeyTarget = { tagName: 'BUTTON', closest: (s) => (s.includes('dialog') ? null : {}) };
    expect(press('Enter', { target: button })).toBeNull();
    expect(press('Enter', { target: level })).toEqual({ kind: 'accept' });
    expect(press('2', { target: button })).toEqual({ kind: 'level', index: 1 });
  });
});

describe('moving through the queue', () => {
  const rows: NavRow[] = [
    { submissionId: 4, status: 'unreviewed' },
    { submissionId: 5, status: 'reviewed' },
    { submissionId: 1, status: 'draft' },
    { submissionId: 2, status: 'reviewed' },
  ];

  it('goes to the neighbour in queue order, without wrapping', () => {
    expect([neighbour(rows, 5, 1), neighbour(rows, 5, -1), neighbour(rows, 4, -1), neighbour(rows, 2, 1)]).toEqual([1, 4, null, null]);
  });

  it('continues to the next unreviewed from here, wrapping round to work skipped earlier', () => {
    expect(nextUnreviewed(rows, 4)).toBe(1);
    expect(nextUnreviewed(rows, 1)).toBe(4);
    expect(nextUnreviewed(rows, null)).toBe(4);
    expect(nextUnreviewed([{ submissionId: 4, status: 'unreviewed' }], 4)).toBeNull();
  });
});

describe('queue urgency', () => {
  it('puts an injection before a disagreement before low confidence, and a covered name nowhere', () => {
    expect(urgency(['possible_prompt_injection'])).toBeLessThan(urgency(['models_disagree']));
    expect(urgency(['model_failed:smart:RATE_LIMITED'])).toBeLessThan(urgency(['low_confidence']));
    expect(urgency(['low_confidence', 'possible_prompt_injection'])).toBe(urgency(['possible_prompt_injection']));
    expect(isFlagged(['name_redacted_in_image'])).toBe(false);
    expect(isFlagged(['in_doubt'])).toBe(true);
    expect(urgency([])).toBe(urgency(['name_redacted_in_image']));
  });
});
