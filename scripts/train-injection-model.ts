/**
 * Trains the learned half of the injection scan and says how it does on text it was not trained
 * on: each training set is scored by a model trained on all the others, the threshold is the
 * lowest at which, on those left-out scores, the model adds at most 2 % of the clean files to
 * those the rules flag already, and the model trained on every set is written to
 * electron/grading/prompt/injection-model.json.
 *
 *   npm run train:injection            # cross-validate, then write the model
 *   npm run train:injection -- --check # cross-validate only
 */

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { docsOf, leaveOneSetOut, rates, train, TRAINING_SETS } from './injection-model/train.ts';

const OUT = fileURLToPath(new URL('../electron/grading/prompt/injection-model.json', import.meta.url));
/** False alarms the model may add to the rules': a glance each, against a wrong grade for a miss. */
const ADDED_FALSE_POSITIVES = 0.02;

const pct = (part: number, whole: number): string => `${part}/${whole} (${((100 * part) / whole).toFixed(1)} %)`;

function main(): void {
  const bySet = new Map(TRAINING_SETS.map((set) => [set, docsOf(set)]));
  const left = leaveOneSetOut(bySet);
  console.log('threshold   model alone: caught, clean flagged    rules + model: caught, clean flagged   (each set scored by a model trained without it)');
  const rules = rates(left, Infinity, true);
  let chosen = 0.95;
  for (let t = 0.95; t > 0.04; t -= 0.05) {
    const alone = rates(left, t, false);
    const both = rates(left, t, true);
    console.log(`${t.toFixed(2)}        ${pct(alone.caught, alone.attacks)}, ${pct(alone.flagged, alone.clean)}    ${pct(both.caught, both.attacks)}, ${pct(both.flagged, both.clean)}`);
    if ((both.flagged - rules.flagged) / both.clean <= ADDED_FALSE_POSITIVES) chosen = Number(t.toFixed(2));
  }
  console.log(`rules alone: ${pct(rules.caught, rules.attacks)}, ${pct(rules.flagged, rules.clean)}`);
  console.log(`\nthreshold ${chosen}, each set left out of training: rules + model | rules alone`);
  for (const set of bySet.keys()) {
    const scored = left.filter((s) => s.doc.set === set);
    const both = rates(scored, chosen, true);
    const alone = rates(scored, Infinity, true);
    const missed = scored.filter((s) => s.doc.attack && s.probability < chosen && !s.doc.rules).map((s) => s.doc.id);
    const wrong = scored.filter((s) => !s.doc.attack && (s.probability >= chosen || s.doc.rules)).map((s) => s.doc.id);
    console.log(`${set.padEnd(11)} caught ${pct(both.caught, both.attacks)}, flagged ${pct(both.flagged, both.clean)} | caught ${pct(alone.caught, alone.attacks)}, flagged ${pct(alone.flagged, alone.clean)}`);
    console.log(`            missed ${missed.join(' ') || '-'}; flagged ${wrong.join(' ') || '-'}`);
  }
  if (process.argv.includes('--check')) return;
  const model = train([...bySet.values()].flat(), chosen);
  writeFileSync(OUT, `${JSON.stringify(model)}\n`);
  console.log(`\nwrote ${OUT}: ${model.features.length} features, threshold ${chosen}`);
}

main();
