/**
 * How much a rule's match counts. An injection is the author speaking to the grader; the same
 * words quoted ("a user typing "Ignore previous instructions""), shown as a code example, or
 * reported as what someone told a chatbot ("students telling the AI to give them top marks") are
 * the essay talking *about* an injection. Such a match counts one less: a quoted example alone
 * does not flag, a quoted speech that both addresses the grader and grades the work still does.
 */

export interface WeightedRule {
  reason: string;
  /** 2: flags alone; 1: flags with another act. */
  weight: 1 | 2;
  pattern: RegExp;
}

export interface Found {
  reason: string;
  index: number;
  length: number;
  variant: string;
  weight: number;
}

/** Matches looked at per rule and variant, looking for one the author says in their own voice. */
const MAX_MATCHES = 40;

/** Spans inside double quotes (one paragraph at most) or inside a fenced or inline code block. */
export function quotedSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(/"[^"\n]{1,600}"|「[^」\n]{1,600}」|`[^`\n]{1,300}`/g)) spans.push([m.index, m.index + m[0].length]);
  // Single quotes (British dialogue, quoted examples), told from apostrophes: a quote opens
  // after a space or a bracket and closes before one; an apostrophe sits between letters.
  for (const m of text.matchAll(/(?<![\p{L}\p{N}])'(?=[^\s'])(?:[^'\n]|(?<=\p{L})'(?=\p{L})){1,600}?(?<=[^\s'])'(?![\p{L}\p{N}])/gu)) spans.push([m.index, m.index + m[0].length]);
  let from = 0;
  for (;;) {
    const open = text.indexOf('```', from);
    if (open < 0) break;
    const close = text.indexOf('```', open + 3);
    if (close < 0) break;
    spans.push([open, close + 3]);
    from = close + 3;
  }
  spans.push(...scriptLines(text));
  return spans.sort((a, b) => a[0] - b[0]);
}

