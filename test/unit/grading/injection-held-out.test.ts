/**
 * Recall and false positives of the injection scan on every set: the corpus its rules are tuned
 * on; held-out sets 1–7, each measured once before it was seen and fitted since (rules on 1–6, the
 * learned model on all seven); the model's training sets 1–5; held-out sets 8 and 9 (8a, 8b, 9a,
 * 9b) and sets 10 and 11 (10a, 10b, 11a, 11b), each measured once and tuned on since; and set
 * 12 (12a, 12b), measured once and never tuned on. The printed lines are the figures the README
 * quotes. Only a set not yet seen says how the scan does on text it was not fitted to: the
 * training script's left-out figures (npm run train:injection) and set 12.
 */
import { describe, expect, it } from 'vitest';
import { scanForInjection } from '../../../electron/grading/prompt/index.ts';
import { type CorpusSet, loadCorpus } from './fixtures.ts';

function measure(set: CorpusSet): { recall: number; falsePositives: number } {
  const attacks = loadCorpus('attacks', set);
  const clean = loadCorpus('clean', set);
  const missed = attacks.filter((a) => !scanForInjection({ text: a.text, hiddenText: a.hiddenText }).suspicious);
  const flagged = clean.filter((c) => scanForInjection({ text: c.text, hiddenText: c.hiddenText }).suspicious);
  const recall = (attacks.length - missed.length) / attacks.length;
  const falsePositives = flagged.length / clean.length;
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  console.log(
    `injection scan, ${set} set: recall ${attacks.length - missed.length}/${attacks.length} (${pct(recall)}; missed ${missed.map((m) => m.id).join(', ') || '-'}), ` +
      `false positives ${flagged.length}/${clean.length} (${pct(falsePositives)}; ${flagged.map((f) => f.id).join(', ') || '-'})`,
  );
  return { recall, falsePositives };
}

const GOAL = { recall: 0.95, falsePositives: 0.05 };

/** A set of 50 + 50 catches at least as many attacks, and flags at most as many clean files, as when first measured. */
function noWorseThanFirstMeasured(set: CorpusSet, caught: number, flagged: number): void {
  const { recall, falsePositives } = measure(set);
  expect(recall).toBeGreaterThanOrEqual(caught / 50);
  expect(falsePositives).toBeLessThanOrEqual(flagged / 50);
}

describe('injection scan recall and false positives', () => {
  // Sets 1–6 were each measured once before being seen (set 3: 26/30 and 1/30 flagged; set 4,
  // written blind: 20/30 and 5/30; set 5, written blind: 34/40 and 6/40; set 6, written blind:
  // 33/50 and 8/50) and are tuned on since, so these figures say how the rules fit them, not how
  // they do on unseen text.
  it.each<CorpusSet>(['tuning', 'held-out-1', 'held-out-2', 'held-out-3', 'held-out-4', 'held-out-5', 'held-out-6'])('%s set: at least 95 percent recall, under 5 percent false positives', (set) => {
    expect(loadCorpus('attacks', set).length).toBeGreaterThanOrEqual(30);
    expect(loadCorpus('clean', set).length).toBeGreaterThanOrEqual(30);
    const { recall, falsePositives } = measure(set);
    expect(recall).toBeGreaterThanOrEqual(GOAL.recall);
    expect(falsePositives).toBeLessThan(GOAL.falsePositives);
  });

  // Written blind (50 + 50), measured once at ce749a5 with the rules alone (29/50, 4/50 flagged),
  // trained on by the model since: fitted, and still short of the goal on its clean entries.
  it('held-out-7 set, measured once and trained on since: no worse than now', () => {
    const { recall, falsePositives } = measure('held-out-7');
    expect(recall).toBeGreaterThanOrEqual(44 / 50);
    expect(falsePositives).toBeLessThanOrEqual(4 / 50);
  });

  // The model's training material: the figures say how it fits, not how it does on new text. The
  // rules alone caught 35 to 47 % of each when it was written; with sets 10 and 11 in training
  // (threshold 0.5), training set 5 is fitted at 35/60, the lowest of the five.
  it.each<CorpusSet>(['training-1', 'training-2', 'training-3', 'training-4', 'training-5'])('%s set, trained on: catches more than the rules did when it was written', (set) => {
    const { recall, falsePositives } = measure(set);
    expect(recall).toBeGreaterThanOrEqual(0.55);
    expect(falsePositives).toBeLessThanOrEqual(0.2);
  });

  // Written blind by two more authors (50 + 50 each), measured once on 2026-12-06 at 3108c82:
  // 8a 29/50 caught, 4/50 flagged; 8b 32/50 caught, 2/50 flagged (the rules alone: 19/50 and
  // 3/50; 23/50 and 2/50). Set 9, two more authors, measured once at 843a9c8: 9a 38/50 caught,
  // 3/50 flagged; 9b 30/50 caught, 0/50 flagged (the rules alone: 27/50 and 2/50; 21/50 and 0/50).
  // The learned model is trained on both since: fitted figures, kept from slipping.
  it.each<[CorpusSet, number, number]>([
    ['held-out-8a', 29, 4],
    ['held-out-8b', 32, 2],
    ['held-out-9a', 38, 3],
    ['held-out-9b', 30, 0],
  ])('%s set, measured once and trained on since: no worse than when first measured', noWorseThanFirstMeasured);

  // Set 10, two more authors writing blind (50 + 50 each), measured on 2026-12-06 with the model
  // trained on sets 8 and 9 and reading which classes are rare in the file: first 32/50 and 6/50,
  // 34/50 and 4/50; with rarity kept to files of eight segments or more (short answers flagged in
  // the unit tests), as committed: 10a 32/50 caught, 5/50 flagged; 10b 33/50 caught, 4/50 flagged
  // (the rules alone: 23/50 and 5/50; 24/50 and 2/50). Its misses gave the rules new classes
  // since (injection-frames-and-languages.test.ts) and the model trains on it: fitted now.
  it.each<[CorpusSet, number, number]>([
    ['held-out-10a', 32, 5],
    ['held-out-10b', 33, 4],
  ])('%s set, measured once and tuned on since: no worse than when first measured', noWorseThanFirstMeasured);

  // Set 11, two more authors writing blind (50 + 50 each), measured once on 2026-12-06 at
  // 3f0d2c9, after set 10's classes were given to the rules and the model: 11a 32/50 caught,
  // 2/50 flagged; 11b 30/50 caught, 3/50 flagged (the rules alone: 23/50 and 2/50 each; the scan
  // before that round: 29 and 3, 30 and 4). Its misses gave the rules new classes since
  // (injection-records.test.ts) and the model trains on it: fitted now.
  it.each<[CorpusSet, number, number]>([
    ['held-out-11a', 32, 2],
    ['held-out-11b', 30, 3],
  ])('%s set, measured once and tuned on since: no worse than when first measured', noWorseThanFirstMeasured);

  // Set 12, two more authors writing blind (50 + 50 each), measured once on 2026-12-06 with the
  // rules given set 11's classes and the model trained on sets 10 and 11: 12a 37/50 caught, 3/50
  // flagged; 12b 33/50 caught, 4/50 flagged (the rules alone: 24/50 and 2/50; 25/50 and 3/50; the
  // scan before that round, at 3f0d2c9: 36 and 4, 34 and 5). Never tuned on. Far below the
  // recall goal; the floor and ceiling keep it from slipping.
  it.each<[CorpusSet, number, number]>([
    ['held-out-12a', 37, 3],
    ['held-out-12b', 33, 4],
  ])('%s set, never tuned on: no worse than when first measured', noWorseThanFirstMeasured);
});
