/**
 * The simulated grader: for a request whose answer schema is GradeDesk's grading answer
 * (`criteria.<id>.{evidence, feedback, level}`, `overall_feedback`, `confidence`), an answer a
 * plausible reader of the essay would give. Levels follow visible features of the submission
 * (essay-features.ts) and a small nudge seeded by its content alone, so the same essay gets the
 * same levels on every run and from every simulated model; the evidence is a sentence of the
 * submission; the feedback speaks about an essay, in English or Simplified Chinese as the prompt
 * asks (feedback-words.ts).
 */
import { bestSentence, essayFeatures, PATTERNS, type EssayFeatures, type Sentence } from './essay-features.ts';
import { isRecord } from './json-schema.ts';
import { type Band, FEEDBACK_WORDS, type FeedbackLanguage, type FeedbackWords, type Kind } from './feedback-words.ts';
import { pick, rngFor, type Rng } from './random.ts';

interface CriterionShape {
  id: string;
  /** id, name and description, lower-cased: what says which kind of criterion it is. */
  label: string;
  /** The allowed levels, highest first. */
  levels: number[];
}


const KINDS: ReadonlyArray<[Kind, RegExp]> = [
  ['thesis', /thesis|claim|argument|position|main idea|focus|purpose|论点|观点/],
  ['evidence', /evidence|support|example|reason|detail|source|elaboration|development|analysis|论据/],
  ['organization', /organi[sz]|structure|coherence|flow|transition|paragraph|结构/],
  ['conventions', /convention|grammar|spelling|mechanic|punctuation|language|usage|语言/],
];

/** The criteria of a grading answer schema; null for any other schema. */
export function gradingShape(schema: unknown): CriterionShape[] | null {
  if (!isRecord(schema) || !isRecord(schema.properties)) return null;
  const { criteria, overall_feedback: overall } = schema.properties;
  if (!isRecord(criteria) || !isRecord(criteria.properties) || overall === undefined) return null;
  const shapes: CriterionShape[] = [];
  for (const [id, sub] of Object.entries(criteria.properties)) {
    if (!isRecord(sub) || !isRecord(sub.properties)) return null;
    const level = sub.properties.level;
    const levels = isRecord(level) && Array.isArray(level.enum) ? level.enum.filter((v): v is number => typeof v === 'number') : [];
    if (levels.length === 0 || !('evidence' in sub.properties) || !('feedback' in sub.properties)) return null;
    const description = typeof sub.description === 'string' ? sub.description : '';
    shapes.push({ id, label: `${id} ${description}`.toLowerCase(), levels: [...levels].sort((a, b) => b - a) });
  }
  return shapes.length > 0 ? shapes : null;
}

/** The student's text: between the marker lines (`<<<SUBMISSION t>>>` … `<<<END t>>>`) of the last user message. */
export function submissionBetweenMarkers(userText: string): string | null {
  const open = /^<<<[A-Z_]+ ([A-Za-z0-9]{8,64})>>>$/m.exec(userText);
  if (!open) return null;
  const token = open[1] as string;
  const start = open.index + open[0].length;
  const close = userText.indexOf(`${token}>>>`, start);
  if (close < 0) return null;
  const closeLine = userText.lastIndexOf('\n', close);
  return userText.slice(start, closeLine > start ? closeLine : close).replace(/^\n/, '');
}

/** How good the essay looks on one kind of criterion, 0 to 1. */
function strength(kind: Kind, f: EssayFeatures): number {
  const short = f.words < 80;
  switch (kind) {
    case 'thesis':
      if (!f.claim) return 0.1;
      return f.paragraphs >= 2 && f.claim.text.split(/\s+/).length >= 7 ? 0.95 : 0.55;
    case 'evidence':
      if (f.evidenceMarkers === 0) return 0.15;
      return f.evidenceMarkers >= 3 && !short ? 0.95 : 0.55;
    case 'organization':
      if (f.paragraphs <= 1) return 0.1;
      return f.paragraphs >= 3 && f.transitions >= 2 && !short ? 0.95 : 0.55;
    case 'conventions':
      if (f.errorsPer100 >= 5) return 0.1;
      return f.errorsPer100 < 1.5 ? 0.95 : 0.55;
    case 'overall':
      return (strength('thesis', f) + strength('evidence', f) + strength('organization', f) + strength('conventions', f)) / 4;
  }
}