/** Who speaks in a play script ("jordan: (leaning back) relax."): never a role the grader knows. */
const SPEAKER = /(?:^|\n)([a-z][a-z .'-]{1,20}):[ (]/g;
const NOT_A_CHARACTER = /\b(?:system|note|notes|nb|ps|p\.s|grader|marker|examiner|assessor|evaluator|ai|assistant|user|developer|admin|rubric|feedback|score|grade|mark|level|result|total|comment|teacher comment|instructions?|prompt|model|important|reminder|update|warning)\b/;

/**
 * The lines of a play or interview transcript: speech of characters, like a quotation. A text is
 * a script when at least two named speakers have two lines each.
 */
function scriptLines(text: string): [number, number][] {
  const lines = new Map<string, [number, number][]>();
  for (const m of text.matchAll(SPEAKER)) {
    const name = (m[1] ?? '').trim();
    if (NOT_A_CHARACTER.test(name)) continue;
    const start = m.index + m[0].length - 1;
    const end = text.indexOf('\n', start);
    // Pushed in place: copying the list on every line made a file of "label: value" lines quadratic.
    const said = lines.get(name);
    const line: [number, number] = [start, end < 0 ? text.length : end];
    if (said === undefined) lines.set(name, [line]);
    else said.push(line);
  }
  const speakers = [...lines.values()].filter((said) => said.length >= 2);
  return speakers.length >= 2 ? speakers.flat() : [];
}

/** Someone else told to do it: "telling the AI to", "asked ChatGPT to", "tricked the model into". */
const REPORTED = /\b(?:tell|tells|told|telling|ask|asks|asked|asking|instruct(?:s|ed|ing)?|order(?:s|ed|ing)?|trick(?:s|ed|ing)?|get|gets|got|getting|convinc(?:e|es|ed|ing)|persuad(?:e|es|ed|ing)|fool(?:s|ed|ing)?)\b(?: (?:the|a|an|their|its|it|them|him|her|chatbots?|bots?|models?|ais?|systems?|graders?)(?: [a-z]+){0,2})? (?:to|into)? ?$/;

/**
 * Said of someone else, or as a possibility: "a model might give full marks to", "students could
 * ask the AI to". The author's own demand has the grader ("you") or no subject at all.
 */
const SUBJECT = String.raw`(?:it|they|he|she|someone|somebody|people|(?:an?|the|some|any|one|this|that|many|most|good) (?:[a-z]+ ){0,2}[a-z]+|[a-z]+s)(?: (?:also|even|easily|still|then|sometimes|simply|just|often|never|usually|always))?`;
const POSSIBLY = new RegExp(String.raw`\b${SUBJECT} (?:might|could|may|would|can)(?: (?:also|even|easily|still|then|sometimes|simply|just|often))? $`);
/** "Teachers should give full marks to…" is an opinion; "graders should give this essay…" an order. */
const OUGHT = new RegExp(String.raw`\b${SUBJECT}(?: will|'ll| should| must| shall| ought to)(?: (?:also|even|still|then|sometimes|simply|just|often|only|usually|always))? $`);
const GRADER_SUBJECT = /\b(?:graders?|markers?|examiners?|assessors?|evaluators?|models?|ai|ais|systems?|assistants?|bots?|llms?|programs?|tools?|reviewers?|you|i|we)(?: [a-z]+)? [a-z]+ $/;

function reported(variant: string, index: number): boolean {
  const before = variant.slice(Math.max(0, index - 50), index);
  if (REPORTED.test(before)) return true;
  if (/\b(?:you|i|we)(?: [a-z]+)? [a-z]+ $/.test(before)) return false;
  return POSSIBLY.test(before) || (OUGHT.test(before) && !GRADER_SUBJECT.test(before));
}

/**
 * A quotation given as an example of what someone could write: "a line such as "…"", "写上"…"之类的话".
 * An example of an injection is the essay talking about one, never the author's own request.
 */
const EXAMPLE_BEFORE =
  /(?:such as|for example|for instance|e\.g\.|like|an example|examples?(?: of [a-z ]{1,30})?|(?:a|the|this) (?:line|sentence|phrase|comment|note|message|command|request|prompt|words?|text|instruction)(?: (?:such as|like|saying|that says|reading))?|(?:containing|contains|reading|saying)|(?:write|writes|wrote|writing|written|type|types|typed|typing|hide|hides|hid|hidden|hiding|insert|inserts|inserted|inserting|add|adds|added|adding)(?: (?:a|the|an|some|in|into|their|his|her) [a-z ]{1,20})?|comme|par exemple|como|por ejemplo|wie|zum beispiel|z\.b\.|(?:une|una|einen) (?:phrase|frase|satz)(?: (?:comme|como|wie))?|比如|例如|譬如|诸如|好比|一句|写上|写入|写着|写道|写了|写|藏着一句|加上|输入)\s{0,2}[:：,，]?\s{0,2}$/;
const EXAMPLE_AFTER = /^\s{0,2}(?:之类|这样的|这类|等(?:等|语句|话|指令))/;

function exampleQuote(variant: string, span: readonly [number, number]): boolean {
  const before = variant.slice(Math.max(0, span[0] - 60), span[0]);
  return EXAMPLE_BEFORE.test(before) || EXAMPLE_AFTER.test(variant.slice(span[1], span[1] + 12));
}

/**
 * Whether the words at this index are the author's own: not a quotation given as an example,
 * not reported as what someone else does or might do. A plain quotation is still the author's:
 * a character's speech can address the grader.
 */
export function authorsOwn(variant: string, spans: readonly [number, number][], index: number): boolean {
  const span = spans.find(([s, e]) => s <= index && index < e);
  if (span !== undefined) return !exampleQuote(variant, span);
  return !reported(variant, index);
}

/** How much a match counts: its rule's weight, one less quoted or reported, two less quoted as an example. */
function voiced(rule: WeightedRule, variant: string, spans: readonly [number, number][], start: number, end: number): number {
  const span = spans.find(([s, e]) => s <= start && end <= e);
  if (span !== undefined) return exampleQuote(variant, span) ? rule.weight - 2 : rule.weight - 1;
  return reported(variant, start) ? rule.weight - 1 : rule.weight;
}

/** The strongest match of each rule on any variant, quoted or reported matches counting one less. */
export function scoreRules(rules: readonly WeightedRule[], variants: readonly string[]): Found[] {
  const spans = new Map(variants.map((v) => [v, quotedSpans(v)]));
  const found: Found[] = [];
  for (const rule of rules) {
    const global = new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`);
    let best: Found | null = null;
    for (const variant of variants) {
      global.lastIndex = 0;
      for (let n = 0; n < MAX_MATCHES; n += 1) {
        const match = global.exec(variant);
        if (match === null) break;
        if (match[0].length === 0) global.lastIndex += 1;
        const end = match.index + match[0].length;
        const weight = voiced(rule, variant, spans.get(variant) ?? [], match.index, end);
        if (best === null || weight > best.weight) best = { reason: rule.reason, index: match.index, length: match[0].length, variant, weight };
        if (weight === rule.weight) break;
      }
      if (best?.weight === rule.weight) break;
    }
    if (best !== null) found.push(best);
  }
  return found;
}

/** The same words matched by two rules ("give full marks": a phrase and an act) are one finding. */
function sameWords(a: Found, b: Found): boolean {
  return a.length === b.length && a.variant.slice(a.index, a.index + a.length) === b.variant.slice(b.index, b.index + b.length);
}

/** One act per reason and per stretch of words, at its strongest; the sum says whether they make an injection. */
export function total(found: readonly Found[]): number {
  const byReason = new Map<string, number>();
  const counted: Found[] = [];
  for (const act of [...found].sort((a, b) => b.weight - a.weight)) {
    if (counted.some((other) => other.reason !== act.reason && sameWords(other, act))) continue;
    counted.push(act);
    byReason.set(act.reason, Math.max(byReason.get(act.reason) ?? 0, act.weight));
  }
  return [...byReason.values()].reduce((sum, weight) => sum + weight, 0);
}
