/**
 * A heuristic scan of a submission for prompt injection: text meant for the grading model
 * rather than the teacher. It does not block anything — the prompt's rules and the random
 * marker are the defence — it raises the `possible_prompt_injection` review flag so the
 * teacher looks at the work before trusting its grade. A false alarm costs a glance; a miss
 * may cost a wrong grade, so the scan leans towards recall.
 *
 * What it looks for (English and Chinese):
 * - instructions to the model: "ignore previous instructions", "you are now…", "give this
 *   essay full marks", "do not deduct points", notes to the grader or AI, answer JSON;
 * - role and system spoofing: "system:", "assistant:", chat-template tokens;
 * - spoofed delimiters: `<<<END`, `<<<SUBMISSION`, `</submission>`, "END OF SUBMISSION"
 *   lines, and the request's own marker;
 * - fake rubric sections: "Rubric:", "Criterion:", "Grading instructions", "评分标准：";
 * - hiding: any text hidden in the document (white, tiny or hidden in DOCX), Unicode tag
 *   characters, bidirectional overrides, runs of zero-width characters;
 * - acts, however worded (injection-acts.ts): the work grading itself ("this response scores a
 *   perfect 16", "内容：A"), a grading rule or policy in its favour, a grade said to be given
 *   already, the grader's answer written out, the grader addressed by role.
 *
 * Obfuscation handled (injection-normalize.ts): case, full-width letters, accents, zero-width and
 * bidi characters, look-alike Cyrillic and Greek letters in mixed-script words, leetspeak that
 * spells a word (1gn0r3), letter spacing (g i v e  m e, i.g.n.o.r.e), hyphenation, spaces between
 * Chinese characters, Base64, ROT13 and reversed lines, comments, link titles and hidden elements.
 *
 * Voice (injection-score.ts): a match inside quotes or code, or reported as said to someone else,
 * counts one less than the author's own words, so an essay that quotes an injection is not one.
 *
 * Where the rules find nothing, a learned model (injection-model.ts) scores each sentence by what
 * its words do and names the most suspicious one. Neither reads meaning: on unseen text they catch
 * about six attacks in ten (README). The grading model's own report (`addressed_to_grader`,
 * answer-schema.ts) is the third reader.
 */
import type { FileCheckFinding } from '../../../shared/ipc/review.ts';
import { findActs } from './injection-acts.ts';
import { modelInput, modelVerdict } from './injection-model.ts';
import { decodeBase64Runs, decodeShiftedLines, extractHidden, foldHomoglyphs } from './injection-normalize.ts';
import { PHRASE_RULES, SQUASHED_PHRASES } from './injection-phrases.ts';
import { type Found, scoreRules, total } from './injection-score.ts';
import { normalizeForScan, scanVariants, squash } from './injection-text.ts';

export interface InjectionScanInput {
  text: string;
  /** Text the document hides from its reader (DOCX hidden/white/tiny runs). Any is suspicious. */
  hiddenText?: string;
  /** The request's marker token: its presence in the submission means a spoof or a leak. */
  marker?: string;
}

export interface InjectionScan {
  suspicious: boolean;
  /** One line per kind of finding, quoting what was found, for the teacher's review. */
  reasons: string[];
  /** The same findings as the review screen shows them, in the teacher's language. */
  findings: FileCheckFinding[];
}

const TAG_CHARS = /[\u{E0000}-\u{E007F}]/gu;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
const ZERO_WIDTH = /[\u200B\u200C\u2060\u180E\uFEFF\u00AD]/g;
/** Zero-width runs this long do not happen in typed text. */
const ZERO_WIDTH_LIMIT = 4;
/** Words written in two scripts at once ("grаdеr" with Cyrillic а and е): a few are a typo, more a disguise. */
const MIXED_SCRIPT_LIMIT = 3;
/** How much concealed text is read. */
const CONCEALED_LIMIT = 64 * 1024;
/** Grading words: in text nobody sees, a mention of them is enough to show the teacher. */
const GRADING_WORDS = /\b(?:grade[sd]?|grading|grader|marks?|marking|marker|score[sd]?|scoring|points|rubric|criteria|level [0-9]|band [0-9]|instructions?|prompt|ai|model|assistant|chatgpt|llm|feedback|evaluat\w+|assess\w*)\b|评分|分数|满分|阅卷|批改|指令/;