/** A strength onto the criterion's levels: top for ≥ 0.8, bottom for ≤ 0.2, evenly between. */
function levelFor(levels: readonly number[], score: number): number {
  const position = Math.round((1 - Math.min(1, Math.max(0, score))) * (levels.length - 1));
  return levels[position] as number;
}

/** By the criterion's id first (`evidence`), then by its name ("Evidence for the argument" is evidence). */
function kindOf(criterion: CriterionShape): Kind {
  const byId = KINDS.find(([, pattern]) => pattern.test(criterion.id.toLowerCase()));
  return (byId ?? KINDS.find(([, pattern]) => pattern.test(criterion.label)))?.[0] ?? 'overall';
}

/** The sentence a grader would quote for this kind of criterion. */
function quoteFor(kind: Kind, f: EssayFeatures): Sentence | null {
  const first = f.sentences[0] ?? null;
  switch (kind) {
    case 'thesis':
      return f.claim ?? first;
    case 'evidence':
      return bestSentence(f.sentences, PATTERNS.evidence) ?? f.sentences.find((s) => PATTERNS.enumerated.test(s.text)) ?? f.sentences[1] ?? first;
    case 'organization':
      return bestSentence(f.sentences, PATTERNS.transition) ?? f.sentences.at(-1) ?? null;
    case 'conventions':
      return f.noisySentence ?? f.sentences[1] ?? first;
    case 'overall':
      return f.sentences[Math.floor(f.sentences.length / 2)] ?? null;
  }
}



const bandOf = (levels: readonly number[], level: number): Band => (level === levels[0] ? 'high' : level === levels.at(-1) ? 'low' : 'mid');

function overallFeedback(f: EssayFeatures, bands: Band[], rng: Rng, words: FeedbackWords): string {
  const highs = bands.filter((b) => b === 'high').length;
  const opening = highs === bands.length ? words.overall.all : highs >= bands.length / 2 ? words.overall.most : pick(rng, words.overall.few);
  return f.words < 80 ? `${opening}${words.overall.short(f.words)}` : opening;
}

/**
 * The answer for one submission. Returns null when there is nothing to read, so the caller falls
 * back to the generic filler; a title and no sentences gets the lowest levels from every model;
 * work sent as images goes to page-grader.ts before this.
 */
export function gradeEssay(shape: readonly CriterionShape[], submission: string, model: string, language: FeedbackLanguage = 'en'): Record<string, unknown> | null {
  const words = FEEDBACK_WORDS[language];
  const f = essayFeatures(submission);
  if (f.words === 0) return /\p{L}/u.test(submission) ? gradeNoProse(shape, submission, model, words) : null;
  // The nudge depends on the text alone: every run and every model grades it alike.
  const nudge = rngFor('essay-levels', submission);
  const phrasing = rngFor('essay-phrasing', submission, model);
  const criteria: Record<string, unknown> = {};
  const bands: Band[] = [];
  for (const criterion of shape) {
    const kind = kindOf(criterion);
    const level = levelFor(criterion.levels, strength(kind, f) + (nudge() - 0.5) * 0.1);
    const band = bandOf(criterion.levels, level);
    bands.push(band);
    const quote = quoteFor(kind, f);
    criteria[criterion.id] = {
      evidence: quote?.text ?? '',
      feedback: pick(phrasing, words.criteria[kind][band]),
      level: quote === null ? (criterion.levels.at(-1) as number) : level,
    };
  }
  return {
    // As the prompt asks, the words aimed at the grader are quoted, not graded: the simulated
    // grader notices the plain ones (essay-features.ts); a real model reads subtler ones.
    addressed_to_grader: f.addressedToGrader[0]?.text ?? '',
    criteria,
    overall_feedback: overallFeedback(f, bands, phrasing, words),
    confidence: Math.round((0.72 + phrasing() * 0.2) * 100) / 100,
  };
}

/** Words but no sentence (a title, a name, a few words): nothing a criterion can credit, said alike by every model. */
function gradeNoProse(shape: readonly CriterionShape[], submission: string, model: string, words: FeedbackWords): Record<string, unknown> {
  const phrasing = rngFor('essay-phrasing', submission, model);
  const criteria: Record<string, unknown> = {};
  for (const criterion of shape) {
    criteria[criterion.id] = { evidence: '', feedback: pick(phrasing, words.criteria[kindOf(criterion)].low), level: criterion.levels.at(-1) as number };
  }
  return {
    addressed_to_grader: '',
    criteria,
    overall_feedback: words.overall.noProse,
    confidence: Math.round((0.8 + phrasing() * 0.1) * 100) / 100,
  };
}
