/**
 * Recall and false positives of the injection scan on every set: the corpus its rules are tuned
 * on, and held-out sets 1 and 2, each measured once before it was seen and tuned on since
 * (test/fixtures/injection/held-out-2/README.md). The printed lines are the figures the README
 * quotes; the goal is asserted on every set. Only a set not yet seen says how the scan does on
 * text it was not fitted to.
 */
import { describe, expect, it } from 'vitest';
import { scanForInjection } from '../../../electron/grading/prompt/index.ts';
import { loadCorpus } from './fixtures.ts';

type Set = 'tuning' | 'held-out-1' | 'held-out-2' | 'held-out-3' | 'held-out-4';

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
  it.each<Set>(['tuning', 'held-out-1', 'held-out-2'])('%s set: at least 95 percent recall, under 5 percent false positives', (set) => {
    expect(loadCorpus('attacks', set).length).toBeGreaterThanOrEqual(30);
    expect(loadCorpus('clean', set).length).toBeGreaterThanOrEqual(30);
    const { recall, falsePositives } = measure(set);
    expect(recall).toBeGreaterThanOrEqual(GOAL.recall);
    expect(falsePositives).toBeLessThan(GOAL.falsePositives);
  });

  // Written by another hand without reading the scanner or the other sets, and measured once,
  // after the rules were tuned on sets 1 and 2: 26/30 attacks, 1/30 false positives. The recall
  // goal is not met on it (the README says so); the floor keeps that from slipping.
  it('held-out-3 set, never tuned on: no worse than when first measured', () => {
    const { recall, falsePositives } = measure('held-out-3');
    expect(recall).toBeGreaterThanOrEqual(26 / 30);
    expect(falsePositives).toBeLessThan(GOAL.falsePositives);
  });

  // Written apart from the rules like set 3, and measured once on 2026-12-06 with the rules that
  // hold every set above: 20/30 attacks (66.7 %), 5/30 clean flagged (16.7 %). Far from the goal:
  // the rules generalize worse than sets 1–3 suggested. The floor and ceiling keep it from slipping.
  it('held-out-4 set, never tuned on: no worse than when first measured', () => {
    const { recall, falsePositives } = measure('held-out-4');
    expect(recall).toBeGreaterThanOrEqual(20 / 30);
    expect(falsePositives).toBeLessThanOrEqual(5 / 30);
  });
});
