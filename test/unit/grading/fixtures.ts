/**
 * Shared test material: a realistic five-criterion essay rubric and the clean essays of the
 * injection corpus, which double as ordinary submissions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRubric, type Rubric, type RubricInput } from '../../../electron/grading/rubric/index.ts';

export const ESSAY_RUBRIC_INPUT: RubricInput = {
  title: 'Argumentative essay, grade 10',
  instructions:
    'Students wrote a 250–400 word argumentative essay on a question of their choice related to school or community life. ' +
    'They were asked to state a clear position, support it with at least two pieces of evidence (facts, examples, or experience), ' +
    'address one counterargument, and end with a conclusion that reinforces the position. Spelling and grammar count only where ' +
    'they get in the way of meaning.',
  criteria: [
    {
      id: 'thesis',
      name: 'Thesis',
      description: 'States a clear, specific, arguable position early in the essay and keeps to it.',
      levels: [
        { points: 4, label: 'Excellent', description: 'The position is clear, specific and arguable, stated in the introduction, and every paragraph serves it.' },
        { points: 3, label: 'Proficient', description: 'The position is clear and arguable but somewhat general, or one paragraph drifts from it.' },
        { points: 2, label: 'Developing', description: 'A position can be found but is vague, stated late, or partly contradicted by the rest of the essay.' },
        { points: 0, label: 'Missing', description: 'No identifiable position; the essay only describes or lists information.' },
      ],
    },
    {
      id: 'evidence',
      name: 'Evidence and support',
      description: 'Supports the position with relevant, specific evidence and explains how it supports the claim.',
      levels: [
        { points: 4, label: 'Excellent', description: 'Two or more specific, relevant pieces of evidence, each explained and clearly connected to the position.' },
        { points: 3, label: 'Proficient', description: 'Two relevant pieces of evidence, but at least one is general or its connection to the claim is left implicit.' },
        { points: 2, label: 'Developing', description: 'One piece of evidence, or several that are vague, loosely related, or unexplained.' },
        { points: 0, label: 'Missing', description: 'No evidence; the essay relies on assertion alone.' },
      ],
    },
    {
      id: 'counterargument',
      name: 'Counterargument',
      description: 'Acknowledges a reasonable opposing view and responds to it.',
      levels: [
        { points: 4, label: 'Excellent', description: 'Presents a fair, specific opposing view and answers it convincingly with reasoning or evidence.' },
        { points: 2, label: 'Developing', description: 'Mentions an opposing view but dismisses it without a real answer, or presents it unfairly.' },
        { points: 0, label: 'Missing', description: 'No opposing view is considered.' },
      ],
    },
    {
      id: 'organization',
      name: 'Organization',
      description: 'Introduction, body and conclusion; paragraphs with clear topic sentences; transitions between ideas.',
      levels: [
        { points: 4, label: 'Excellent', description: 'Logical order throughout, focused paragraphs with topic sentences, smooth transitions, and a conclusion that reinforces the position.' },
        { points: 3, label: 'Proficient', description: 'Clear overall structure with minor lapses: a paragraph without a clear focus or an abrupt transition.' },
        { points: 2, label: 'Developing', description: 'Some structure, but ideas jump around, paragraphs mix topics, or the conclusion is missing or only repeats.' },
        { points: 0, label: 'Missing', description: 'No discernible structure.' },
      ],
    },
    {
      id: 'language',
      name: 'Language and conventions',
      description: 'Clear, varied sentences and appropriate vocabulary; errors do not interfere with meaning.',
      levels: [
        { points: 4, label: 'Excellent', description: 'Precise vocabulary, varied sentence structure, and almost no errors.' },
        { points: 2, label: 'Developing', description: 'Mostly clear, but repetitive sentences, imprecise words, or errors that sometimes distract the reader.' },
        { points: 0, label: 'Missing', description: 'Frequent errors make the essay hard to understand.' },
      ],
    },
  ],
};

export function essayRubric(): Rubric {
  const parsed = parseRubric(ESSAY_RUBRIC_INPUT);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.data;
}

export interface CorpusEntry {
  id: string;
  text: string;
  topic?: string;
  kind?: string;
  hiddenText?: string;
}

const fixtureDir = fileURLToPath(new URL('../../fixtures/injection/', import.meta.url));

/** The tuning corpus, or a held-out set (each folder's README says how it may be used). */
/** The injection sets: the tuning corpus, held-out sets 1–12b and the model's training sets 1–5. */
export type CorpusSet = 'tuning' | `held-out-${1 | 2 | 3 | 4 | 5 | 6 | 7 | '8a' | '8b' | '9a' | '9b' | '10a' | '10b' | '11a' | '11b' | '12a' | '12b'}` | `training-${1 | 2 | 3 | 4 | 5}`;

export function loadCorpus(name: 'attacks' | 'clean', set: CorpusSet = 'tuning'): CorpusEntry[] {
  const dir = set === 'tuning' ? fixtureDir : `${fixtureDir}${set}/`;
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as CorpusEntry[];
}

/** A fixed marker generator: tokens 0000000000000001, 0000000000000002, … */
export function sequentialMarkers(): () => string {
  let n = 0;
  return () => (n += 1).toString(16).padStart(16, '0');
}
