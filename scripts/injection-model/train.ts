/**
 * Training of the learned half of the injection scan (electron/grading/prompt/injection-model.ts)
 * on the project's attack and clean sets, and its figures on a set left out of training.
 *
 * An attack's label belongs to the whole file, but the injection is a sentence or two inside it
 * (multiple-instance learning): the first fit treats every segment of an attack as a weak
 * positive; each later fit takes the attack's most suspicious segment as its positive and its
 * least suspicious segments, ordinary work, as negatives. Every step is seeded, so the same sets
 * always give the same model.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { featurize, type Reading } from '../../electron/grading/prompt/injection-features.ts';
import { compileModel, modelInput, type ModelWeights, worstSegment } from '../../electron/grading/prompt/injection-model.ts';
import { scanRulesOnly } from '../../electron/grading/prompt/injection.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/injection/', import.meta.url));

/**
 * The sets the model learns from: each held-out set once it has been measured, except the newest
 * (set 12), whose measured figure describes this model; it joins with the next round.
 */
export const TRAINING_SETS = [
  'tuning',
  'held-out-1',
  'held-out-2',
  'held-out-3',
  'held-out-4',
  'held-out-5',
  'held-out-6',
  'held-out-7',
  'training-1',
  'training-2',
  'training-3',
  'training-4',
  'training-5',
  'held-out-8a',
  'held-out-8b',
  'held-out-9a',
  'held-out-9b',
  'held-out-10a',
  'held-out-10b',
  'held-out-11a',
  'held-out-11b',
] as const;

export interface Entry {
  id: string;
  text: string;
  hiddenText?: string;
}

export interface Doc {
  id: string;
  set: string;
  attack: boolean;
  /** What the model reads (modelInput) and its segments. */
  text: string;
  reading: Reading;
  /** Whether the hand-written rules alone flag it. */
  rules: boolean;
}

interface Instance {
  features: readonly string[];
  y: 0 | 1;
  weight: number;
}

const SETTINGS = {
  epochs: 15,
  rate: 0.3,
  l2: 1e-3,
  /** An attack's one positive segment against the many ordinary segments. */
  positiveWeight: 4,
  rounds: 6,
  /** An attack's segments this suspicious are left out of its negatives (an injection split in two). */
  keepOut: 3,
  /** A feature seen in fewer files says nothing about the next one. */
  minDocs: 2,
  prune: 0.03,
};

export function loadSet(set: string, kind: 'attacks' | 'clean'): Entry[] {
  const dir = set === 'tuning' ? FIXTURES : `${FIXTURES}${set}/`;
  return JSON.parse(readFileSync(`${dir}${kind}.json`, 'utf8')) as Entry[];
}

export function docsOf(set: string): Doc[] {
  return (['attacks', 'clean'] as const).flatMap((kind) =>
    loadSet(set, kind).map((entry) => {
      const text = modelInput(entry.hiddenText ? `${entry.text}\n${entry.hiddenText}` : entry.text);
      return { id: entry.id, set, attack: kind === 'attacks', text, reading: featurize(text), rules: rulesFlag(entry) };
    }),
  );
}

