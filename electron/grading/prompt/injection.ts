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
 * Obfuscation handled: case, full-width letters, accents, zero-width characters inside words,
 * leetspeak (1gn0r3), letter spacing (i g n o r e, i.g.n.o.r.e), hyphenation, spaces between
 * Chinese characters.
 */
import { findActs } from './injection-acts.ts';
import { PHRASE_RULES, SQUASHED_PHRASES } from './injection-phrases.ts';
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
}

const TAG_CHARS = /[\u{E0000}-\u{E007F}]/gu;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
const ZERO_WIDTH = /[\u200B\u200C\u2060\u180E\uFEFF\u00AD]/g;
/** Zero-width runs this long do not happen in typed text. */
const ZERO_WIDTH_LIMIT = 4;

function excerpt(text: string, index: number, length: number): string {
  const raw = text.slice(Math.max(0, index), Math.min(text.length, index + Math.max(length, 1)));
  const clean = raw.replace(/\s+/g, ' ').trim();
  return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

export function scanForInjection(input: InjectionScanInput): InjectionScan {
  const reasons = new Map<string, string>();
  const add = (reason: string, detail: string): void => {
    if (!reasons.has(reason)) reasons.set(reason, detail === '' ? reason : `${reason}: "${detail}"`);
  };

  let text = input.text;
  const hidden = input.hiddenText?.trim() ?? '';
  if (hidden !== '') add('the document contains hidden text', excerpt(hidden, 0, 60));

  const tags = text.match(TAG_CHARS);
  if (tags !== null) {
    const decoded = tags.map((ch) => String.fromCharCode((ch.codePointAt(0) ?? 0xe0000) - 0xe0000)).join('');
    add('contains invisible Unicode tag characters', excerpt(decoded, 0, 60));
    text = `${text}\n${decoded}`;
  }
  if (BIDI_CONTROLS.test(text)) add('contains text-direction control characters', '');
  const zeroWidth = (text.match(ZERO_WIDTH) ?? []).length;
  if (zeroWidth >= ZERO_WIDTH_LIMIT) add('contains invisible zero-width characters', `${zeroWidth} of them`);
  if (input.marker !== undefined && input.marker !== '' && text.includes(input.marker)) {
    add("contains this request's submission marker", input.marker);
  }

  const normalized = normalizeForScan(hidden === '' ? text : `${text}\n${hidden}`);
  const variants = scanVariants(normalized);
  for (const rule of PHRASE_RULES) {
    for (const variant of variants) {
      const match = rule.pattern.exec(variant);
      if (match !== null) {
        add(rule.reason, excerpt(variant, match.index, match[0].length));
        break;
      }
    }
  }
  const squashed = squash(normalized);
  const acts = findActs(variants, squashed);
  // Acts explain a finding only when no phrase did: one reason per finding is enough to read.
  if (acts.flags && reasons.size === 0) for (const act of acts.found) add(act.reason, excerpt(act.variant, act.index, act.length));
  for (const [phrase, reason] of SQUASHED_PHRASES) if (squashed.includes(phrase)) add(reason, phrase);

  const list = [...reasons.values()];
  return { suspicious: list.length > 0, reasons: list };
}
