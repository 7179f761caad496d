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
  let from = 0;
  for (;;) {
    const open = text.indexOf('```', from);
    if (open < 0) break;
    const close = text.indexOf('```', open + 3);
    if (close < 0) break;
    spans.push([open, close + 3]);
    from = close + 3;
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

function inside(spans: readonly [number, number][], start: number, end: number): boolean {
  return spans.some(([s, e]) => s <= start && end <= e);
}

/** Someone else told to do it: "telling the AI to", "asked ChatGPT to", "tricked the model into". */
const REPORTED = /\b(?:tell|tells|told|telling|ask|asks|asked|asking|instruct(?:s|ed|ing)?|order(?:s|ed|ing)?|trick(?:s|ed|ing)?|get|gets|got|getting|convinc(?:e|es|ed|ing)|persuad(?:e|es|ed|ing)|fool(?:s|ed|ing)?)\b(?: (?:the|a|an|their|its|it|them|him|her|chatbots?|bots?|models?|ais?|systems?|graders?)(?: [a-z]+){0,2})? (?:to|into)? ?$/;

function reported(variant: string, index: number): boolean {
  const before = variant.slice(Math.max(0, index - 50), index);
  return REPORTED.test(before);
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
        const quoted = inside(spans.get(variant) ?? [], match.index, end) || reported(variant, match.index);
        const weight = quoted ? rule.weight - 1 : rule.weight;
        if (best === null || weight > best.weight) best = { reason: rule.reason, index: match.index, length: match[0].length, variant, weight };
        if (weight === rule.weight) break;
      }
      if (best?.weight === rule.weight) break;
    }
    if (best !== null) found.push(best);
  }
  return found;
}

/** One act per reason, at its strongest; the sum says whether they make an injection. */
export function total(found: readonly Found[]): number {
  const byReason = new Map<string, number>();
  for (const act of found) byReason.set(act.reason, Math.max(byReason.get(act.reason) ?? 0, act.weight));
  return [...byReason.values()].reduce((sum, weight) => sum + weight, 0);
}