function rulesFlag(entry: Entry): boolean {
  return scanRulesOnly({ text: entry.text, ...(entry.hiddenText === undefined ? {} : { hiddenText: entry.hiddenText }) }).suspicious;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Fitted {
  bias: number;
  weights: Map<string, number>;
}

/** Logistic regression by AdaGrad with L2, over sparse binary features. */
function fit(instances: readonly Instance[], vocabulary: ReadonlySet<string>): Fitted {
  const weights = new Map<string, number>();
  const squares = new Map<string, number>();
  let bias = 0;
  let biasSquares = 1e-8;
  const known = instances.map((instance) => ({ ...instance, features: instance.features.filter((f) => vocabulary.has(f)) }));
  for (let epoch = 0; epoch < SETTINGS.epochs; epoch += 1) {
    for (const instance of shuffled(known, 17 + epoch)) {
      let z = bias;
      for (const f of instance.features) z += weights.get(f) ?? 0;
      const gradient = (1 / (1 + Math.exp(-z)) - instance.y) * instance.weight;
      biasSquares += gradient * gradient;
      bias -= (SETTINGS.rate * gradient) / Math.sqrt(biasSquares);
      for (const f of instance.features) {
        const w = weights.get(f) ?? 0;
        const g = gradient + SETTINGS.l2 * w;
        const s = (squares.get(f) ?? 1e-8) + g * g;
        squares.set(f, s);
        weights.set(f, w - (SETTINGS.rate * g) / Math.sqrt(s));
      }
    }
  }
  return { bias, weights };
}

function asModel(fitted: Fitted, threshold: number): ModelWeights {
  const kept = [...fitted.weights].filter(([, w]) => Math.abs(w) >= SETTINGS.prune).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { bias: Number(fitted.bias.toFixed(4)), threshold, features: kept.map(([f]) => f), weights: kept.map(([, w]) => Number(w.toFixed(4))) };
}

function vocabularyOf(docs: readonly Doc[]): Set<string> {
  const counts = new Map<string, number>();
  for (const doc of docs) for (const f of new Set(doc.reading.segments.flatMap((s) => s.features))) counts.set(f, (counts.get(f) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= SETTINGS.minDocs).map(([f]) => f));
}

/** A model trained on these files, with the threshold given. */
export function train(docs: readonly Doc[], threshold: number): ModelWeights {
  const vocabulary = vocabularyOf(docs);
  const clean = docs.filter((d) => !d.attack).flatMap((d) => d.reading.segments.map((s): Instance => ({ features: s.features, y: 0, weight: 1 })));
  const attacks = docs.filter((d) => d.attack);
  let fitted = fit(
    [...clean, ...attacks.flatMap((d) => d.reading.segments.map((s): Instance => ({ features: s.features, y: 1, weight: SETTINGS.positiveWeight / Math.max(1, d.reading.segments.length) })))],
    vocabulary,
  );
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    const score = compileModel(asModel(fitted, threshold));
    const instances = [...clean];
    for (const doc of attacks) {
      const ranked = doc.reading.segments.map((s) => ({ s, p: score(s.features) })).sort((a, b) => b.p - a.p);
      const top = ranked[0];
      if (top !== undefined) instances.push({ features: top.s.features, y: 1, weight: SETTINGS.positiveWeight });
      for (const { s } of ranked.slice(SETTINGS.keepOut)) instances.push({ features: s.features, y: 0, weight: 1 });
    }
    fitted = fit(instances, vocabulary);
  }
  return asModel(fitted, threshold);
}

export interface Scored {
  doc: Doc;
  probability: number;
}

/** Every file of every set scored by a model trained on all the other sets. */
export function leaveOneSetOut(bySet: ReadonlyMap<string, Doc[]>): Scored[] {
  const sets = [...bySet.keys()];
  return sets.flatMap((set) => {
    const score = compileModel(train(sets.filter((s) => s !== set).flatMap((s) => bySet.get(s) ?? []), 0.5));
    return (bySet.get(set) ?? []).map((doc) => ({ doc, probability: worstSegment(doc.text, doc.reading, score).probability }));
  });
}

export interface Rates {
  caught: number;
  attacks: number;
  flagged: number;
  clean: number;
}

/** Attacks caught and clean files flagged at a threshold, by the model alone or with the rules. */
export function rates(scored: readonly Scored[], threshold: number, withRules: boolean): Rates {
  const flags = (s: Scored): boolean => s.probability >= threshold || (withRules && s.doc.rules);
  return {
    caught: scored.filter((s) => s.doc.attack && flags(s)).length,
    attacks: scored.filter((s) => s.doc.attack).length,
    flagged: scored.filter((s) => !s.doc.attack && flags(s)).length,
    clean: scored.filter((s) => !s.doc.attack).length,
  };
}
