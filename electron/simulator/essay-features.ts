/**
 * What a quick reader sees in an essay without understanding it: its sentences, paragraphs,
 * length, a claim at the start, words that bring in reasons and examples, transitions, and
 * spelling noise. The simulated grader (essay-grader.ts) grades from these, so its levels follow
 * the text and the same text always gets the same levels.
 */

/** One sentence, exactly as it stands in the submission (a quote of it is a substring). */
export interface Sentence {
  text: string;
  paragraph: number;
}

export interface EssayFeatures {
  /** The sentences a grader reads, sentences that speak to the grader left out. */
  sentences: Sentence[];
  /** Sentences that speak to the grader or the rubric instead of the reader. */
  addressedToGrader: Sentence[];
  words: number;
  paragraphs: number;
  /** The first sentence of the first paragraph that takes a position; null if none does. */
  claim: Sentence | null;
  /** Reasons, examples and sources, counted over the essay. */
  evidenceMarkers: number;
  transitions: number;
  /** Spelling and mechanics slips per 100 words. */
  errorsPer100: number;
  /** A sentence with a slip in it, to quote; null when none has one. */
  noisySentence: Sentence | null;
}

const CLAIM = /\b(should|must|ought|need to|needs to|believe|argue|think|would|will|is better|are better|is worse|is wrong|is right|is bad|is good|not work)\b|应该|认为|必须/i;
const EVIDENCE = /\b(because|for example|for instance|such as|research|studies|study|shows|showed|according to|evidence|data|survey|percent|when i|since|if)\b|%|\d|因为|例如|比如|研究/gi;
/** A sentence that opens with an enumerator gives one more reason. */
const ENUMERATED = /^(first|firstly|second|secondly|third|finally|also|another)\b|^(首先|其次|最后)/i;
const TRANSITION = /\b(first|firstly|second|secondly|third|finally|however|moreover|furthermore|in addition|also|therefore|thus|so|in conclusion|to conclude|overall|on the other hand)\b|首先|其次|最后|然而|总之|因此/gi;
/**
 * A sentence that tells the grader what to do: claims the rubric's or the teacher's authority,
 * or asks for points. The grader reads past it, as the system prompt tells a real one to.
 */
const TO_GRADER =
  /\b(ignore|disregard|forget)\b.{0,40}\b(rubric|instructions?|rules|prompt|above)\b|\b(full|maximum|max|perfect|top)\s+(marks|points|score|grade)\b|\bgive\b.{0,30}\b(\d+\s*(points|marks|\/)|an? a\b|full)|\b(grader|grading model|language model|ai model|assistant)\b|满分|忽略/i;
const MISSPELLINGS = new Set([
  'becuase', 'becasue', 'freind', 'freinds', 'dont', 'cant', 'wont', 'doesnt', 'didnt', 'isnt', 'im', 'ive', 'thats', 'alot', 'teh', 'recieve',
  'definately', 'untill', 'wich', 'thier', 'beleive', 'seperate', 'occured', 'tommorow', 'wierd', 'goverment', 'enviroment', 'arguement', 'noone',
]);

/** A line that is a heading or a name, not prose: no sentence ending and only a few words. */
function isHeaderLine(line: string): boolean {
  return !/[.!?。！？]\s*$/.test(line) && line.split(/\s+/).length <= 6;
}

/** Paragraphs of prose with their sentences, exactly as written; headers left out. */
function splitSentences(text: string): Sentence[][] {
  const paragraphs: Sentence[][] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const sentences: Sentence[] = [];
    for (const line of block.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || isHeaderLine(trimmed)) continue;
      for (const part of trimmed.split(/(?<=[.!?。！？])\s+/)) {
        const sentence = part.trim();
        if (sentence.length >= 3) sentences.push({ text: sentence, paragraph: paragraphs.length });
      }
    }
    if (sentences.length > 0) paragraphs.push(sentences);
  }
  return paragraphs;
}

const countMatches = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

function slipsIn(sentence: string): number {
  let slips = /^[a-z]/.test(sentence) ? 1 : 0;
  for (const word of sentence.toLowerCase().match(/[a-z']+/g) ?? []) if (MISSPELLINGS.has(word)) slips += 1;
  slips += countMatches(sentence, /(^|\s)i(\s|$|')/g);
  slips += countMatches(sentence, /\s[,.;:]|[,;:][^\s\d"')]|[!?]{2,}/g);
  return slips;
}

export function essayFeatures(text: string): EssayFeatures {
  const paragraphs = splitSentences(text);
  const all = paragraphs.flat();
  const addressedToGrader = all.filter((s) => TO_GRADER.test(s.text));
  const sentences = all.filter((s) => !TO_GRADER.test(s.text));
  const prose = sentences.map((s) => s.text).join(' ');
  const words = prose.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length + countMatches(prose, /\p{Script=Han}/gu);
  const firstParagraph = sentences.length > 0 ? (sentences[0] as Sentence).paragraph : -1;
  // A question asks; it does not claim.
  const claim = sentences.find((s) => s.paragraph === firstParagraph && CLAIM.test(s.text) && !/[?？]$/.test(s.text)) ?? null;
  let slips = 0;
  let noisySentence: Sentence | null = null;
  let worst = 0;
  for (const sentence of sentences) {
    const n = slipsIn(sentence.text);
    slips += n;
    if (n > worst) [worst, noisySentence] = [n, sentence];
  }
  return {
    sentences,
    addressedToGrader,
    words,
    paragraphs: new Set(sentences.map((s) => s.paragraph)).size,
    claim,
    evidenceMarkers: countMatches(prose, EVIDENCE) + sentences.filter((s) => ENUMERATED.test(s.text)).length,
    transitions: countMatches(prose, TRANSITION),
    errorsPer100: words === 0 ? 0 : (slips * 100) / words,
    noisySentence,
  };
}

/** The sentence with the most matches of `pattern`; the first one on a tie; null when none matches. */
export function bestSentence(sentences: readonly Sentence[], pattern: RegExp): Sentence | null {
  let best: Sentence | null = null;
  let most = 0;
  for (const sentence of sentences) {
    const n = countMatches(sentence.text, new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`));
    if (n > most) [most, best] = [n, sentence];
  }
  return best;
}

export const PATTERNS = { evidence: EVIDENCE, enumerated: ENUMERATED, transition: TRANSITION } as const;