function excerpt(text: string, index: number, length: number): string {
  const raw = text.slice(Math.max(0, index), Math.min(text.length, index + Math.max(length, 1)));
  const clean = raw.replace(/\s+/g, ' ').trim();
  return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

/** Phrase and act findings on a text, each at the weight its voice gives it. */
function assess(text: string): { phrases: Found[]; acts: Found[]; score: number } {
  const normalized = normalizeForScan(text);
  const variants = scanVariants(normalized);
  const squashed = squash(normalized);
  const phrases = scoreRules(PHRASE_RULES, variants);
  for (const [phrase, reason] of SQUASHED_PHRASES) {
    // Squashed text has lost its quotes: it counts only where no readable wording was found.
    const at = squashed.indexOf(phrase);
    if (at >= 0 && !phrases.some((p) => p.reason === reason)) phrases.push({ reason, index: at, length: phrase.length, variant: squashed, weight: 2 });
  }
  const acts = findActs(variants, squashed);
  return { phrases, acts, score: total([...phrases, ...acts]) };
}

/** Text the reader does not see (comments, link titles, hidden elements, Base64): any grading act or word there. */
function concealed(text: string): { what: string; detail: string } | null {
  const groups = [
    { what: 'hides grading text in a comment, link title or hidden element', parts: extractHidden(text) },
    { what: 'hides grading text in Base64', parts: decodeBase64Runs(text) },
    { what: 'hides grading text in ROT13 or reversed writing', parts: decodeShiftedLines(text) },
  ];
  for (const { what, parts } of groups) {
    // All of a kind read at once: a file of a thousand comments costs one scan, not a thousand;
    // an injection is short, so the first 64 KB of it is plenty.
    const joined = parts.join('\n').slice(0, CONCEALED_LIMIT);
    if (joined === '') continue;
    const { phrases, acts } = assess(joined);
    const word = GRADING_WORDS.exec(normalizeForScan(joined));
    if (phrases.length + acts.length > 0 || word !== null) {
      const shown = parts.find((part) => GRADING_WORDS.test(normalizeForScan(part))) ?? parts[0] ?? '';
      return { what, detail: excerpt(shown, 0, 60) };
    }
  }
  return null;
}

/**
 * The whole scan: the rules, and where they find nothing, the learned model (injection-model.ts)
 * on the text and any hidden text, which names its most suspicious sentence.
 */
export function scanForInjection(input: InjectionScanInput): InjectionScan {
  const rules = scanRulesOnly(input);
  if (rules.suspicious) return rules;
  const hidden = input.hiddenText?.trim() ?? '';
  const scanned = modelInput(hidden === '' ? input.text : `${input.text}\n${hidden}`);
  const verdict = modelVerdict(scanned);
  if (!verdict.suspicious) return rules;
  const quote = excerpt(scanned, verdict.start, verdict.end - verdict.start);
  return { suspicious: true, reasons: [`reads like a request to whoever grades it: "${quote}"`], findings: [{ kind: 'request', quote }] };
}

/** The hand-written rules alone: hiding, spoofing, phrases and acts. */
export function scanRulesOnly(input: InjectionScanInput): InjectionScan {
  const reasons = new Map<string, string>();
  const findings: FileCheckFinding[] = [];
  const add = (reason: string, detail: string, kind: FileCheckFinding['kind']): void => {
    if (reasons.has(reason)) return;
    reasons.set(reason, detail === '' ? reason : `${reason}: "${detail}"`);
    const quote = kind === 'disguise' ? '' : detail;
    // The review quotes each passage once (a request inside hidden text is quoted as hidden),
    // and says "disguised" once.
    const lower = quote.toLowerCase();
    const shown = findings.some((f) => (f.kind === kind && f.quote === quote) || (kind === 'request' && f.kind === 'hidden' && f.quote.toLowerCase().includes(lower)));
    if (!shown) findings.push({ kind, quote });
  };

  let text = input.text;
  const hidden = input.hiddenText?.trim() ?? '';
  if (hidden !== '') add('the document contains hidden text', excerpt(hidden, 0, 60), 'hidden');

  const tags = text.match(TAG_CHARS);
  if (tags !== null) {
    const decoded = tags.map((ch) => String.fromCharCode((ch.codePointAt(0) ?? 0xe0000) - 0xe0000)).join('');
    add('contains invisible Unicode tag characters', excerpt(decoded, 0, 60), 'hidden');
    text = `${text}\n${decoded}`;
  }
  if (BIDI_CONTROLS.test(text)) add('contains text-direction control characters', '', 'disguise');
  const zeroWidth = (text.match(ZERO_WIDTH) ?? []).length;
  if (zeroWidth >= ZERO_WIDTH_LIMIT) add('contains invisible zero-width characters', `${zeroWidth} of them`, 'disguise');
  const { mixedWords } = foldHomoglyphs(text);
  if (mixedWords >= MIXED_SCRIPT_LIMIT) add('writes words with look-alike letters from another script', `${mixedWords} words`, 'disguise');
  if (input.marker !== undefined && input.marker !== '' && text.includes(input.marker)) {
    add("contains this request's submission marker", input.marker, 'disguise');
  }
  const hiding = concealed(text);
  if (hiding !== null) add(hiding.what, hiding.detail, 'hidden');

  const { phrases, acts, score } = assess(hidden === '' ? text : `${text}\n${hidden}`);
  if (score >= 2) {
    // Acts explain a finding only when no phrase did: one reason per finding is enough to read.
    const explained = phrases.length > 0 ? phrases : acts;
    for (const found of explained.sort((a, b) => b.weight - a.weight)) add(found.reason, excerpt(found.variant, found.index, found.length), 'request');
  }

  const list = [...reasons.values()];
  return { suspicious: list.length > 0, reasons: list, findings };
}
