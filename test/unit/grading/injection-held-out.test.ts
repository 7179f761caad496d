/**
 * Recall and false positives of the injection scan on every set: the corpus its rules are tuned
 * on, and held-out sets 1–6, each measured once before it was seen and tuned on since
 * (test/fixtures/injection/held-out-6/README.md), and set 7, measured once and never tuned on. The printed lines are the figures the README
 * quotes; the goal is asserted on every set. Only a set not yet seen says how the scan does on
 * text it was not fitted to.
 */
import { describe, expect, it } from 'vitest';
import { scanForInjection } from '../../../electron/grading/prompt/index.ts';
import { loadCorpus } from './fixtures.ts';

type Set = 'tuning' | 'held-out-1' | 'held-out-2' | 'held-out-3' | 'held-out-4' | 'held-out-5' | 'held-out-6' | 'held-out-7';

function measure(set: Set): { recall: number; falsePositives: number } {
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

describe('injection scan recall and false positives', () => {
  // Sets 1–6 were each measured once before being seen (set 3: 26/30 and 1/30 flagged; set 4,
  // written blind: 20/30 and 5/30; set 5, written blind: 34/40 and 6/40; set 6, written blind:
  // 33/50 and 8/50) and are tuned on since, so these figures say how the rules fit them, not how
  // they do on unseen text.
  it.each<Set>(['tuning', 'held-out-1', 'held-out-2', 'held-out-3', 'held-out-4', 'held-out-5', 'held-out-6'])('%s set: at least 95 percent recall, under 5 percent false positives', (set) => {
    expect(loadCorpus('attacks', set).length).toBeGreaterThanOrEqual(30);
    expect(loadCorpus('clean', set).length).toBeGreaterThanOrEqual(30);
    const { recall, falsePositives } = measure(set);
    expect(recall).toBeGreaterThanOrEqual(GOAL.recall);
    expect(falsePositives).toBeLessThan(GOAL.falsePositives);
  });

  // Written blind (50 + 50, 24 of the attacks subtle: no "ignore", "instructions", "AI" or
  // "grader"), measured once on 2026-12-06 at ce749a5, after the rules were tuned on set 6:
  // 29/50 attacks (58 %), 4/50 clean flagged (8 %). Far below the recall goal: rules fitted to
  // one set of wordings keep missing the next. The floor and ceiling keep it from slipping.
  it('held-out-7 set, never tuned on: no worse than when first measured', () => {
    const { recall, falsePositives } = measure('held-out-7');
    expect(recall).toBeGreaterThanOrEqual(29 / 50);
    expect(falsePositives).toBeLessThanOrEqual(4 / 50);
  });
});
